#pragma once
/// IEEE 1241 sine fits (section 4.1.4): the 3-parameter least-squares fit at a known frequency and
/// the iterative 4-parameter fit that also estimates the frequency (Gauss-Newton on top of the
/// 3-parameter fit, with step halving so a seed up to about half a bin off still converges).
///
/// Model: x[n] ~ a cos(2 pi f n) + b sin(2 pi f n) + c, n = 0..N-1, f in cycles/sample.
#include <cstddef>
#include <span>

namespace nnadc::metrics {

struct SineFit {
  double a = 0.0;             ///< cosine coefficient [record units]
  double b = 0.0;             ///< sine coefficient [record units]
  double c = 0.0;             ///< offset [record units]
  double frequency = 0.0;     ///< [cycles/sample]
  double amplitude = 0.0;     ///< sqrt(a^2 + b^2) [record units]
  double phase_rad = 0.0;     ///< x ~ amplitude cos(2 pi f n + phase_rad) + c [rad]
  double rms_residual = 0.0;  ///< sqrt(mean((x - fit)^2)) [record units]
  int parameters = 3;         ///< 3 or 4
  int iterations = 0;         ///< Gauss-Newton iterations (0 for the 3-parameter fit)
  bool converged = true;      ///< false if the 4-parameter fit hit max_iterations or diverged
};

struct SineFitOptions {
  int max_iterations = 50;
  /// Stop when the frequency step moves the phase at the record's end by less than this [cycles].
  double phase_tolerance_cycles = 1e-9;

  /// Throws InputError NNADC-MET-013 for a non-positive limit.
  void validate() const;
};

/// 3-parameter fit at `frequency` [cycles/sample], 0 < frequency < 0.5. Throws NNADC-MET-001,
/// NNADC-MET-002 or NNADC-MET-013 (frequency out of range).
SineFit fitSine3(std::span<const double> record, double frequency);

/// 4-parameter fit seeded at `frequency_seed` [cycles/sample] (e.g. the interpolated FFT peak).
/// Non-convergence is data (SineFit::converged), not an exception; then the best fit found is
/// returned.
SineFit fitSine4(std::span<const double> record, double frequency_seed,
                 const SineFitOptions& options = {});

/// IEEE 1241 ENOB from a fit residual: log2(FSR / (rms_residual sqrt(12))) [bits], FSR and
/// rms_residual in the same units (2^N and codes for a code record).
double sineFitEnob(double rms_residual, double full_scale_range);

/// The fitted sine evaluated at n = 0..samples-1 [record units].
void evaluateSine(const SineFit& fit, std::span<double> out);

}  // namespace nnadc::metrics
