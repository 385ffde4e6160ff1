#include "nnadc/metrics/fft.h"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <unsupported/Eigen/FFT>

namespace nnadc::metrics {

namespace {

using Complex = std::complex<double>;

std::size_t nextPowerOfTwo(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1U;
  return p;
}

/// Bluestein's chirp-z transform: the DFT as a convolution with the chirp exp(i pi n^2 / N),
/// evaluated with power-of-two FFTs of length M >= 2N - 1.
std::vector<Complex> bluesteinHalf(std::span<const double> x) {
  const std::size_t n = x.size();
  const std::size_t m = nextPowerOfTwo(2 * n - 1);
  // n^2 mod 2N keeps the chirp's phase argument small, so it stays exact for long records.
  const auto two_n = static_cast<std::uint64_t>(2 * n);
  std::vector<Complex> chirp(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto kk = static_cast<std::uint64_t>(k);
    const auto r = static_cast<double>((kk * kk) % two_n);
    const double angle = std::numbers::pi * r / static_cast<double>(n);
    chirp[k] = Complex(std::cos(angle), -std::sin(angle));
  }
  std::vector<Complex> a(m, Complex(0.0, 0.0));
  std::vector<Complex> b(m, Complex(0.0, 0.0));
  for (std::size_t k = 0; k < n; ++k) a[k] = x[k] * chirp[k];
  b[0] = std::conj(chirp[0]);
  for (std::size_t k = 1; k < n; ++k) b[k] = b[m - k] = std::conj(chirp[k]);
  Eigen::FFT<double> fft;
  std::vector<Complex> fa(m);
  std::vector<Complex> fb(m);
  fft.fwd(fa.data(), a.data(), static_cast<Eigen::Index>(m));
  fft.fwd(fb.data(), b.data(), static_cast<Eigen::Index>(m));
  for (std::size_t k = 0; k < m; ++k) fa[k] *= fb[k];
  fft.inv(a.data(), fa.data(), static_cast<Eigen::Index>(m));  // Eigen scales the inverse by 1/M
  std::vector<Complex> out(n / 2 + 1);
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = a[k] * chirp[k];
  return out;
}

}  // namespace

std::size_t largestPrimeFactor(std::size_t n) {
  if (n <= 1) return 1;
  std::size_t largest = 1;
  for (std::size_t p = 2; p * p <= n; ++p) {
    while (n % p == 0) {
      largest = p;
      n /= p;
    }
  }
  return n > 1 ? n : largest;
}

bool usesBluestein(std::size_t n) {
  std::size_t generic_sum = 0;
  for (std::size_t p = 2; p * p <= n; ++p) {
    while (n % p == 0) {
      if (p > 5) generic_sum += p;
      n /= p;
    }
  }
  if (n > 5) generic_sum += n;
  return generic_sum > kMaxGenericRadixSum;
}

std::vector<std::complex<double>> realDftHalf(std::span<const double> record) {
  const std::size_t n = record.size();
  if (n == 0) return {};
  if (usesBluestein(n)) return bluesteinHalf(record);
  Eigen::FFT<double> fft;
  fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
  std::vector<Complex> out(n / 2 + 1);
  fft.fwd(out.data(), record.data(), static_cast<Eigen::Index>(n));
  return out;
}

}  // namespace nnadc::metrics
