#pragma once
/// The buildable converter (spice/buildable_deck.h) simulated on the worker pool and measured the
/// IEEE 1241 way, against the behavioural model on the same samples: what `nnadc sim --bench
/// buildable` writes.
#include <cstdint>
#include <optional>
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

struct BuildableSummary {
  spice::BuildableOptions options;
  sim::BuildableRun run;
  bool noise = false;
  std::vector<double> x_v;                      ///< input of each sample [V] (single-ended)
  std::vector<std::int64_t> behavioural_codes;  ///< the model on x_v (same noise rms if noise)
  double agreement = 0.0;                       ///< fraction of identical codes
  std::int64_t max_code_difference = 0;
  std::vector<double> stage_decision_agreement;
  metrics::Analysis analysis;  ///< SPICE codes, with power and FoMs
  double behavioural_enob = 0.0;
};

/// Throws InputError before any job (options, design), SimulationError for a failed chunk.
BuildableSummary measureBuildable(sim::WorkerPool& pool, const adc::Design& design,
                                  const spice::BuildableOptions& options, double timeout_s);

}  // namespace nnadc::eval
