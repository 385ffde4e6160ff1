#include "nnadc/metrics/analysis.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/metrics/coherent.h"
#include "support.h"

namespace m = nnadc::metrics;
namespace t = nnadc::metrics::test;
using t::idOf;

TEST_SUITE("metrics") {
  TEST_CASE("FullAnalysisOfACoherentRecordFillsEveryPart") {
    constexpr int kBits = 10;
    constexpr double kFs = 50e6;
    constexpr std::size_t kSamples = 8192;
    const m::CoherentPlan plan = m::planCoherent(kFs, kSamples, 5e6);
    const auto codes =
        t::sineCodes(kBits, kSamples, static_cast<double>(plan.cycles), std::ldexp(1.0, kBits - 1));
    m::AnalysisOptions options;
    options.bits = kBits;
    options.fs_hz = kFs;
    options.power_w = 1e-3;
    const m::Analysis a = m::analyzeCodes(codes, options);
    REQUIRE(a.spectrum.has_value());
    REQUIRE(a.sine_fit.has_value());
    REQUIRE(a.fom.has_value());
    CHECK(a.samples == kSamples);
    CHECK(*a.spectrum->signal_frequency_hz == doctest::Approx(plan.input_hz));
    // The fit's frequency is the planned one within the Cramer-Rao spread that quantisation
    // error (0.29 LSB rms on a 512 LSB amplitude) allows: sqrt(12) s / (2 pi A sqrt(N)) =
    // 3.5e-6 bins; 1e-4 bins is a wide margin.
    CHECK(std::abs(a.sine_fit->frequency * kSamples - static_cast<double>(plan.cycles)) < 1e-4);
    // Ideal 10-bit converter: ENOB 10 within the 0.05-bit quantiser deviation (spectrum tests).
    CHECK(std::abs(a.spectrum->enob - kBits) < 0.05);
    // FoM arithmetic is checked on its own elsewhere; here it must use this record's SNDR.
    CHECK(a.fom->schreier_db ==
          doctest::Approx(a.spectrum->sndr_db + 10.0 * std::log10(kFs / 2.0 / 1e-3)));
    CHECK(a.fom->envelope_frequency_hz == doctest::Approx(plan.input_hz));
    CHECK(a.code_density.missing_codes.empty());
    CHECK(*a.code_density.monotonic);
  }

  TEST_CASE("RampRecordsGetCodeDensityOnly") {
    std::vector<std::int64_t> codes;
    for (int n = 0; n < 10000; ++n) codes.push_back(t::quantize(-1.0 + 0.0105 * n, 6));
    m::AnalysisOptions options;
    options.bits = 6;
    options.record = m::RecordKind::kRamp;
    options.power_w = 1e-3;
    options.fs_hz = 1e6;
    const m::Analysis a = m::analyzeCodes(codes, options);
    CHECK_FALSE(a.spectrum.has_value());
    CHECK_FALSE(a.enob_sinefit.has_value());
    CHECK_FALSE(a.fom.has_value());
    CHECK(a.code_density.missing_codes.empty());
    REQUIRE(a.warnings.size() == 1);
    CHECK(a.warnings[0] == "figures of merit need SNDR, i.e. a sine record");
  }

  TEST_CASE("OverdrivenSineWarnsAboutClipping") {
    constexpr int kBits = 8;
    const auto codes = t::sineCodes(kBits, 8192, 1001.0, 1.1 * std::ldexp(1.0, kBits - 1));
    m::AnalysisOptions options;
    options.bits = kBits;
    const m::Analysis a = m::analyzeCodes(codes, options);
    bool clipped = false;
    for (const auto& w : a.warnings) clipped = clipped || w.find("exceeds full scale") != w.npos;
    CHECK(clipped);
    // ...while an exactly full-scale sine does not.
    const auto full = t::sineCodes(kBits, 8192, 1001.0, std::ldexp(1.0, kBits - 1));
    CHECK(m::analyzeCodes(full, options).warnings.empty());
  }

  TEST_CASE("AnalysisRejectsBadInputWithStableIds") {
    m::AnalysisOptions options;
    options.bits = 8;
    CHECK(idOf([&] { m::analyzeCodes({}, options); }) == "NNADC-MET-001");
    CHECK(idOf([&] { m::analyzeCodes(std::vector<std::int64_t>(63, 1), options); }) ==
          "NNADC-MET-001");
    auto codes = t::sineCodes(8, 1024, 51.0, 120.0);
    codes[500] = 256;
    try {
      m::analyzeCodes(codes, options);
      FAIL("expected NNADC-MET-003");
    } catch (const nnadc::InputError& e) {
      CHECK(std::string(e.what()) ==
            "error[NNADC-MET-003]: code 256 at sample 500 is outside [0, 256) for 8 bits");
    }
    options.bits = 0;
    CHECK(idOf([&] { m::analyzeCodes(codes, options); }) == "NNADC-MET-004");
    options.bits = 8;
    options.fs_hz = std::nan("");
    CHECK(idOf([&] { m::analyzeCodes(codes, options); }) == "NNADC-MET-005");
    options.fs_hz = 1e6;
    options.power_w = 0.0;
    CHECK(idOf([&] { m::analyzeCodes(codes, options); }) == "NNADC-MET-006");
    options.power_w.reset();
    options.max_harmonic = 1;
    CHECK(idOf([&] { m::analyzeCodes(codes, options); }) == "NNADC-MET-013");
  }
}
