#pragma once
// Synthetic ADC records with known properties, built from first principles (not from the code
// under test): ideal and planted-error quantisers, sines with known noise and harmonics.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"

namespace nnadc::metrics::test {

inline constexpr double kTwoPi = 2.0 * std::numbers::pi;

/// The id of the nnadc::Error that `f` throws, or "no error".
inline std::string idOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const nnadc::Error& e) {
    return e.id();
  }
  return "no error";
}

/// Ideal mid-rise quantiser: transitions at 1, 2, ..., 2^bits - 1 LSB, input `x_lsb` in LSB.
inline std::int64_t quantize(double x_lsb, int bits) {
  const auto top = (std::int64_t{1} << bits) - 1;
  return std::clamp(static_cast<std::int64_t>(std::floor(x_lsb)), std::int64_t{0}, top);
}

/// Quantiser with arbitrary transition levels: code = number of transitions at or below x.
inline std::int64_t quantize(double x_lsb, const std::vector<double>& transitions) {
  return static_cast<std::int64_t>(std::upper_bound(transitions.begin(), transitions.end(), x_lsb) -
                                   transitions.begin());
}

/// x[n] = offset + amplitude sin(2 pi cycles n / samples + phase) + Gaussian noise (rms `noise`).
inline std::vector<double> sine(std::size_t samples, double cycles, double amplitude,
                                double offset = 0.0, double phase = 0.3, double noise = 0.0,
                                std::uint64_t seed = 1) {
  Rng rng(seed);
  std::vector<double> x(samples);
  for (std::size_t n = 0; n < samples; ++n) {
    const double t = static_cast<double>(n) / static_cast<double>(samples);
    x[n] = offset + amplitude * std::sin(kTwoPi * cycles * t + phase);
    if (noise > 0.0) x[n] += rng.normal(0.0, noise);
  }
  return x;
}

/// Codes of an N-bit ideal quantiser for a sine centred mid-scale; amplitude and noise in LSB.
inline std::vector<std::int64_t> sineCodes(int bits, std::size_t samples, double cycles,
                                           double amplitude_lsb, double noise_lsb = 0.0,
                                           std::uint64_t seed = 1) {
  const double mid = std::ldexp(1.0, bits - 1);
  const std::vector<double> x = sine(samples, cycles, amplitude_lsb, mid, 0.3, noise_lsb, seed);
  std::vector<std::int64_t> codes(samples);
  for (std::size_t n = 0; n < samples; ++n) codes[n] = quantize(x[n], bits);
  return codes;
}

/// Ideal transition levels 1 .. 2^bits - 1 [LSB].
inline std::vector<double> idealTransitions(int bits) {
  std::vector<double> t(static_cast<std::size_t>((1 << bits) - 1));
  for (std::size_t k = 0; k < t.size(); ++k) t[k] = static_cast<double>(k + 1);
  return t;
}

}  // namespace nnadc::metrics::test
