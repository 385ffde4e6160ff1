#pragma once
/// Behavioural evaluation of a trained design (what `nnadc train` stores and `nnadc eval` reports):
/// a coherent full-scale sine for the dynamic metrics and a dense ramp for DNL/INL and missing
/// codes (the code density of a ramp is exact; a sine's needs many more samples).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "nnadc/adc/design.h"
#include "nnadc/metrics/analysis.h"

namespace nnadc::eval {

struct EvalOptions {
  /// Sine record length: 2^sine_log2 samples; nullopt = 14 for a single stage, 16 for a pipeline.
  std::optional<int> sine_log2;
  /// Ramp samples per output code; nullopt = 64 for a single stage, 16 for a pipeline.
  std::optional<int> ramp_per_code;
  /// Residue-amplifier noise (AmplifierModel::noise_v_rms) in the conversions, drawn from
  /// noise_seed (the sine) and noise_seed + 1 (the ramp). Off: the noiseless converter.
  bool noise = true;
  std::uint64_t noise_seed = 1;
  /// Throws InputError NNADC-CFG-003 naming the field and its allowed range.
  void validate() const;
  [[nodiscard]] std::size_t sineSamples(const adc::Design& design) const;
  [[nodiscard]] int rampPerCode(const adc::Design& design) const;
};

struct EvalSummary {
  metrics::Analysis sine;           ///< dynamic metrics (spectrum, sine fit)
  metrics::Analysis ramp;           ///< static linearity: DNL/INL and missing codes
  std::size_t sine_cycles = 0;      ///< J of the coherent sine
  std::optional<double> ramp_enob;  ///< single stage: ENOB of the ramp against ideal levels
  bool noise = false;               ///< noise was drawn (options.noise and a stage has noise)
};

/// The nominal design (every cell at its programmed level). Validates `options`.
EvalSummary evaluate(const adc::Design& design, const EvalOptions& options = {});

/// ENOB of a decoded record against the ideal continuous level of each input, within [lo, hi]
/// at `bits`: e = code + 1/2 - (x - lo) 2^bits / (hi - lo), ENOB = bits - log2(rms(e) sqrt 12)
/// (adc::rampEnob's measure, for records SPICE decoded).
double inputsEnob(const std::vector<std::int64_t>& codes, const std::vector<double>& x_v,
                  double lo_v, double hi_v, int bits);

}  // namespace nnadc::eval
