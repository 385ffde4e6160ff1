#include "nnadc/core/vtc.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/core/error.h"

TEST_SUITE("core") {
  TEST_CASE("SymmetricTanhInverterHasThresholdAtHalfSupplyAndKnownGain") {
    // vout = VDD/2 (1 - tanh(k (vin - VDD/2))): crosses vout = vin exactly at VDD/2, slope there
    // is -k VDD/2.
    constexpr double kVdd = 1.2;
    constexpr double kK = 20.0;
    std::vector<double> vin;
    std::vector<double> vout;
    for (int i = 0; i <= 1200; ++i) {
      const double x = i * 1e-3;
      vin.push_back(x);
      vout.push_back(kVdd / 2 * (1 - std::tanh(kK * (x - kVdd / 2))));
    }
    const nnadc::Vtc vtc = nnadc::analyzeVtc(vin, vout, kVdd);
    // Linear interpolation between grid points near a crossing of slope -13 vs +1: error far
    // below 1e-9 V because the crossing is on a grid point.
    CHECK(vtc.threshold_v == doctest::Approx(kVdd / 2).epsilon(1e-9));
    // Central difference error is f''' h^2 / 6 = (2 k^3 VDD/2) h^2 / 6 ~ 1.6e-3 relative to 12.
    CHECK(vtc.peak_gain == doctest::Approx(-kK * kVdd / 2).epsilon(1e-3));
    CHECK(vtc.slope.size() == vin.size());
  }

  TEST_CASE("NonInverterAndBadSweepsAreRejected") {
    CHECK_THROWS_WITH_AS(nnadc::analyzeVtc({0, 1, 2}, {0, 1, 2.5}, 2.0),
                         doctest::Contains("NNADC-VTC-001"), nnadc::InputError);
    CHECK_THROWS_WITH_AS(nnadc::analyzeVtc({0, 1}, {1, 0}, 1.0), doctest::Contains("NNADC-VTC-001"),
                         nnadc::InputError);
    CHECK_THROWS_WITH_AS(nnadc::analyzeVtc({0, 0.5, 0.5, 1}, {1, 0.6, 0.4, 0}, 1.0),
                         doctest::Contains("increase strictly"), nnadc::InputError);
    CHECK_THROWS_WITH_AS(nnadc::analyzeVtc({0, 0.5, 1}, {1, NAN, 0}, 1.0),
                         doctest::Contains("not finite"), nnadc::InputError);
  }
}
