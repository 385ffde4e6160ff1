#include "nnadc/metrics/sine_fit.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/metrics/analysis.h"
#include "nnadc/metrics/record.h"
#include "support.h"

namespace m = nnadc::metrics;
namespace t = nnadc::metrics::test;
using t::idOf;

TEST_SUITE("metrics") {
  TEST_CASE("ThreeParameterFitRecoversANoiselessSineExactly") {
    constexpr std::size_t kSamples = 1000;
    constexpr double kFrequency = 0.0731;  // cycles/sample, deliberately not J/N
    std::vector<double> x(kSamples);
    for (std::size_t n = 0; n < kSamples; ++n) {
      const double ph = t::kTwoPi * kFrequency * static_cast<double>(n);
      x[n] = 0.7 * std::cos(ph) - 0.4 * std::sin(ph) + 0.25;
    }
    const m::SineFit fit = m::fitSine3(x, kFrequency);
    // A linear least-squares solve of an exact model: only rounding (~1e-15 per sample, grown
    // by the normal equations' condition number ~1e2) remains.
    CHECK(fit.a == doctest::Approx(0.7).epsilon(1e-10));
    CHECK(fit.b == doctest::Approx(-0.4).epsilon(1e-10));
    CHECK(fit.c == doctest::Approx(0.25).epsilon(1e-10));
    CHECK(fit.amplitude == doctest::Approx(std::hypot(0.7, 0.4)).epsilon(1e-10));
    CHECK(fit.rms_residual < 1e-12);
    CHECK(fit.parameters == 3);
  }

  TEST_CASE("FourParameterFitFindsTheFrequencyFromASeedHalfABinOff") {
    constexpr std::size_t kSamples = 4096;
    constexpr double kCycles = 211.3;
    const auto x = t::sine(kSamples, kCycles, 1.5, -0.2, 1.1);
    const double truth = kCycles / kSamples;
    for (const double seed_offset_bins : {-0.45, -0.2, 0.0, 0.3, 0.45}) {
      CAPTURE(seed_offset_bins);
      const m::SineFit fit = m::fitSine4(x, truth + seed_offset_bins / kSamples);
      CHECK(fit.converged);
      CHECK(fit.parameters == 4);
      // Noiseless record: the fit converges to rounding level (phase error at the record's end
      // below the 1e-9 cycle tolerance).
      CHECK(std::abs(fit.frequency - truth) * kSamples < 1e-8);
      CHECK(fit.amplitude == doctest::Approx(1.5).epsilon(1e-9));
      CHECK(fit.c == doctest::Approx(-0.2).epsilon(1e-9));
      CHECK(fit.rms_residual < 1e-9);
    }
  }

  TEST_CASE("FourParameterFitResidualOfANoisySineIsTheNoise") {
    constexpr std::size_t kSamples = 65536;
    constexpr double kNoise = 0.01;
    const auto x = t::sine(kSamples, 5000.37, 1.0, 0.0, 0.3, kNoise, 5);
    const m::SineFit fit = m::fitSine4(x, 5000.0 / kSamples);
    CHECK(fit.converged);
    // The residual variance has a chi-square spread sqrt(2/N) = 0.55 % and the 4 fitted
    // parameters remove 4/N of it; 2 % on the rms is > 5 sd.
    CHECK(fit.rms_residual == doctest::Approx(kNoise).epsilon(0.02));
    // Cramer-Rao bound on the frequency: sd = sqrt(12) s / (2 pi A sqrt(N)) bins = 2.2e-5 bins;
    // 1e-4 bins is ~5 sd.
    CHECK(std::abs(fit.frequency * kSamples - 5000.37) < 1e-4);
  }

  TEST_CASE("SineFitEnobOfAnIdealQuantizerIsItsResolution") {
    // IEEE 1241: ENOB = log2(FSR / (rms residual sqrt(12))) with the ideal rms error 1/sqrt(12)
    // LSB gives N bits exactly.
    CHECK(m::sineFitEnob(1.0 / std::sqrt(12.0), 4096.0) == doctest::Approx(12.0));
    CHECK(std::isinf(m::sineFitEnob(0.0, 4096.0)));
  }

  TEST_CASE("FftEnobAndSineFitEnobAgreeOnTheSameRecord") {
    constexpr std::size_t kSamples = 16384;
    constexpr int kBits = 12;
    const double full_scale = std::ldexp(1.0, kBits - 1);
    struct Case {
      std::string name;
      double cycles;
      double amplitude_fraction;
      double noise_lsb;
    };
    for (const Case& c : {Case{"ideal, coherent, full scale", 1001.0, 0.999, 0.0},
                          Case{"noisy, coherent, full scale", 1001.0, 0.999, 0.8},
                          Case{"noisy, non-coherent, full scale", 1001.3, 0.999, 0.8}}) {
      CAPTURE(c.name);
      const auto codes =
          t::sineCodes(kBits, kSamples, c.cycles, c.amplitude_fraction * full_scale, c.noise_lsb);
      m::AnalysisOptions options;
      options.bits = kBits;
      const m::Analysis a = m::analyzeCodes(codes, options);
      REQUIRE(a.enob_sinefit.has_value());
      // The bound. For a full-scale sine the two definitions coincide: (SINAD - 1.76) /
      // 6.02 = log2(FSR / (rms sqrt 12)) when A = FSR / 2; a 0.999 amplitude moves the FFT
      // ENOB by 20 log10(0.999) / 6.02 = 0.0014 bit.
      CHECK(std::abs(a.spectrum->enob - *a.enob_sinefit) < 0.05);
    }
  }

  TEST_CASE("SineFitEnobMatchesFullScaleNormalisedFftEnobBelowFullScale") {
    constexpr int kBits = 12;
    const auto codes = t::sineCodes(kBits, 16384, 1001.0, 0.5 * std::ldexp(1.0, kBits - 1), 0.8);
    m::AnalysisOptions options;
    options.bits = kBits;
    const m::Analysis a = m::analyzeCodes(codes, options);
    // -6 dBFS: the measured ENOB drops by 1 bit, the normalised one does not.
    CHECK(a.spectrum->enob < *a.enob_sinefit - 0.9);
    // IEEE 1241's fit ENOB references the full-scale range, like enob_fs; same 0.05 bit bound.
    CHECK(std::abs(*a.spectrum->enob_fs - *a.enob_sinefit) < 0.05);
  }

  TEST_CASE("SineFitRejectsFrequenciesOutsideTheFirstNyquistZone") {
    const auto x = t::sine(256, 10.0, 1.0);
    CHECK(idOf([&] { m::fitSine3(x, 0.0); }) == "NNADC-MET-013");
    CHECK(idOf([&] { m::fitSine4(x, 0.5); }) == "NNADC-MET-013");
    CHECK(idOf([&] { m::fitSine3(std::vector<double>(8, 1.0), 0.1); }) == "NNADC-MET-001");
    m::SineFitOptions options;
    options.max_iterations = 0;
    CHECK(idOf([&] { m::fitSine4(x, 0.04, options); }) == "NNADC-MET-013");
  }
}
