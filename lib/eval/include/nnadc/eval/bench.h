#pragma once
/// A trained design's SPICE bench measured against its behavioural model: the bench runs on the
/// worker pool (lib/sim), its codes are analysed the IEEE 1241 way (lib/metrics), and the same
/// inputs go through the behavioural model for the agreement figures. What `nnadc sim --design`
/// writes and `nnadc flow` summarises.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/deck.h"

namespace nnadc::eval {

struct BenchOptions {
  spice::DeckOptions deck;   ///< bench (static | transient) and its options; ngspice is run
  double timeout_s = 600.0;  ///< per simulation job [s]
  /// Throws InputError: NNADC-NET-011 (the emit-only stage bench), NNADC-NET-012 (deck options;
  /// a static sine on a single stage), NNADC-CFG-003 (timeout not > 0).
  void validate(const adc::Design& design) const;
};

/// A conversion where a stage's SPICE sub-ADC decision differs from the model's (pipelines).
struct StageDecisionMismatch {
  std::size_t input = 0;       ///< index of the conversion
  std::size_t stage = 0;       ///< 0-based stage
  int spice = 0;               ///< decision decoded from the SPICE bits
  int model = 0;               ///< the behavioural model's decision
  double stage_input_v = 0.0;  ///< the model's input to that stage [V]
};

struct BenchSummary {
  spice::Bench bench = spice::Bench::kStatic;
  bool pipeline = false;  ///< a pipeline of two or more stages (else one NN sub-ADC)
  bool sine = false;      ///< a sine record (transient, or static sine): FFT metrics apply
  int bits = 0;           ///< output resolution
  /// Metrics of the SPICE codes; nullopt for a pipeline ramp with fewer than 4 inputs per code,
  /// where code density means nothing (ramp_enob still does).
  std::optional<metrics::Analysis> analysis;
  double power_w = 0.0;  ///< supply power of the simulated NN sub-ADCs [W]
  /// The deck's behavioural elements (spice::idealElements: "b_res<i>: residue amplifiers ...").
  /// Non-empty: the figures are a reference computed with ideal parts, and power leaves them out.
  std::vector<std::string> ideal_elements;
  std::vector<double> power_per_stage_w;
  std::vector<double> x_v;                      ///< input of each conversion [V]
  std::vector<std::int64_t> codes;              ///< SPICE
  std::vector<std::int64_t> behavioural_codes;  ///< the model on the same inputs
  double agreement = 0.0;                       ///< fraction of identical codes
  std::size_t differing_codes = 0;
  std::int64_t max_code_difference = 0;
  std::vector<double> stage_decision_agreement;  ///< pipelines: per stage
  /// Pipelines: every stage decision that differs (few: the agreement is near 1), so that the
  /// report can overlay them on the model's per-stage transfer without storing every decision.
  std::vector<StageDecisionMismatch> stage_decision_mismatches;
  std::optional<double> ramp_enob;  ///< ramps: SPICE codes against ideal levels
  std::optional<double> behavioural_ramp_enob;
  std::optional<double> behavioural_enob;  ///< pipeline sines: the model's FFT ENOB
  std::size_t jobs = 0;                    ///< simulation chunks
  int workers = 0;
  double elapsed_s = 0.0;  ///< wall time of the simulations [s]
  // What the bench was (the result file records it).
  int points = 0;        ///< static: inputs
  int chunk_points = 0;  ///< static: inputs per job
  std::size_t sine_cycles = 0;
  double input_hz = 0.0;       ///< transient
  double edge_fraction = 0.0;  ///< transient
  int chunk_samples = 0;       ///< pipeline transient: samples per job
  int driver_multiplier = 1;   ///< single stage
};

/// Runs the bench and measures it. Throws InputError (options, a design that cannot be emitted)
/// before any job starts, SimulationError for a failed chunk.
BenchSummary measureBench(sim::WorkerPool& pool, const adc::Design& design,
                          const BenchOptions& options);

/// Survey figures the summaries set our FoMs against (../shared/PAPERS.md: the Murmann ADC
/// survey).
inline constexpr double kSurveySchreierEnvelopeDb = 186.7;
inline constexpr double kSurveyBestPipelineWaldenJ = 7.28e-15;  ///< pure pipeline, 28 nm, 1 GS/s
inline constexpr double kSurveyBestPipelinedSarWaldenJ = 1.78e-15;

}  // namespace nnadc::eval
