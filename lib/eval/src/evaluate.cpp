#include "nnadc/eval/evaluate.h"

#include <cmath>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/design.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/check.h"

namespace nnadc::eval {

namespace {
constexpr int kStageSineLog2 = 14;
constexpr int kPipelineSineLog2 = 16;
constexpr int kStageRampPerCode = 64;
constexpr int kPipelineRampPerCode = 16;

metrics::Analysis analyze(const std::vector<std::int64_t>& codes, int bits,
                          metrics::RecordKind record) {
  metrics::AnalysisOptions options;
  options.bits = bits;
  options.record = record;
  return metrics::analyzeCodes(codes, options);
}

// A single stage is a one-stage pipeline: the same conversion (its decoded level is the code),
// plus the ramp ENOB against ideal levels that stage training optimises.
EvalSummary evaluateDesign(const adc::Design& design, std::size_t samples, int per_code,
                           const EvalOptions& options) {
  const adc::PipelineModel model(design.pipeline, design);
  const auto g = model.nominal();
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  const int bits = design.pipeline.bits;
  EvalSummary s;
  for (const auto& stage : design.pipeline.stages) {
    s.noise |= options.noise && stage.amplifier.noise_v_rms > 0.0;
  }
  Rng sine_noise(options.noise_seed);
  Rng ramp_noise(options.noise_seed + 1);
  s.sine_cycles = adc::coherentCycles(samples, adc::kDefaultSineFraction);
  const auto sine = adc::coherentSine(lo, hi, samples, s.sine_cycles);
  s.sine = analyze(model.convert(g, sine, nullptr, s.noise ? &sine_noise : nullptr), bits,
                   metrics::RecordKind::kSine);
  const Eigen::Index n = static_cast<Eigen::Index>(per_code) << bits;
  Eigen::VectorXd ramp(n);
  for (Eigen::Index k = 0; k < n; ++k)
    ramp(k) = lo + (hi - lo) * (static_cast<double>(k) + 0.5) / static_cast<double>(n);
  s.ramp = analyze(model.convert(g, ramp, nullptr, s.noise ? &ramp_noise : nullptr), bits,
                   metrics::RecordKind::kRamp);
  if (design.singleStage()) {
    const adc::StageDesign& stage = design.stage(0);
    s.ramp_enob =
        adc::rampEnob(adc::stageModel(design, 0), stage.cells, adc::stageDecoder(stage), per_code);
  }
  return s;
}
}  // namespace

void EvalOptions::validate() const {
  if (sine_log2) requireInRange("NNADC-CFG-003", "sine-log2", *sine_log2, 8, 24);
  if (ramp_per_code) requireInRange("NNADC-CFG-003", "ramp-per-level", *ramp_per_code, 1, 4096);
}

std::size_t EvalOptions::sineSamples(const adc::Design& design) const {
  const int log2 = sine_log2.value_or(design.singleStage() ? kStageSineLog2 : kPipelineSineLog2);
  return std::size_t{1} << static_cast<unsigned>(log2);
}

int EvalOptions::rampPerCode(const adc::Design& design) const {
  return ramp_per_code.value_or(design.singleStage() ? kStageRampPerCode : kPipelineRampPerCode);
}

EvalSummary evaluate(const adc::Design& design, const EvalOptions& options) {
  options.validate();
  return evaluateDesign(design, options.sineSamples(design), options.rampPerCode(design), options);
}

double inputsEnob(const std::vector<std::int64_t>& codes, const std::vector<double>& x_v,
                  double lo_v, double hi_v, int bits) {
  const double scale = (1 << bits) / (hi_v - lo_v);
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const double e = static_cast<double>(codes[i]) + 0.5 - (x_v[i] - lo_v) * scale;
    sum_sq += e * e;
  }
  const double rms = std::sqrt(sum_sq / static_cast<double>(codes.size()));
  return bits - std::log2(rms * std::sqrt(12.0));
}

}  // namespace nnadc::eval
