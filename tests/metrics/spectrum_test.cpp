#include "nnadc/metrics/spectrum.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/metrics/coherent.h"
#include "nnadc/metrics/fft.h"
#include "nnadc/metrics/record.h"
#include "support.h"

namespace m = nnadc::metrics;
namespace t = nnadc::metrics::test;
using t::idOf;

namespace {

/// Theoretical SINAD of an ideal N-bit quantiser driven by a full-scale sine [dB].
double idealSinadDb(int bits) { return 6.02 * bits + 1.76; }

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("IdealQuantizerOfCoherentFullScaleSineMeetsSixPointZeroTwoNPlusOnePointSevenSix") {
    constexpr std::size_t kSamples = 16384;
    const m::CoherentPlan plan = m::planCoherent(1.0, kSamples, 0.1);
    for (int bits = 4; bits <= 16; ++bits) {
      CAPTURE(bits);
      const auto codes =
          t::sineCodes(bits, kSamples, static_cast<double>(plan.cycles), std::ldexp(1.0, bits - 1));
      m::SpectrumOptions options;
      options.full_scale_amplitude = std::ldexp(1.0, bits - 1);
      const m::SpectrumResult r = m::analyzeSpectrum(m::codesToDouble(codes), options);
      CHECK(r.coherent);
      CHECK(r.window == m::Window::kNone);
      // The bound: quantisation error is uniform only approximately (it is correlated
      // with a coherent sine), which moves SINAD by up to ~0.2 dB at low resolution.
      CHECK(std::abs(r.sndr_db - idealSinadDb(bits)) < 0.3);
      // 0.05 bit = 0.3 dB, the same bound expressed in bits; ENOB of an ideal N-bit ADC is N.
      CHECK(std::abs(r.enob - bits) < 0.05);
      CHECK(std::abs(*r.enob_fs - bits) < 0.05);
    }
  }

  TEST_CASE("IdealQuantizerWorksForPrimeRecordLengthsThroughBluestein") {
    constexpr std::size_t kSamples = 10007;  // prime: the FFT takes the chirp-z path
    REQUIRE(m::usesBluestein(kSamples));
    constexpr int kBits = 10;
    const m::CoherentPlan plan = m::planCoherent(1.0, kSamples, 0.12);
    const auto codes =
        t::sineCodes(kBits, kSamples, static_cast<double>(plan.cycles), std::ldexp(1.0, kBits - 1));
    const m::SpectrumResult r = m::analyzeSpectrum(m::codesToDouble(codes), {});
    CHECK(r.coherent);
    CHECK(r.signal_bin == static_cast<std::size_t>(plan.cycles));
    // Same bound as for power-of-two lengths: the transform is exact, only the quantiser's
    // deviation from uniform error remains.
    CHECK(std::abs(r.sndr_db - idealSinadDb(kBits)) < 0.3);
  }

  TEST_CASE("SineWithGaussianNoiseOfKnownRmsGivesTheoreticalSnr") {
    // fs = 100 MHz, N = 8192, bin 983, A = 0.5 V, 50 uV rms: SNR = 10 log10((A^2/2) / s^2).
    constexpr double kFs = 100e6;
    constexpr std::size_t kSamples = 8192;
    constexpr double kAmplitude = 0.5;
    constexpr double kNoise = 50e-6;
    const double expected = 10.0 * std::log10(kAmplitude * kAmplitude / 2.0 / (kNoise * kNoise));
    CHECK(expected == doctest::Approx(76.99).epsilon(1e-4));  // the "about 77.0 dB"
    const auto x = t::sine(kSamples, 983.0, kAmplitude, 0.1, 0.3, kNoise, 42);
    for (const auto window : {m::Window::kNone, m::Window::kHann, m::Window::kBlackmanHarris}) {
      CAPTURE(m::windowName(window));
      m::SpectrumOptions options;
      options.fs_hz = kFs;
      options.window = window;
      const m::SpectrumResult r = m::analyzeSpectrum(x, options);
      CHECK(r.signal_bin == 983);
      CHECK(*r.signal_frequency_hz == doctest::Approx(983.0 * kFs / kSamples));
      // The noise power is estimated from ~4000 bins (chi-square, relative sd ~ 2 %, 0.1 dB
      // for windows whose bins are correlated); 0.3 dB is the bound and > 3 sd.
      CHECK(std::abs(r.snr_db - expected) < 0.3);
      // Gaussian noise has no harmonics: SINAD equals SNR within the same statistics.
      CHECK(std::abs(r.sndr_db - expected) < 0.3);
    }
  }

