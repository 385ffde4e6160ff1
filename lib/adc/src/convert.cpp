#include "nnadc/adc/convert.h"

#include <cmath>
#include <numbers>
#include <numeric>

namespace nnadc::adc {

std::vector<std::int64_t> convert(const StageModel& model, const StageConductances& g,
                                  const Decoder& decoder, const Eigen::VectorXd& x) {
  const auto words = model.words(g, x);
  std::vector<std::int64_t> levels(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) levels[i] = decoder.decode(words[i]);
  return levels;
}

Eigen::VectorXd coherentSine(double lo, double hi, std::size_t samples, std::size_t cycles) {
  // 1e-9 of the window under full scale: the peaks land inside the end codes, not on the edge.
  const double amplitude = 0.5 * (hi - lo) * (1.0 - 1e-9);
  const double mid = 0.5 * (hi + lo);
  Eigen::VectorXd x(static_cast<Eigen::Index>(samples));
  for (std::size_t n = 0; n < samples; ++n) {
    const double phase = 2.0 * std::numbers::pi * static_cast<double>(cycles) *
                         static_cast<double>(n) / static_cast<double>(samples);
    x(static_cast<Eigen::Index>(n)) = mid + amplitude * std::sin(phase);
  }
  return x;
}

std::size_t coherentCycles(std::size_t samples, double fraction) {
  auto j = static_cast<std::size_t>(static_cast<double>(samples) * fraction);
  if (j % 2 == 0) --j;
  while (j > 1 && std::gcd(j, samples) != 1) j -= 2;
  return j;
}

}  // namespace nnadc::adc
