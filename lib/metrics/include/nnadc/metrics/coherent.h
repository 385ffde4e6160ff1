#pragma once
/// Coherent-sampling planner (IEEE 1241 section 4.1.4.1): f_in = J f_s / N with J odd and coprime
/// to N, so that the record holds an integer number of periods and every sample lands on a
/// different phase of the input.
#include <cstddef>
#include <cstdint>

namespace nnadc::metrics {

struct CoherentPlan {
  std::int64_t cycles = 0;  ///< J: input periods in the record (odd, coprime to N)
  double input_hz = 0.0;    ///< exact input frequency J f_s / N [Hz]
  double offset_hz = 0.0;   ///< input_hz minus the requested target [Hz]
};

/// The J closest to target_hz N / fs_hz that is odd, coprime to `samples` and below N/2 (ties go
/// to the lower J). Throws InputError NNADC-MET-011 if fs_hz or target_hz is not positive and
/// finite, if target_hz >= fs_hz / 2, or if `samples` < 8; NNADC-MET-005 for a bad fs_hz.
CoherentPlan planCoherent(double fs_hz, std::size_t samples, double target_hz);

/// Greatest common divisor (helper also used to check J of measured records).
std::int64_t greatestCommonDivisor(std::int64_t a, std::int64_t b);

}  // namespace nnadc::metrics
