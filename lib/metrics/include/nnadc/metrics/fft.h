#pragma once
/// Discrete Fourier transform of real records of any length.
///
/// Eigen's FFT module (kissfft backend, shipped with libeigen3-dev) is used directly unless N has
/// large prime factors: kissfft has radix 2, 3, 4, 5 butterflies and a generic one costing O(p)
/// per sample for each other prime factor p. Bluestein's chirp-z algorithm (three power-of-two
/// complex FFTs of length M >= 2N - 1) keeps every length O(N log N) and costs about as much as a
/// generic butterfly with p ~ 400 (measured at N ~ 1e6), so it takes over above
/// kMaxGenericRadixSum.
#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace nnadc::metrics {

/// Largest sum of prime factors above 5 (with multiplicity) for which kissfft is called directly.
inline constexpr std::size_t kMaxGenericRadixSum = 200;

/// X[k] = sum_n x[n] exp(-2 pi i n k / N) for k = 0..floor(N/2) (unscaled, record units).
/// An empty record gives an empty result.
std::vector<std::complex<double>> realDftHalf(std::span<const double> record);

/// Largest prime factor of n (1 for n <= 1).
std::size_t largestPrimeFactor(std::size_t n);

/// True when realDftHalf() computes a record of length n with Bluestein's algorithm.
bool usesBluestein(std::size_t n);

}  // namespace nnadc::metrics
