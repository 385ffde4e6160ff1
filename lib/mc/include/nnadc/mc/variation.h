#pragma once
/// Monte-Carlo over RRAM programming variation on the behavioural model: each die draws every
/// programmed conductance G * exp(N(0, sigma)) (rram::applyProgrammingVariation) from its own seed
/// (base + die), is optionally recalibrated on a foreground ramp as a real pipeline would be, and
/// converts a coherent sine. The seed of the campaigns that lib/mc grows into.
#include <cstdint>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/core/progress.h"

namespace nnadc::mc {

struct VariationOptions {
  double sigma = 0.01;  ///< lognormal programming spread
  int draws = 100;      ///< dies
  std::uint64_t seed = 1;
  bool recalibrate = true;  ///< per-die foreground calibration of the combination table
  std::size_t sine_samples = std::size_t{1} << 14U;
  int threads = 0;  ///< 0 = every core; results do not depend on it
  /// Throws InputError NNADC-CFG-003 naming the field and its allowed range.
  void validate() const;
};

struct VariationSummary {
  VariationOptions options;
  std::vector<double> enob;  ///< per die, in die order
  double median_enob = 0.0;
  double p10_enob = 0.0;
  double min_enob = 0.0;
  double max_enob = 0.0;
};

/// Pipelines only (a single stage has no combination table to recalibrate): NNADC-CFG-003
/// otherwise.
/// Reports each finished draw to `progress` (from the draws' threads).
VariationSummary variationStudy(const adc::Design& design, const VariationOptions& options,
                                Progress& progress = nullProgress());

}  // namespace nnadc::mc