  TEST_CASE("PlantedSecondAndThirdHarmonicsGiveTheirThdAndSfdr") {
    constexpr std::size_t kSamples = 8192;
    constexpr double kH2Dbc = -70.0;
    constexpr double kH3Dbc = -80.0;
    const double a2 = std::pow(10.0, kH2Dbc / 20.0);
    const double a3 = std::pow(10.0, kH3Dbc / 20.0);
    const double expected_thd = 10.0 * std::log10(a2 * a2 + a3 * a3);
    const double expected_sfdr = -kH2Dbc;
    struct Case {
      std::string name;
      double cycles;
      std::optional<m::Window> window;
    };
    for (const Case& c : {Case{"coherent, auto window", 983.0, std::nullopt},
                          Case{"coherent, Hann", 983.0, m::Window::kHann},
                          Case{"coherent, Blackman-Harris", 983.0, m::Window::kBlackmanHarris},
                          Case{"non-coherent, auto window", 983.37, std::nullopt}}) {
      CAPTURE(c.name);
      nnadc::Rng rng(3);
      std::vector<double> x(kSamples);
      for (std::size_t n = 0; n < kSamples; ++n) {
        const double ph = t::kTwoPi * c.cycles * static_cast<double>(n) / kSamples;
        x[n] = std::sin(ph + 0.2) + a2 * std::sin(2.0 * ph + 1.0) + a3 * std::sin(3.0 * ph - 0.5) +
               rng.normal(0.0, 1e-6);
      }
      m::SpectrumOptions options;
      options.window = c.window;
      const m::SpectrumResult r = m::analyzeSpectrum(x, options);
      // Noise at -117 dB adds < 0.001 dB to the harmonics; 0.1 dB is the bound and
      // leaves room for the Blackman-Harris sidelobes (-92 dB) of a non-coherent tone.
      CHECK(std::abs(r.thd_db - expected_thd) < 0.1);
      CHECK(std::abs(r.sfdr_db - expected_sfdr) < 0.1);
      CHECK(r.spur_harmonic == 2);
      REQUIRE(r.harmonics.size() == 8);
      CHECK(std::abs(r.harmonics[0].dbc - kH2Dbc) < 0.1);
      CHECK(std::abs(r.harmonics[1].dbc - kH3Dbc) < 0.1);
    }
  }

  TEST_CASE("HarmonicsAboveNyquistAreFoldedIntoTheFirstZone") {
    constexpr std::size_t kSamples = 4096;
    constexpr double kCycles = 1601.0;  // 2nd harmonic at 3202 folds to 4096 - 3202 = 894
    const double a2 = 1e-3;             // -60 dBc
    std::vector<double> x(kSamples);
    for (std::size_t n = 0; n < kSamples; ++n) {
      const double ph = t::kTwoPi * kCycles * static_cast<double>(n) / kSamples;
      x[n] = std::sin(ph) + a2 * std::sin(2.0 * ph);
    }
    const m::SpectrumResult r = m::analyzeSpectrum(x, {});
    REQUIRE(!r.harmonics.empty());
    CHECK(r.harmonics[0].peak_bin == 894);
    CHECK(r.harmonics[0].dbc == doctest::Approx(-60.0).epsilon(1e-6));  // exact: noiseless
    // 3rd harmonic: 4803 mod 4096 = 707.
    CHECK(r.harmonics[1].peak_bin == 707);
  }

  TEST_CASE("NonCoherentRecordWithBlackmanHarrisMatchesCoherentEnob") {
    constexpr std::size_t kSamples = 16384;
    constexpr int kBits = 12;
    const double amplitude = 0.95 * std::ldexp(1.0, kBits - 1);
    const auto coherent = t::sineCodes(kBits, kSamples, 1001.0, amplitude);
    const auto drifting = t::sineCodes(kBits, kSamples, 1001.43, amplitude);
    const m::SpectrumResult rc = m::analyzeSpectrum(m::codesToDouble(coherent), {});
    const m::SpectrumResult rn = m::analyzeSpectrum(m::codesToDouble(drifting), {});
    CHECK(rc.coherent);
    CHECK_FALSE(rn.coherent);
    CHECK(rn.window == m::Window::kBlackmanHarris);
    CHECK(rn.window_auto);
    CHECK(rn.signal_bin_offset == doctest::Approx(0.43).epsilon(0.05));
    // The bound; the window's main lobe and sidelobes (-92 dB, far below the 12-bit
    // noise floor) are the only differences between the two measurements.
    CHECK(std::abs(rn.enob - rc.enob) < 0.2);
  }

