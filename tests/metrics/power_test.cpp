#include "nnadc/metrics/power.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/metrics/coherent.h"
#include "nnadc/metrics/spectrum.h"
#include "support.h"

namespace m = nnadc::metrics;
using nnadc::metrics::test::idOf;

TEST_SUITE("metrics") {
  TEST_CASE("FiguresOfMeritReproduceTheSurveyRecord") {
    // PAPERS.md: 73.9 dB, 50 MS/s, 360 uW -> 1.78 fJ/conv-step and 182.3 dB.
    const m::FiguresOfMerit fom = m::figuresOfMerit(360e-6, 50e6, 73.9, 10e6);
    // The reference values are printed to 3 and 4 significant digits: half a unit of the last
    // digit is the tolerance.
    CHECK(std::abs(fom.walden_j - 1.78e-15) < 0.005e-15);
    CHECK(std::abs(fom.schreier_db - 182.3) < 0.05);
    CHECK(fom.energy_per_conversion_j == doctest::Approx(360e-6 / 50e6));
    CHECK(fom.envelope_distance_db == doctest::Approx(fom.schreier_db - fom.schreier_envelope_db));
  }

  TEST_CASE("SchreierEnvelopeIsFlatBelowItsCornerAndFallsTenDbPerDecadeAbove") {
    CHECK(m::schreierEnvelopeDb(0.0) == doctest::Approx(186.7));
    // At the corner: -10 log10(sqrt 2) = -1.505 dB.
    CHECK(m::schreierEnvelopeDb(46.7e6) == doctest::Approx(186.7 - 1.50515).epsilon(1e-6));
    // Far above the corner: -10 dB per decade of frequency.
    CHECK(m::schreierEnvelopeDb(46.7e9) - m::schreierEnvelopeDb(46.7e10) ==
          doctest::Approx(10.0).epsilon(1e-4));
  }

  TEST_CASE("AveragePowerOfSupplyWaveforms") {
    // Constant 1.2 V and -1 mA (SPICE's sign for a delivering source): 1.2 mW.
    const std::vector<double> current(100, -1e-3);
    CHECK(m::averagePowerW(1.2, current) == doctest::Approx(1.2e-3));
    // Uniform samples: mean(v i) = (1*1 + 2*2 + 3*3) / 3.
    const std::vector<double> v = {1.0, 2.0, 3.0};
    const std::vector<double> i = {1.0, 2.0, 3.0};
    CHECK(m::averagePowerW(v, i) == doctest::Approx(14.0 / 3.0));
    // Non-uniform time: trapezoids (0..1 s at 1 W) and (1..3 s from 1 W to 3 W) -> (1 + 4) / 3.
    const std::vector<double> time = {0.0, 1.0, 3.0};
    const std::vector<double> p_current = {1.0, 1.0, 3.0};
    CHECK(m::averagePowerW(1.0, p_current, time) == doctest::Approx(5.0 / 3.0));
  }

  TEST_CASE("PowerAndFomInputsAreChecked") {
    const std::vector<double> two = {1.0, 2.0};
    const std::vector<double> three = {1.0, 2.0, 3.0};
    CHECK(idOf([&] { m::averagePowerW(two, three); }) == "NNADC-MET-010");
    CHECK(idOf([&] { m::averagePowerW(1.0, three, two); }) == "NNADC-MET-010");
    const std::vector<double> backwards = {0.0, 2.0, 1.0};
    CHECK(idOf([&] { m::averagePowerW(1.0, three, backwards); }) == "NNADC-MET-010");
    CHECK(idOf([&] { m::averagePowerW(1.0, std::vector<double>{1.0}); }) == "NNADC-MET-001");
    CHECK(idOf([&] { m::averagePowerW(0.0, three); }) == "NNADC-MET-006");
    CHECK(idOf([&] { m::averagePowerW(1.0, std::vector<double>{1.0, NAN}); }) == "NNADC-MET-002");
    CHECK(idOf([&] { m::figuresOfMerit(-1.0, 50e6, 70.0, 1e6); }) == "NNADC-MET-006");
    CHECK(idOf([&] { m::figuresOfMerit(1e-3, 0.0, 70.0, 1e6); }) == "NNADC-MET-005");
  }

  TEST_CASE("CoherentPlannerReturnsOddCoprimeCyclesNearestTheTarget") {
    const m::CoherentPlan plan = m::planCoherent(100e6, 8192, 12e6);
    CHECK(plan.cycles == 983);  // 12e6 * 8192 / 100e6 = 983.04
    CHECK(plan.input_hz == 983.0 * 100e6 / 8192.0);
    CHECK(plan.offset_hz == doctest::Approx(plan.input_hz - 12e6));
    // N = 1000, ideal J = 125 shares 5 with N; 123 and 127 are equally close, the lower wins.
    CHECK(m::planCoherent(1000.0, 1000, 125.0).cycles == 123);
    // Odd N: J must still be odd and coprime (N = 999 = 27 * 37, ideal J = 111 = 3 * 37).
    const auto odd = m::planCoherent(999.0, 999, 111.0).cycles;
    CHECK(odd % 2 == 1);
    CHECK(m::greatestCommonDivisor(odd, 999) == 1);
    CHECK(std::abs(odd - 111) <= 2);
    for (std::size_t n : {64U, 1000U, 4096U, 10007U}) {
      for (const double f : {0.001, 0.1, 0.2499, 0.4999}) {
        const auto j = m::planCoherent(1.0, n, f).cycles;
        CAPTURE(n);
        CAPTURE(f);
        CHECK(j % 2 == 1);
        CHECK(m::greatestCommonDivisor(j, static_cast<std::int64_t>(n)) == 1);
        CHECK(2 * j < static_cast<std::int64_t>(n));
      }
    }
  }

  TEST_CASE("CoherentPlannerRejectsImpossibleRequests") {
    CHECK(idOf([] { m::planCoherent(100e6, 8192, 50e6); }) == "NNADC-MET-011");
    CHECK(idOf([] { m::planCoherent(100e6, 8192, 0.0); }) == "NNADC-MET-011");
    CHECK(idOf([] { m::planCoherent(100e6, 4, 1e6); }) == "NNADC-MET-011");
    CHECK(idOf([] { m::planCoherent(-1.0, 8192, 1e6); }) == "NNADC-MET-005");
  }
}
