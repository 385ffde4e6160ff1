#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/rram/levels.h"
#include "nnadc/rram/variation.h"

TEST_SUITE("rram") {
  TEST_CASE("ThreeBitLinearCellHasEightEvenLevelsStartingWithNoDevice") {
    const nnadc::rram::LevelSet set({});
    REQUIRE(set.count() == 8);
    CHECK(set.conductance(0) == 0.0);
    for (int k = 0; k < 8; ++k) CHECK(set.conductance(k) == doctest::Approx(20e-6 * k / 7));
    CHECK(set.nearest(-1.0) == 0);
    CHECK(set.nearest(1.0) == 7);
    CHECK(set.nearest(20e-6 * 3.4 / 7) == 3);
    CHECK(set.nearest(20e-6 * 3.6 / 7) == 4);
    CHECK_THROWS_WITH_AS((void)set.conductance(8), doctest::Contains("NNADC-RRAM-001"),
                         nnadc::InputError);
  }

  TEST_CASE("LogLevelsSpanGminToGmax") {
    nnadc::rram::LevelSetOptions o;
    o.spacing = nnadc::rram::Spacing::kLog;
    o.cell_bits = 2;
    const nnadc::rram::LevelSet set(o);
    REQUIRE(set.count() == 4);
    CHECK(set.conductance(1) == doctest::Approx(2e-6));
    CHECK(set.conductance(2) == doctest::Approx(std::sqrt(2e-6 * 20e-6)));
    CHECK(set.conductance(3) == doctest::Approx(20e-6));
  }

  TEST_CASE("BadLevelOptionsNameTheField") {
    nnadc::rram::LevelSetOptions o;
    o.cell_bits = 0;
    CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("field 'cell_bits'"), nnadc::InputError);
    o = {};
    o.spacing = nnadc::rram::Spacing::kTable;
    o.table_s = {1e-6, 2e-6};
    CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("NNADC-CFG-006"), nnadc::InputError);
    nnadc::rram::VariationOptions v;
    v.lognormal_sigma = -0.1;
    CHECK_THROWS_WITH_AS(v.validate(), doctest::Contains("field 'lognormal_sigma'"),
                         nnadc::InputError);
  }

  TEST_CASE("LognormalVariationHasTheRequestedLogSpread") {
    nnadc::rram::VariationOptions v;
    v.lognormal_sigma = 0.05;
    std::vector<double> g(100000, 10e-6);
    g[0] = 0.0;
    nnadc::Rng rng(3);
    nnadc::rram::applyProgrammingVariation(g, 20e-6, v, rng);
    CHECK(g[0] == 0.0);  // no device stays no device
    double sum = 0.0;
    double sum_sq = 0.0;
    for (std::size_t i = 1; i < g.size(); ++i) {
      const double l = std::log(g[i] / 10e-6);
      sum += l;
      sum_sq += l * l;
    }
    const double n = static_cast<double>(g.size() - 1);
    const double sd = std::sqrt(sum_sq / n - (sum / n) * (sum / n));
    // Standard error of a sample sd is sigma / sqrt(2n) = 1.1e-4; 5 sigma.
    CHECK(std::abs(sd - 0.05) < 6e-4);
  }

  TEST_CASE("LognormalFactorIsTheExponentialOfOneScaledNormalDraw") {
    // Training (adc, axtrain) used to write this draw as exp(normal(0, s)) or exp(s * normal());
    // the shared function must reproduce both bit for bit, so exact equality is the point.
    for (const double sigma : {0.0, 0.05, 0.3}) {
      nnadc::Rng shared(11);
      nnadc::Rng with_mean(11);
      nnadc::Rng scaled(11);
      for (int k = 0; k < 1000; ++k) {
        const double f = nnadc::rram::lognormalFactor(shared, sigma);
        CHECK(f == std::exp(with_mean.normal(0.0, sigma)));
        CHECK(f == std::exp(sigma * scaled.normal()));
      }
    }
  }

  TEST_CASE("LognormalFactorFromTheZigguratStreamHasTheRequestedLogSpread") {
    // The NormalStream overload (AxTrain's bulk draws): log f = sigma z, so the log has mean 0
    // and standard deviation sigma (5-sigma bounds on 10^5 draws), and f = exp(sigma z) of the
    // stream's own numbers.
    constexpr int kN = 100000;
    const double sigma = 0.5;
    nnadc::NormalStream stream(3);
    nnadc::NormalStream twin(3);
    double sum = 0.0;
    double sq = 0.0;
    for (int k = 0; k < kN; ++k) {
      const double f = nnadc::rram::lognormalFactor(stream, sigma);
      CHECK(f == std::exp(sigma * twin.next()));
      sum += std::log(f);
      sq += std::log(f) * std::log(f);
    }
    const double mean = sum / kN;
    CHECK(std::abs(mean) < 5.0 * sigma / std::sqrt(kN));
    CHECK(std::abs(std::sqrt(sq / kN - mean * mean) - sigma) < 5.0 * sigma / std::sqrt(2.0 * kN));
  }

  TEST_CASE("StuckAtRatesAreHonoured") {
    nnadc::rram::VariationOptions v;
    v.stuck_off_rate = 0.1;
    v.stuck_on_rate = 0.2;
    std::vector<double> g(50000, 5e-6);
    nnadc::Rng rng(9);
    nnadc::rram::applyProgrammingVariation(g, 20e-6, v, rng);
    const auto off = std::count(g.begin(), g.end(), 0.0);
    const auto on = std::count(g.begin(), g.end(), 20e-6);
    // Binomial sd: sqrt(5e4 * 0.1 * 0.9) = 67 and sqrt(5e4 * 0.2 * 0.8) = 89; 5 sigma.
    CHECK(std::abs(static_cast<double>(off) - 5000.0) < 335.0);
    CHECK(std::abs(static_cast<double>(on) - 10000.0) < 445.0);
  }
}