  TEST_CASE("NonCoherentRecordWithoutWindowWarnsAndSaysSo") {
    const auto x = t::sine(4096, 300.25, 1.0);
    m::SpectrumOptions options;
    options.window = m::Window::kNone;
    const m::SpectrumResult r = m::analyzeSpectrum(x, options);
    CHECK_FALSE(r.coherent);
    CHECK_FALSE(r.window_auto);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("not coherent") != std::string::npos);
  }

  TEST_CASE("CoherentCyclesSharingAFactorWithTheRecordLengthWarn") {
    const auto x = t::sine(4096, 256.0, 1.0);
    const m::SpectrumResult r = m::analyzeSpectrum(x, {});
    CHECK(r.coherent);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("sharing the factor 256") != std::string::npos);
  }

  TEST_CASE("LargeDcOffsetIsExcludedFromNoise") {
    const auto plain = t::sine(8192, 983.0, 0.5, 0.0, 0.3, 50e-6, 9);
    const auto shifted = t::sine(8192, 983.0, 0.5, 100.0, 0.3, 50e-6, 9);
    for (const auto window : {m::Window::kNone, m::Window::kBlackmanHarris}) {
      m::SpectrumOptions options;
      options.window = window;
      // Same noise realisation: only rounding of the larger numbers may differ (1e-14 relative
      // to 100 is -280 dB, invisible at a 77 dB SNR).
      CHECK(m::analyzeSpectrum(shifted, options).snr_db ==
            doctest::Approx(m::analyzeSpectrum(plain, options).snr_db).epsilon(1e-6));
    }
  }

  TEST_CASE("BadRecordsAreRejectedWithStableIds") {
    m::SpectrumOptions options;
    CHECK(idOf([&] { m::analyzeSpectrum({}, options); }) == "NNADC-MET-001");
    const std::vector<double> short_record(10, 1.0);
    CHECK(idOf([&] { m::analyzeSpectrum(short_record, options); }) == "NNADC-MET-001");
    auto x = t::sine(256, 11.0, 1.0);
    x[17] = std::nan("");
    CHECK(idOf([&] { m::analyzeSpectrum(x, options); }) == "NNADC-MET-002");
    x[17] = INFINITY;
    CHECK(idOf([&] { m::analyzeSpectrum(x, options); }) == "NNADC-MET-002");
    try {
      m::analyzeSpectrum(x, options);
    } catch (const nnadc::InputError& e) {
      CHECK(std::string(e.what()) ==
            "error[NNADC-MET-002]: record sample 17 is inf; samples must be finite");
    }
    const std::vector<double> constant(256, 3.0);
    CHECK(idOf([&] { m::analyzeSpectrum(constant, options); }) == "NNADC-MET-012");
    const auto ok = t::sine(256, 11.0, 1.0);
    m::SpectrumOptions bad = options;
    bad.max_harmonic = 10;
    CHECK(idOf([&] { m::analyzeSpectrum(ok, bad); }) == "NNADC-MET-013");
    bad = options;
    bad.fs_hz = -1.0;
    CHECK(idOf([&] { m::analyzeSpectrum(ok, bad); }) == "NNADC-MET-005");
    CHECK(idOf([&] { m::parseWindow("kaiser"); }) == "NNADC-MET-009");
  }

  TEST_CASE("WindowNamesRoundTripAndEnbwMatchesHarris") {
    for (const auto w : {m::Window::kNone, m::Window::kHann, m::Window::kBlackmanHarris}) {
      CHECK(m::parseWindow(m::windowName(w)) == w);
    }
    // Harris 1978, table 1: ENBW 1.00, 1.50 and 2.00 bins.
    CHECK(m::windowEnbwBins(m::Window::kNone) == doctest::Approx(1.0));
    CHECK(m::windowEnbwBins(m::Window::kHann) == doctest::Approx(1.5));
    CHECK(m::windowEnbwBins(m::Window::kBlackmanHarris) == doctest::Approx(2.0).epsilon(0.005));
  }
}
