#pragma once
/// Seeded random numbers, reproducible across compilers and standard libraries: the engine is
/// std::mt19937_64 (fully specified by the standard) and the distributions are implemented here,
/// because std::normal_distribution's algorithm is implementation-defined.
#include <cstdint>
#include <random>

namespace nnadc {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  /// Seed of Monte-Carlo sample `index` of a campaign with base seed `base` (ARCHITECTURE.md:
  /// per-sample seed = base + index, so any shard reproduces any sample on its own).
  static std::uint64_t sampleSeed(std::uint64_t base, std::uint64_t index) { return base + index; }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Standard normal N(0, 1) (Marsaglia polar method).
  double normal();
  double normal(double mean, double sigma) { return mean + sigma * normal(); }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n);
  std::uint64_t next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace nnadc
