#pragma once
// Behavioural evaluation of a trained design, shared by `train` (metrics stored in the design)
// and `eval`: a coherent full-scale sine for the dynamic metrics, a dense ramp for DNL/INL and
// missing codes (code density of a ramp is exact; a sine's needs many more samples).
#include <cstdint>

#include "nnadc/adc/design.h"
#include "nnadc/io/json.h"

namespace nnadc::cli {

struct EvalOptions {
  std::size_t sine_samples = 1U << 14U;
  int ramp_samples_per_level = 64;
};

/// Metrics JSON (CLI.md fields) of stage `index`: dynamic fields from the sine, dnl/inl/missing
/// codes from the ramp, plus "ramp_enob" and a "ramp" block with the ramp's own details.
io::Json stageMetrics(const adc::Design& design, std::size_t index, const EvalOptions& options);

/// Metrics JSON of a pipelined design: a coherent sine of `pipeline_sine_samples` and a ramp of
/// `pipeline_ramp_per_code` samples per output code.
struct PipelineEvalOptions {
  std::size_t sine_samples = 1U << 16U;
  int ramp_per_code = 16;
};
io::Json pipelineMetrics(const adc::Design& design, const PipelineEvalOptions& options);

/// Monte-Carlo over RRAM programming variation (each conductance * exp(N(0, sigma))): ENOB of a
/// coherent sine per draw (seed = base + draw), with the design's table or a per-die foreground
/// recalibration. Returns {"enob": [...], "median", "p10", "min", "max", ...}.
struct VariationOptions {
  double sigma = 0.01;
  int draws = 100;
  std::uint64_t seed = 1;
  bool recalibrate = true;
  std::size_t sine_samples = 1U << 14U;
};
io::Json variationStudy(const adc::Design& design, const VariationOptions& options);

}  // namespace nnadc::cli
