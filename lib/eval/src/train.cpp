#include "nnadc/eval/train.h"

#include <algorithm>
#include <chrono>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/segmented.h"

namespace nnadc::eval {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TrainSummary trainStage(const TrainRequest& request, Logger& logger) {
  const adc::Design& base = request.base;
  adc::StageDesign stage;
  stage.shape = *request.stage;
  const adc::StageModel model(stage.shape, base.vtc, rram::LevelSet(base.rram));
  logger.info("training a " + std::to_string(stage.shape.bits) + "-bit " +
              adc::codeKindName(stage.shape.code.kind) + " stage (" +
              std::to_string(stage.shape.hidden) + " hidden, " +
              std::to_string(stage.shape.outputs()) + " outputs, " +
              std::to_string(base.rram.cell_bits) + "-bit cells)");
  TrainSummary s;
  s.stage = adc::trainStage(model, request.stage_training, logger);
  s.seconds = s.stage->seconds;
  if (s.stage->diverged) {
    s.diverged = true;
    s.message = s.stage->message;
    return s;
  }
  stage.cells = s.stage->cells;
  // Calibrate the lookup-table decoder on a ramp (the foreground calibration a real converter
  // would run), then store it sorted so the file is deterministic.
  Eigen::VectorXd ramp;
  std::vector<int> ideal;
  adc::makeRamp(stage.shape, request.stage_training.samples_per_level, ramp, ideal);
  adc::Decoder decoder(stage.shape.code);
  decoder.calibrate(model.words(model.conductances(stage.cells), ramp), ideal);
  stage.decoder_table.assign(decoder.table().begin(), decoder.table().end());
  std::sort(stage.decoder_table.begin(), stage.decoder_table.end());
  s.design = base;
  s.design.pipeline = adc::singleStagePipeline(stage);
  s.metrics = evaluate(s.design);
  if (!stage.shape.target_thresholds.empty()) s.nonlinear = nonlinearStudy(s.design, {});
  return s;
}

TrainSummary trainPipeline(const TrainRequest& request, Logger& logger) {
  const auto start = std::chrono::steady_clock::now();
  TrainSummary s;
  s.design = request.base;
  s.pipeline = adc::trainPipeline(request.plan, request.pipeline_training, s.design, logger);
  if (s.pipeline->diverged) {
    s.diverged = true;
    s.message = s.pipeline->message;
    return s;
  }
  s.design.pipeline = s.pipeline->pipeline;
  s.metrics = evaluate(s.design);
  if (request.segmented) {
    // The pipeline converts the segment taps; calibrate the back end's per-segment lines.
    s.design.segmented = *request.segmented;
    s.design.segmented =
        adc::SegmentedConverter(s.design).calibrate(request.nonlinear_calibration_points);
    s.nonlinear = nonlinearStudy(s.design, NonlinearOptions{});
    logger.info("nonlinear " + s.design.segmented->target.name + " target: max |INL| " +
                std::to_string(s.nonlinear->linearity.max_abs_inl_lsb) + " LSB, max |DNL| " +
                std::to_string(s.nonlinear->linearity.max_abs_dnl_lsb) + " LSB, " +
                std::to_string(s.nonlinear->linearity.missing_codes) + " missing codes");
  }
  s.seconds = secondsSince(start);
  return s;
}

}  // namespace

void TrainRequest::validate() const {
  if (stage) {
    stage_training.validate();
  } else {
    pipeline_training.validate(plan, base.vtc.vdd_v);
    if (segmented) {
      adc::validateSegmented(*segmented, pipeline_training.target_bits, "nonlinear");
    }
  }
}

TrainSummary train(const TrainRequest& request, Logger& logger) {
  request.validate();
  return request.stage ? trainStage(request, logger) : trainPipeline(request, logger);
}

}  // namespace nnadc::eval
