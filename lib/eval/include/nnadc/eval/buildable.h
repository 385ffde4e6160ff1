#pragma once
/// The buildable converter (spice/buildable_deck.h) simulated on the worker pool and measured the
/// IEEE 1241 way, against the behavioural model on the same samples: what `nnadc sim --bench
/// buildable` writes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/sim/buildable_bench.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/buildable_deck.h"

namespace nnadc::eval {

/// The stage amplifier as characterised at scale 1 (docs/analog_cells.md, `nnadc characterize
/// --amplifier`): its input-referred noise density and unity-gain frequency, and the MDAC's
/// feedback factor; a stage at scale s has s x the gm, so density / sqrt(s), the same GBW.
struct AmplifierFigures {
  double noise_density_v_rthz = 3.9e-9;
  double gbw_hz = 204e6;
  double feedback_factor = 0.17;  ///< Cf / (Cf + 8 Cu + C_in): 2 / (2 + 8 + ~1.8)
  double temperature_k = 300.0;
};

/// Per stage (differential, referred to the stage input): sampling kT/C on 8 Cu_i per side plus
/// the amplifier's noise over the closed-loop bandwidth (sim::residueNoise); 0 for the last stage.
std::vector<double> buildableNoiseRms(const adc::Design& design,
                                      const spice::BuildableOptions& options,
                                      const AmplifierFigures& amplifier = {});

/// Foreground calibration of the combination table against the buildable converter as SPICE
/// simulates it: a ramp of `points` held inputs at the centres of equal steps over `span` of the
/// window around mid-scale, in a scrambled order (k s mod N), noise off, converted by the deck; the
/// table is the least squares of adc::PipelineModel::calibrateFrom on the decisions the deck
/// latched (what a real pipeline's foreground calibration measures: gain error, capacitor and DAC
/// errors of every stage).
struct BuildableCalibration {
  int points = 0;
  double span = 0.98;       ///< fraction of the window the ramp covers
  double unit_cap_f = 0.0;  ///< the deck options it was measured with
  double fs_hz = 0.0;
  std::vector<std::vector<double>> table;  ///< T_i[d] [V]
  double residual_rms_lsb = 0.0;           ///< sum_i T_i[d_i] - x over the ramp, in output LSB
  double residual_max_lsb = 0.0;
  double ideal_residual_rms_lsb = 0.0;  ///< the same with the design's table
  /// Per residue stage, the residue transfer the ramp measured in SPICE (each stage's settled
  /// output against its own input and latched decision), as the model's AmplifierModel: least
  /// squares of (v_next - c) / G = (1 + gain_error) e + a2 e^2 + a3 e^3 + c_d, e = v - DAC(d),
  /// with dac_error_v[d] = -c_d / (1 + gain_error) (noise_v_rms 0). Empty for the last stage.
  std::vector<adc::AmplifierModel> stages;
  std::vector<double> fit_rms_v;  ///< per residue stage: rms of that fit at the stage output [V]
  /// Redundancy budget, per residue stage, differential: the largest distance of a stage input
  /// beyond the ideal decision interval of the level its sub-ADC chose (0 when every decision is
  /// ideal) [V], and the largest |residue| that reached the next stage [V] (the OTA's swing and the
  /// next window bound it; without decision errors it is G x half a level, 0.6 V here).
  std::vector<double> decision_error_max_v;
  std::vector<double> residue_peak_v;
  /// The ramp as simulated, in conversion order: inputs [V], decisions [sample][stage] and
  /// residues [sample][stage] (as sim::BuildableRun), so that the fits can be redone offline.
  std::vector<double> ramp_x_v;
  std::vector<std::vector<int>> ramp_decisions;
  std::vector<std::vector<double>> ramp_residues_v;
  double elapsed_s = 0.0;
  /// io::fileDigest of the design file it was measured on ("" = not recorded).
  std::string design_digest;
};

/// The AmplifierModel fits above from stage inputs x, SPICE decisions and residues ([sample][stage]
/// as sim::BuildableRun holds them). Needs every stage's levels seen; unseen levels keep 0 error.
void fitBuildableStages(const adc::Design& design, const std::vector<double>& x_v,
                        const std::vector<std::vector<int>>& decisions,
                        const std::vector<std::vector<double>>& residues_v,
                        BuildableCalibration& calibration);

/// The behavioural model of the converter SPICE simulates: the design with each residue stage's
/// amplifier replaced by the calibration's extracted one (noise_v_rms from the deck's, half the
/// differential value) and the calibrated table.
adc::Pipeline extractedPipeline(const adc::Design& design, const BuildableCalibration& calibration,
                                const std::vector<double>& noise_v_rms);

/// Throws InputError (points < 4 x the table's unknowns / 8, span outside (0, 1]) before any job,
/// SimulationError for a failed chunk.
BuildableCalibration calibrateBuildable(sim::WorkerPool& pool, const adc::Design& design,
                                        const spice::BuildableOptions& options, int points,
                                        double span, double timeout_s);

struct BuildableSummary {
  spice::BuildableOptions options;
  sim::BuildableRun run;  ///< codes through the calibrated table when there is one
  std::optional<BuildableCalibration> calibration;
  /// With a calibration: the SPICE decisions through the design's table (without, `run.codes`).
  std::vector<std::int64_t> uncalibrated_codes;
  double uncalibrated_enob = 0.0;
  bool noise = false;
  std::vector<double> x_v;  ///< input of each sample [V] (single-ended)
  /// The model on x_v; with noise, the deck's own noise values (spice::buildableNoise), so that
  /// codes compare one by one.
  std::vector<std::int64_t> behavioural_codes;
  double agreement = 0.0;  ///< fraction of identical codes
  std::int64_t max_code_difference = 0;
  std::vector<double> stage_decision_agreement;
  metrics::Analysis analysis;  ///< SPICE codes, with power and FoMs
  double behavioural_enob = 0.0;
  /// With a calibration holding extracted stages: the extracted model (extractedPipeline) on the
  /// same inputs and the deck's noise values, against the calibrated SPICE codes.
  bool extracted = false;
  std::vector<std::int64_t> extracted_codes;
  double extracted_enob = 0.0;
  double extracted_agreement = 0.0;
  std::int64_t extracted_max_code_difference = 0;
  double extracted_within_one_lsb = 0.0;  ///< fraction of codes within +-1 of SPICE's
};

/// Throws InputError before any job (options, design), SimulationError for a failed chunk. With a
/// calibration, the reported codes and metrics combine the SPICE decisions through its table
/// (uncalibrated_* keep the design's table); `agreement` and the decision agreement compare the
/// SPICE decisions through the design's table with the model, which uses that table.
BuildableSummary measureBuildable(sim::WorkerPool& pool, const adc::Design& design,
                                  const spice::BuildableOptions& options, double timeout_s,
                                  std::optional<BuildableCalibration> calibration = std::nullopt);

}  // namespace nnadc::eval
