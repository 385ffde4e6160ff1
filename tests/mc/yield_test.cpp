// Yield intervals against independent values: Wilson's closed form worked by hand, the
// Clopper-Pearson bounds against the closed forms at k = 0 and k = n and R's binom.test.
#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/mc/yield.h"

using namespace nnadc::mc;

TEST_SUITE("mc") {
  TEST_CASE("NormalQuantileMatchesTheTabulatedValues") {
    // Tables: z_0.975 = 1.959963984540054, z_0.995 = 2.575829303549, z_0.5 = 0.
    CHECK(normalQuantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
    CHECK(normalQuantile(0.995) == doctest::Approx(2.575829303548901).epsilon(1e-12));
    CHECK(std::fabs(normalQuantile(0.5)) < 1e-15);
    CHECK(normalQuantile(0.01) == doctest::Approx(-2.326347874040841).epsilon(1e-12));
  }

  TEST_CASE("WilsonIntervalMatchesItsClosedFormOnTextbookCases") {
    // 81 of 263 (Wilson-interval example in Newcombe 1998, Stat. Med. 17: 0.2553 to 0.3662).
    const Interval a = wilsonInterval(81, 263);
    CHECK(a.lo == doctest::Approx(0.2553).epsilon(5e-4));
    CHECK(a.hi == doctest::Approx(0.3662).epsilon(5e-4));
    // k = n: the interval is [n / (n + z^2), 1]: 10/10 -> 10 / (10 + 3.8415) = 0.7225.
    const double z = 1.959963984540054;
    const Interval b = wilsonInterval(10, 10);
    CHECK(b.lo == doctest::Approx(10.0 / (10.0 + z * z)).epsilon(1e-12));
    CHECK(b.hi == doctest::Approx(1.0).epsilon(1e-12));
    // k = 0 mirrors it.
    const Interval c = wilsonInterval(0, 10);
    CHECK(c.lo == doctest::Approx(0.0));
    CHECK(c.hi == doctest::Approx(z * z / (10.0 + z * z)).epsilon(1e-12));
  }

  TEST_CASE("ClopperPearsonMatchesClosedFormsAndBinomTest") {
    // k = n: lower bound (alpha/2)^(1/n); k = 0: upper bound 1 - (alpha/2)^(1/n).
    const Interval a = clopperPearsonInterval(20, 20);
    CHECK(a.lo == doctest::Approx(std::pow(0.025, 1.0 / 20.0)).epsilon(1e-10));
    CHECK(a.hi == 1.0);
    const Interval b = clopperPearsonInterval(0, 20);
    CHECK(b.lo == 0.0);
    CHECK(b.hi == doctest::Approx(1.0 - std::pow(0.025, 1.0 / 20.0)).epsilon(1e-10));
    // R: binom.test(7, 10)$conf.int = 0.3475471 0.9332605.
    const Interval c = clopperPearsonInterval(7, 10);
    CHECK(c.lo == doctest::Approx(0.3475471).epsilon(1e-6));
    CHECK(c.hi == doctest::Approx(0.9332605).epsilon(1e-6));
    // Clopper-Pearson is the more conservative: it contains Wilson's interval here.
    const Interval w = wilsonInterval(7, 10);
    CHECK(c.lo < w.lo);
    CHECK(c.hi > w.hi);
  }

  TEST_CASE("IncompleteBetaMatchesTheBinomialSum") {
    // I_p(k, n-k+1) = P(X >= k) for X ~ Binomial(n, p): n = 10, p = 0.3, k = 4.
    double tail = 0.0;
    for (int j = 4; j <= 10; ++j) {
      tail += std::tgamma(11.0) / (std::tgamma(j + 1.0) * std::tgamma(11.0 - j)) *
              std::pow(0.3, j) * std::pow(0.7, 10 - j);
    }
    CHECK(incompleteBeta(4.0, 7.0, 0.3) == doctest::Approx(tail).epsilon(1e-12));
    CHECK(betaQuantile(incompleteBeta(4.0, 7.0, 0.3), 4.0, 7.0) ==
          doctest::Approx(0.3).epsilon(1e-10));
  }
}
