#include "stage_eval.h"

#include "nnadc/adc/convert.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/io/metrics_json.h"
#include "nnadc/metrics/analysis.h"

namespace nnadc::cli {

io::Json stageMetrics(const adc::Design& design, std::size_t index, const EvalOptions& options) {
  const adc::StageModel model = adc::stageModel(design, index);
  const adc::StageDesign& stage = design.stages[index];
  const adc::Decoder decoder = adc::stageDecoder(stage);
  const adc::StageConductances g = model.conductances(stage.cells);
  const auto& shape = stage.shape;

  // f_in near fs/81: many codes per cycle, coherent (J odd and coprime with N).
  const std::size_t cycles = adc::coherentCycles(options.sine_samples, 0.0123);
  const auto sine = adc::coherentSine(shape.input_lo_v, shape.input_hi_v, options.sine_samples,
                                      cycles);
  metrics::AnalysisOptions sine_options;
  sine_options.bits = shape.bits;
  const auto sine_analysis = metrics::analyzeCodes(adc::convert(model, g, decoder, sine),
                                                   sine_options);

  Eigen::VectorXd ramp;
  std::vector<int> ideal;
  adc::makeRamp(shape, options.ramp_samples_per_level, ramp, ideal);
  metrics::AnalysisOptions ramp_options;
  ramp_options.bits = shape.bits;
  ramp_options.record = metrics::RecordKind::kRamp;
  const auto ramp_analysis = metrics::analyzeCodes(adc::convert(model, g, decoder, ramp),
                                                   ramp_options);

  io::Json j = io::metricsJson(sine_analysis);
  const io::Json r = io::metricsJson(ramp_analysis);
  for (const char* field : {"dnl_lsb_min", "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max",
                            "missing_codes"}) {
    j[field] = r[field];
  }
  j["ramp_enob"] = adc::rampEnob(model, stage.cells, decoder, options.ramp_samples_per_level);
  j["sine_cycles"] = cycles;
  j["ramp"] = r;
  return j;
}

}  // namespace nnadc::cli
