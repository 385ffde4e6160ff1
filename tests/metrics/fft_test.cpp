#include "nnadc/metrics/fft.h"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>

#include "nnadc/core/rng.h"

namespace m = nnadc::metrics;

TEST_SUITE("metrics") {
  TEST_CASE("RealDftMatchesTheDefinitionForEveryKindOfLength") {
    // Powers of two, mixed radix (kissfft), and lengths with a large prime factor (Bluestein).
    for (const std::size_t n : {64U, 96U, 97U, 1000U, 1024U, 1155U, 1088U, 1203U, 2027U}) {
      CAPTURE(n);
      nnadc::Rng rng(n);
      std::vector<double> x(n);
      for (double& v : x) v = rng.normal();
      const auto fast = m::realDftHalf(x);
      REQUIRE(fast.size() == n / 2 + 1);
      double worst = 0.0;
      for (std::size_t k = 0; k < fast.size(); ++k) {
        std::complex<long double> sum = 0.0L;
        for (std::size_t i = 0; i < n; ++i) {
          // (i k) mod N keeps the reference's angle exact.
          const long double angle = -2.0L * 3.14159265358979323846264338327950288L *
                                    static_cast<long double>((i * k) % n) /
                                    static_cast<long double>(n);
          sum += static_cast<long double>(x[i]) *
                 std::complex<long double>(std::cos(angle), std::sin(angle));
        }
        const std::complex<double> ref(static_cast<double>(sum.real()),
                                       static_cast<double>(sum.imag()));
        worst = std::max(worst, std::abs(fast[k] - ref));
      }
      // Bins have magnitude ~sqrt(N) ~ 30; FFT rounding is ~1e-16 log2(N) relative. 1e-9 is
      // far above rounding and far below any algorithmic error.
      CHECK(worst < 1e-9);
    }
  }

  TEST_CASE("LargestPrimeFactorPicksTheFftPath") {
    CHECK(m::largestPrimeFactor(1) == 1);
    CHECK(m::largestPrimeFactor(1024) == 2);
    CHECK(m::largestPrimeFactor(1155) == 11);
    CHECK(m::largestPrimeFactor(1088) == 17);
    CHECK(m::largestPrimeFactor(10007) == 10007);
    CHECK(m::realDftHalf({}).empty());
    CHECK_FALSE(m::usesBluestein(1 << 20));
    CHECK_FALSE(m::usesBluestein(999424));  // 61 * 2^14: one generic butterfly of 61
    CHECK(m::usesBluestein(1203));          // 3 * 401
    CHECK(m::usesBluestein(10007));         // prime
  }
}
