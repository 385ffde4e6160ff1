#pragma once
/// Training a design, the whole step: a single NN sub-ADC (adc::trainStage, then the foreground
/// ramp calibration of its lookup-table decoder) or a pipeline (adc::trainPipeline), then the
/// behavioural metrics the design file stores. What `nnadc train` and `nnadc flow` call.
#include <optional>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/adc/pipeline_trainer.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/log.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/eval/nonlinear.h"

namespace nnadc::eval {

/// What a recipe asks for, in library terms (io::StageRecipe / io::PipelineRecipe make one).
struct TrainRequest {
  adc::Design base;  ///< seed, VDD, RRAM level set, VTC, inverter; no stages yet
  /// A single stage: its shape (bits, hidden, code, window) and training options.
  std::optional<adc::StageShape> stage;
  adc::StageTrainOptions stage_training;
  /// A pipeline: its plan and training options (used when `stage` is empty).
  std::vector<adc::PipelineStagePlan> plan;
  adc::PipelineTrainOptions pipeline_training;
  /// A nonlinear converter (issue #16): the pipeline becomes the mantissa converter of this
  /// segmented front end, calibrated on `nonlinear_calibration_points` foreground inputs.
  std::optional<adc::SegmentedFrontEnd> segmented;
  int nonlinear_calibration_points = 1 << 16;
  /// Throws InputError as the training options' validate().
  void validate() const;
};

struct TrainSummary {
  adc::Design design;  ///< complete when !diverged
  bool diverged = false;
  std::string message;  ///< why, when diverged
  std::optional<adc::StageTrainResult> stage;
  std::optional<adc::PipelineTrainResult> pipeline;
  EvalSummary metrics;  ///< eval::evaluate of the trained design (default options)
  /// A segmented design's linearity against its target (nonlinearStudy, default options).
  std::optional<NonlinearSummary> nonlinear;
  double seconds = 0.0;
};

TrainSummary train(const TrainRequest& request, Logger& logger);

}  // namespace nnadc::eval
