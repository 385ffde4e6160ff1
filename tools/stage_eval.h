#pragma once
// Behavioural evaluation of a trained design, shared by `train` (metrics stored in the design)
// and `eval`: a coherent full-scale sine for the dynamic metrics, a dense ramp for DNL/INL and
// missing codes (code density of a ramp is exact; a sine's needs many more samples).
#include <cstdint>
#include <string>

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

/// Nonlinear quantisation through the pipeline's digital back end: the 14-bit linear code is
/// mapped to a `bits`-bit code of a nonlinear transfer and compared with the ideal nonlinear
/// quantiser of the same inputs (ICCAD'19's configurable quantisation):
///   log2: code = round(((log2 x + bits) / bits) (2^bits - 1)), x in [2^-bits, 1];
///   sqrt: code = round(sqrt(x) (2^bits - 1)), x in [0, 1];
/// x is the input as a fraction of the first stage's window. Reports the maximum and rms code
/// error in LSB of the nonlinear code, and where the maximum occurs.
io::Json transferStudy(const adc::Design& design, const std::string& transfer, int bits);

}  // namespace nnadc::cli
