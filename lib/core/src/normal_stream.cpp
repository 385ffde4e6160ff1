#include "nnadc/core/normal_stream.h"

#include <cmath>

namespace nnadc {

namespace {

constexpr int kLayers = 128;
// Start of the tail and area of each layer for 128 layers (Marsaglia and Tsang 2000).
constexpr double kTail = 3.442619855899;
constexpr double kArea = 9.91256303526217e-3;

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The top 53 bits of a draw as a double in [0, 1).
double unit(std::uint64_t r) { return static_cast<double>(r >> 11U) * (1.0 / 9007199254740992.0); }

// Layer edges x[i] (x[0] = the base strip's equivalent width V / f(R), x[1] = R, x[128] = 0) and
// ratios x[i + 1] / x[i]: the share of layer i inside the density for any abscissa.
struct Tables {
  std::array<double, kLayers + 1> x{};
  std::array<double, kLayers> ratio{};
  Tables() {
    double f = std::exp(-0.5 * kTail * kTail);
    x[0] = kArea / f;
    x[1] = kTail;
    x[kLayers] = 0.0;
    for (int i = 2; i < kLayers; ++i) {
      x[i] = std::sqrt(-2.0 * std::log(kArea / x[i - 1] + f));
      f = std::exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i < kLayers; ++i) ratio[i] = x[i + 1] / x[i];
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

NormalStream::NormalStream(std::uint64_t seed) {
  // splitmix64 (Steele, Lea and Flood 2014) expands the seed into a nonzero state.
  for (std::uint64_t& word : s_) {
    seed += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    word = z ^ (z >> 31);
  }
}

std::uint64_t NormalStream::bits() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double NormalStream::uniform() { return unit(bits()); }

double NormalStream::next() {
  const Tables& t = tables();
  for (;;) {
    const std::uint64_t r = bits();
    // The top 53 bits give u in [-1, 1), the low 7 the layer: disjoint bits of one draw.
    const double u = 2.0 * unit(r) - 1.0;
    const auto i = static_cast<int>(r & (kLayers - 1));
    if (std::abs(u) < t.ratio[static_cast<std::size_t>(i)]) {
      return u * t.x[static_cast<std::size_t>(i)];  // inside the layer's rectangle
    }
    if (i == 0) {
      // The tail beyond R (Marsaglia 1964): exact.
      double a = 0.0;
      double b = 0.0;
      do {
        a = std::log(1.0 - uniform()) / kTail;
        b = std::log(1.0 - uniform());
      } while (-2.0 * b < a * a);
      return u < 0.0 ? a - kTail : kTail - a;
    }
    // The wedge between the rectangle and the density: accept under the curve.
    const double xi = t.x[static_cast<std::size_t>(i)];
    const double xn = t.x[static_cast<std::size_t>(i) + 1];
    const double x = u * xi;
    const double f0 = std::exp(-0.5 * (xi * xi - x * x));
    const double f1 = std::exp(-0.5 * (xn * xn - x * x));
    if (f1 + uniform() * (f0 - f1) < 1.0) return x;
  }
}

}  // namespace nnadc
