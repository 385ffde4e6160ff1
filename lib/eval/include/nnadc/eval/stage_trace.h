#pragma once
/// What each pipeline stage sees and decides over a slow ramp of the converter's input, from the
/// behavioural model with nominal conductances: the data behind the report's per-stage plots
/// (sub-ADC decision and residue vs the stage's own input). Small by design: a few hundred inputs.
#include <vector>

#include "nnadc/adc/design.h"

namespace nnadc::eval {

/// Inputs of the ramp the flow records (enough to draw every stage's residue sawtooth).
inline constexpr int kStageTracePoints = 256;

struct StageTrace {
  std::vector<double> input_v;  ///< converter input of each ramp point [V]
  /// Per stage: its input v_i at each point [V] (stage 0: input_v), its sub-ADC decision, and its
  /// residue, which is the next stage's input [V] (empty for the last stage).
  struct Stage {
    std::vector<double> input_v;
    std::vector<int> decision;
    std::vector<double> residue_v;
  };
  std::vector<Stage> stages;
};

/// The trace of `points` inputs spread over the pipeline's window, in rising order.
StageTrace traceStages(const adc::Design& design, int points = kStageTracePoints);

}  // namespace nnadc::eval
