#include "nnadc/nn/tabulated.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/core/error.h"

TEST_SUITE("nn") {
  TEST_CASE("TabulatedActivationInterpolatesAndSaturates") {
    const nnadc::nn::TabulatedActivation f({0.0, 1.0, 2.0}, {1.0, 3.0, 2.0});
    CHECK(f.value(0.5) == doctest::Approx(2.0));
    CHECK(f.value(1.5) == doctest::Approx(2.5));
    CHECK(f.derivative(0.5) == doctest::Approx(2.0));
    CHECK(f.derivative(1.5) == doctest::Approx(-1.0));
    CHECK(f.value(-1.0) == 1.0);
    CHECK(f.value(5.0) == 2.0);
    CHECK(f.derivative(5.0) == 0.0);
  }

  TEST_CASE("NonUniformTableIsResampledFaithfully") {
    // A cubic sampled non-uniformly: the resampled table must agree with linear interpolation of
    // the original samples everywhere (resampling at the finest spacing loses nothing).
    std::vector<double> x;
    std::vector<double> y;
    for (double t = 0.0; t <= 1.0001; t += (t < 0.5 ? 0.1 : 0.05)) {
      x.push_back(t);
      y.push_back(t * t * t);
    }
    const nnadc::nn::TabulatedActivation f(x, y);
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
      const double mid = 0.5 * (x[i] + x[i + 1]);
      CHECK(f.value(mid) == doctest::Approx(0.5 * (y[i] + y[i + 1])).epsilon(1e-9));
    }
  }

  TEST_CASE("DerivativeMatchesFiniteDifferencesAwayFromKnots") {
    std::vector<double> x;
    std::vector<double> y;
    for (int i = 0; i <= 100; ++i) {
      x.push_back(i * 0.01);
      y.push_back(std::tanh(10 * (i * 0.01 - 0.5)));
    }
    const nnadc::nn::TabulatedActivation f(x, y);
    constexpr double kH = 1e-6;  // well inside one 0.01 segment
    for (double t = 0.003; t < 1.0; t += 0.0731) {
      const double fd = (f.value(t + kH) - f.value(t - kH)) / (2 * kH);
      CHECK(f.derivative(t) == doctest::Approx(fd).epsilon(1e-6));
    }
  }

  TEST_CASE("BadTablesAreRejected") {
    CHECK_THROWS_AS(nnadc::nn::TabulatedActivation({0.0}, {1.0}), nnadc::InputError);
    CHECK_THROWS_AS(nnadc::nn::TabulatedActivation({0.0, 0.0}, {1.0, 2.0}), nnadc::InputError);
  }
}
