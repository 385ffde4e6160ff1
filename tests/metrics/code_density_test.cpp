#include "nnadc/metrics/code_density.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nnadc/metrics/analysis.h"
#include "nnadc/metrics/coherent.h"
#include "support.h"

namespace m = nnadc::metrics;
namespace t = nnadc::metrics::test;
using t::idOf;

namespace {

constexpr int kBits = 8;
constexpr std::int64_t kWideCode = 100;     // planted: 1.5 LSB wide (code 101 then 0.5 LSB)
constexpr std::int64_t kMissingCode = 150;  // planted: 0 LSB wide (code 151 then 2 LSB)

/// 8-bit transfer with the two planted errors; all other codes exactly 1 LSB wide.
std::vector<double> plantedTransitions() {
  std::vector<double> tr = t::idealTransitions(kBits);   // tr[k - 1] = T_k
  tr[kWideCode] = static_cast<double>(kWideCode) + 1.5;  // T_101
  tr[kMissingCode] = static_cast<double>(kMissingCode);  // T_151 = T_150
  return tr;
}

/// Coherent sine overdriven by 2 LSB on each side: 2^18 distinct phases.
std::vector<std::int64_t> sineThrough(const std::vector<double>& transitions) {
  constexpr std::size_t kSamples = 1 << 18;
  const auto x = t::sine(kSamples, 12345.0, 130.0, 128.0, 0.1);
  std::vector<std::int64_t> codes(kSamples);
  for (std::size_t n = 0; n < kSamples; ++n) codes[n] = t::quantize(x[n], transitions);
  return codes;
}

/// Rising ramp from -2 to 258 LSB with 100 samples per LSB.
std::vector<std::int64_t> rampThrough(const std::vector<double>& transitions) {
  constexpr std::size_t kSamples = 26000;
  std::vector<std::int64_t> codes(kSamples);
  for (std::size_t n = 0; n < kSamples; ++n) {
    codes[n] = t::quantize(-2.0 + 0.01 * (static_cast<double>(n) + 0.5), transitions);
  }
  return codes;
}

double dnlOf(const m::CodeDensityResult& r, std::int64_t code) {
  return r.dnl_lsb.at(static_cast<std::size_t>(code - r.first_code));
}

double inlEndpointAt(const m::CodeDensityResult& r, std::int64_t code) {
  return r.inl_endpoint_lsb.at(static_cast<std::size_t>(code - r.first_code));
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("PlantedWideAndMissingCodesAreRecoveredFromASineHistogram") {
    const auto codes = sineThrough(plantedTransitions());
    m::CodeDensityOptions options;
    options.bits = kBits;
    options.record = m::RecordKind::kSine;
    const m::CodeDensityResult r = m::analyzeCodeDensity(codes, options);
    CHECK(r.lowest_code == 0);
    CHECK(r.highest_code == 255);
    CHECK(r.first_code == 1);
    CHECK(r.dnl_lsb.size() == 254);  // edge bins 0 and 255 clipped
    // ~1000 samples per code from 2^18 distinct phases: count quantisation is ~0.1 %, and
    // the arcsine correction is exact for a coherent sine, so 0.02 LSB is generous.
    constexpr double kTol = 0.02;
    CHECK(std::abs(dnlOf(r, kWideCode) - 0.5) < kTol);
    CHECK(std::abs(dnlOf(r, kWideCode + 1) + 0.5) < kTol);
    CHECK(dnlOf(r, kMissingCode) == -1.0);
    CHECK(std::abs(dnlOf(r, kMissingCode + 1) - 1.0) < kTol);
    REQUIRE(r.missing_codes.size() == 1);
    CHECK(r.missing_codes[0] == kMissingCode);
    // Every other code is ideal.
    for (std::int64_t code = 1; code < 255; ++code) {
      if (code == kWideCode || code == kWideCode + 1 || code == kMissingCode ||
          code == kMissingCode + 1) {
        continue;
      }
      CAPTURE(code);
      CHECK(std::abs(dnlOf(r, code)) < kTol);
    }
    // The transition into code 101 sits 0.5 LSB late; endpoint INL shows it.
    CHECK(std::abs(inlEndpointAt(r, kWideCode + 1) - 0.5) < kTol);
    CHECK(std::abs(inlEndpointAt(r, kWideCode + 2)) < kTol);
    CHECK(std::abs(inlEndpointAt(r, kMissingCode + 1) + 1.0) < kTol);
    CHECK(r.untested_codes == 0);
    CHECK(r.warnings.empty());
  }

  TEST_CASE("PlantedWideAndMissingCodesAreRecoveredFromARamp") {
    const auto codes = rampThrough(plantedTransitions());
    m::CodeDensityOptions options;
    options.bits = kBits;
    options.record = m::RecordKind::kRamp;
    const m::CodeDensityResult r = m::analyzeCodeDensity(codes, options);
    // 100 samples per LSB: each width is exact to 1 sample = 0.01 LSB.
    constexpr double kTol = 0.011;
    CHECK(std::abs(dnlOf(r, kWideCode) - 0.5) < kTol);
    CHECK(std::abs(dnlOf(r, kWideCode + 1) + 0.5) < kTol);
    CHECK(dnlOf(r, kMissingCode) == -1.0);
    REQUIRE(r.missing_codes.size() == 1);
    CHECK(r.missing_codes[0] == kMissingCode);
    CHECK(r.dnl_max_lsb == doctest::Approx(1.0).epsilon(kTol));
    CHECK(r.dnl_min_lsb == -1.0);
    REQUIRE(r.monotonic.has_value());
    CHECK(*r.monotonic);
  }

  TEST_CASE("BowedTransferGivesTheExpectedEndpointAndBestFitInl") {
    // T_k = k + b 4u(1 - u), u = (k - 1) / 254: a parabola of height b over the transitions.
    // Endpoint INL runs 0..b; the least-squares line of a symmetric parabola is its mean 2b/3,
    // so best-fit INL runs -2b/3..b/3.
    constexpr double kBow = 2.0;
    std::vector<double> tr = t::idealTransitions(kBits);
    for (std::size_t i = 0; i < tr.size(); ++i) {
      const double u = static_cast<double>(i) / static_cast<double>(tr.size() - 1);
      tr[i] += kBow * 4.0 * u * (1.0 - u);
    }
    std::vector<std::int64_t> codes;
    for (std::size_t n = 0; n < 52000; ++n) {  // 200 samples per LSB over -2..258 LSB
      codes.push_back(t::quantize(-2.0 + 0.005 * (static_cast<double>(n) + 0.5), tr));
    }
    m::CodeDensityOptions options;
    options.bits = kBits;
    options.record = m::RecordKind::kRamp;
    const m::CodeDensityResult r = m::analyzeCodeDensity(codes, options);
    // Ramp resolution 0.005 LSB, and the discrete parabola's mean differs from 2b/3 by
    // O(b / 254^2); 0.02 LSB covers both.
    constexpr double kTol = 0.02;
    CHECK(r.inl_endpoint_max_lsb == doctest::Approx(kBow).epsilon(kTol / kBow));
    CHECK(std::abs(r.inl_endpoint_min_lsb) < kTol);
    CHECK(std::abs(r.inl_best_fit_max_lsb - kBow / 3.0) < kTol);
    CHECK(std::abs(r.inl_best_fit_min_lsb + 2.0 * kBow / 3.0) < kTol);
  }

  TEST_CASE("SwappedCodesAreNotMonotonic") {
    std::vector<std::int64_t> ramp = rampThrough(t::idealTransitions(kBits));
    m::CodeDensityOptions options;
    options.bits = kBits;
    options.record = m::RecordKind::kRamp;
    CHECK(*m::analyzeCodeDensity(ramp, options).monotonic);
    // Codes 60 and 61 exchanged: the output steps 59, 61, 60, 62 as the input rises.
    for (auto& code : ramp) {
      if (code == 60) {
        code = 61;
      } else if (code == 61) {
        code = 60;
      }
    }
    const m::CodeDensityResult r = m::analyzeCodeDensity(ramp, options);
    CHECK_FALSE(*r.monotonic);
    // A histogram cannot see the swap: both codes keep their 1 LSB width.
    CHECK(std::abs(r.dnl_min_lsb) < 0.011);

    // The same check on a sine record, referenced to the fitted sine.
    auto sine_codes = sineThrough(t::idealTransitions(kBits));
    m::AnalysisOptions analysis;
    analysis.bits = kBits;
    CHECK(*m::analyzeCodes(sine_codes, analysis).code_density.monotonic);
    for (auto& code : sine_codes) {
      if (code == 60) {
        code = 61;
      } else if (code == 61) {
        code = 60;
      }
    }
    CHECK_FALSE(*m::analyzeCodes(sine_codes, analysis).code_density.monotonic);
  }

  TEST_CASE("FallingRampIsMonotonicToo") {
    auto codes = rampThrough(t::idealTransitions(kBits));
    std::reverse(codes.begin(), codes.end());
    m::CodeDensityOptions options;
    options.bits = kBits;
    options.record = m::RecordKind::kRamp;
    const m::CodeDensityResult r = m::analyzeCodeDensity(codes, options);
    CHECK(*r.monotonic);
    CHECK(r.missing_codes.empty());
  }

  TEST_CASE("UnderdrivenSineWarnsAndDoesNotCallUnreachedCodesMissing") {
    constexpr std::size_t kSamples = 1 << 16;
    const auto x = t::sine(kSamples, 1001.0, 100.0, 128.0);
    std::vector<std::int64_t> codes(kSamples);
    for (std::size_t n = 0; n < kSamples; ++n) codes[n] = t::quantize(x[n], kBits);
    m::CodeDensityOptions options;
    options.bits = kBits;
    const m::CodeDensityResult r = m::analyzeCodeDensity(codes, options);
    CHECK(r.lowest_code == 28);
    CHECK(r.highest_code == 227);
    CHECK(r.missing_codes.empty());
    CHECK(r.untested_codes == 56);
    REQUIRE_FALSE(r.warnings.empty());
    CHECK(r.warnings[0].find("untested") != std::string::npos);
  }

  TEST_CASE("CodeDensityRejectsBadRecordsWithStableIds") {
    m::CodeDensityOptions options;
    options.bits = kBits;
    std::vector<std::int64_t> codes(100, 5);
    codes[7] = 256;
    CHECK(idOf([&] { m::analyzeCodeDensity(codes, options); }) == "NNADC-MET-003");
    codes[7] = -1;
    CHECK(idOf([&] { m::analyzeCodeDensity(codes, options); }) == "NNADC-MET-003");
    codes[7] = 6;  // spans codes 5..6 only
    CHECK(idOf([&] { m::analyzeCodeDensity(codes, options); }) == "NNADC-MET-016");
    CHECK(idOf([&] { m::analyzeCodeDensity(std::vector<std::int64_t>(3, 1), options); }) ==
          "NNADC-MET-001");
    options.bits = 0;
    CHECK(idOf([&] { m::analyzeCodeDensity(codes, options); }) == "NNADC-MET-004");
    options.bits = 25;
    CHECK(idOf([&] { m::analyzeCodeDensity(codes, options); }) == "NNADC-MET-004");
    CHECK(idOf([&] { m::parseRecordKind("triangle"); }) == "NNADC-MET-009");
    CHECK(idOf([&] { m::parseInlReference("terminal"); }) == "NNADC-MET-009");
  }
}
