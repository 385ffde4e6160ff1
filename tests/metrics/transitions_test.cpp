#include "nnadc/metrics/transitions.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"

namespace m = nnadc::metrics;

namespace {

// A 6-bit logarithmic quantiser's transition levels, written out from the definition
// code = round(((log2 x + 6) / 6) 63): t_c = 2^(6 ((c - 1/2) / 63 - 1)).
std::vector<double> logLevels() {
  std::vector<double> t;
  for (int c = 1; c <= 63; ++c) t.push_back(std::exp2(6.0 * ((c - 0.5) / 63.0 - 1.0)));
  return t;
}

// Dense sweep uniform in log2 x over [2^-7, 1].
std::vector<double> logSweep(int n) {
  std::vector<double> x;
  for (int i = 0; i < n; ++i) x.push_back(std::exp2(-7.0 * (1.0 - (i + 0.5) / n)));
  return x;
}

std::vector<std::int64_t> quantise(const std::vector<double>& levels,
                                   const std::vector<double>& x) {
  std::vector<std::int64_t> codes;
  for (const double v : x) {
    codes.push_back(std::upper_bound(levels.begin(), levels.end(), v) - levels.begin());
  }
  return codes;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("AnIdealNonlinearQuantiserMeasuresNoInlNoDnlAndNoMissingCodes") {
    const auto t = logLevels();
    const auto x = logSweep(1 << 16);
    const m::TransitionLinearity r = m::transitionLinearity(t, x, quantise(t, x));
    CHECK(r.missing_codes == 0);
    CHECK(r.inl_lsb.size() == 63);
    CHECK(r.dnl_lsb.size() == 62);
    // A transition is placed midway between the two sweep samples around it: within half a sweep
    // step, which the measurement reports as its resolution (well under 0.01 LSB here).
    CHECK(r.resolution_lsb < 0.01);
    CHECK(r.max_abs_inl_lsb <= r.resolution_lsb);
    CHECK(r.max_abs_dnl_lsb <= 2.0 * r.resolution_lsb);
  }

  TEST_CASE("AShiftedTransitionIsReportedAsThatShiftInLsbOfItsCode") {
    auto t = logLevels();
    const int c = 40;                    // transition t_c, between codes c - 1 and c
    const double w_c = t[c] - t[c - 1];  // ideal width of code c
    const double w_prev = t[c - 1] - t[c - 2];
    const double shift = 0.3;  // LSB of code c
    auto shifted = t;
    shifted[c - 1] += shift * w_c;
    const auto x = logSweep(1 << 18);
    const m::TransitionLinearity r = m::transitionLinearity(t, x, quantise(shifted, x));
    const double tol = 2.0 * r.resolution_lsb;  // two transitions' sweep resolution
    CHECK(std::abs(r.inl_lsb[c - 1] - shift) <= tol);
    CHECK(r.worst_inl_code == c);
    // Code c loses 0.3 of its width; code c - 1 gains the same span, in its own (smaller) LSB.
    CHECK(std::abs(r.dnl_lsb[c - 1] + shift) <= tol);
    CHECK(std::abs(r.dnl_lsb[c - 2] - shift * w_c / w_prev) <= tol * w_c / w_prev);
    CHECK(r.missing_codes == 0);
  }

  TEST_CASE("ACodeNoInputProducesIsMissing") {
    auto t = logLevels();
    auto merged = t;
    merged[20] = merged[21];  // code 21 has no width
    const auto x = logSweep(1 << 16);
    const m::TransitionLinearity r = m::transitionLinearity(t, x, quantise(merged, x));
    REQUIRE(r.missing_codes == 1);
    CHECK(r.missing.front() == 21);
    CHECK(r.dnl_lsb[20] == doctest::Approx(-1.0).epsilon(0.01));  // 1 % = sweep resolution
  }

  TEST_CASE("ASweepThatDoesNotRiseIsRejected") {
    const std::vector<double> t{0.5};
    try {
      (void)m::transitionLinearity(t, {0.2, 0.2}, {0, 0});
      FAIL("expected an error");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-MET-017");
    }
  }
}
