#include "nnadc/metrics/coherent.h"

#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/metrics/record.h"

namespace nnadc::metrics {

namespace {

/// Shortest record the planner serves: below 8 samples there is at most one odd J under N/2.
constexpr std::size_t kMinPlanSamples = 8;

}  // namespace

std::int64_t greatestCommonDivisor(std::int64_t a, std::int64_t b) {
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0) {
    const std::int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

CoherentPlan planCoherent(double fs_hz, std::size_t samples, double target_hz) {
  requireSampleRate(fs_hz);
  if (samples < kMinPlanSamples) {
    throw InputError("NNADC-MET-011", "record length " + std::to_string(samples) +
                                          " is too short to plan coherent sampling (at least " +
                                          std::to_string(kMinPlanSamples) + ")");
  }
  if (!std::isfinite(target_hz) || target_hz <= 0.0 || target_hz >= fs_hz / 2.0) {
    throw InputError("NNADC-MET-011",
                     "target input frequency " + formatDouble(target_hz) +
                         " Hz must lie in (0, fs/2 = " + formatDouble(fs_hz / 2.0) + " Hz)");
  }
  const auto n = static_cast<std::int64_t>(samples);
  const double ideal = target_hz * static_cast<double>(samples) / fs_hz;
  const auto acceptable = [n](std::int64_t j) {
    return j >= 1 && 2 * j < n && j % 2 == 1 && greatestCommonDivisor(j, n) == 1;
  };
  // Walk outwards from the ideal J; J = 1 is always acceptable, so the walk terminates.
  const auto centre = static_cast<std::int64_t>(std::floor(ideal));
  std::int64_t best = 0;
  double best_distance = 0.0;
  for (std::int64_t step = 0; step <= n; ++step) {
    for (const std::int64_t j : {centre - step, centre + 1 + step}) {
      if (!acceptable(j)) continue;
      const double distance = std::abs(static_cast<double>(j) - ideal);
      if (best == 0 || distance < best_distance || (distance == best_distance && j < best)) {
        best = j;
        best_distance = distance;
      }
    }
    // Candidates further out are at least `step` bins away, so stop once one closer exists.
    if (best != 0 && best_distance <= static_cast<double>(step)) break;
  }
  CoherentPlan plan;
  plan.cycles = best;
  plan.input_hz = static_cast<double>(best) * fs_hz / static_cast<double>(samples);
  plan.offset_hz = plan.input_hz - target_hz;
  return plan;
}

}  // namespace nnadc::metrics
