#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "nnadc/core/rng.h"

TEST_SUITE("core") {
  TEST_CASE("SameSeedGivesSameSequence") {
    nnadc::Rng a(42);
    nnadc::Rng b(42);
    for (int i = 0; i < 1000; ++i) CHECK(a.normal() == b.normal());
  }

  TEST_CASE("NormalHasUnitVarianceAndZeroMean") {
    nnadc::Rng rng(7);
    constexpr int kN = 200000;
    double sum = 0.0;
    double sum_sq = 0.0;
    for (int i = 0; i < kN; ++i) {
      const double x = rng.normal();
      sum += x;
      sum_sq += x * x;
    }
    const double mean = sum / kN;
    const double var = sum_sq / kN - mean * mean;
    // Standard error of the mean is 1/sqrt(2e5) = 0.0022; 5 sigma bounds keep the test stable.
    CHECK(std::abs(mean) < 0.011);
    // Standard error of the variance is sqrt(2/N) = 0.0032; 5 sigma.
    CHECK(std::abs(var - 1.0) < 0.016);
  }

  TEST_CASE("UniformStaysInRangeAndBelowIsUnbiased") {
    nnadc::Rng rng(1);
    std::vector<int> counts(3, 0);
    for (int i = 0; i < 30000; ++i) {
      const double u = rng.uniform();
      CHECK(u >= 0.0);
      CHECK(u < 1.0);
      ++counts[rng.below(3)];
    }
    // Each count ~ 10000 +- 82 (binomial sd); 5 sigma.
    for (const int c : counts) CHECK(std::abs(c - 10000) < 410);
  }

  TEST_CASE("SampleSeedIsBasePlusIndex") { CHECK(nnadc::Rng::sampleSeed(100, 5) == 105); }
}
