#pragma once
// Behavioural evaluation of a trained design, shared by `train` (metrics stored in the design)
// and `eval`: a coherent full-scale sine for the dynamic metrics, a dense ramp for DNL/INL and
// missing codes (code density of a ramp is exact; a sine's needs many more samples).
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

}  // namespace nnadc::cli
