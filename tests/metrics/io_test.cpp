#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/io/metrics_json.h"
#include "nnadc/metrics/analysis.h"
#include "support.h"

namespace m = nnadc::metrics;
namespace t = nnadc::metrics::test;
namespace io = nnadc::io;
using t::idOf;

namespace {

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const nnadc::Error& e) {
    return e.what();
  }
  return "no error";
}

/// CLI.md: every metrics JSON carries these fields, null where not applicable.
const char* const kContractFields[] = {
    "enob",          "sndr_db",     "snr_db",      "thd_db",       "sfdr_db",
    "enob_sinefit",  "dnl_lsb_min", "dnl_lsb_max", "inl_lsb_min",  "inl_lsb_max",
    "missing_codes", "power_w",     "fs_hz",       "fom_walden_j", "fom_schreier_db",
    "samples",       "bits"};

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("CsvCodeRecordsSkipBlankAndCommentLinesAndAcceptCrlf") {
    const auto codes = io::parseCodeRecord("# header\n1\r\n 2 \n\n3.0\n+4\n", "mem.csv", 8);
    CHECK(codes == std::vector<std::int64_t>{1, 2, 3, 4});
  }

  TEST_CASE("CsvCodeRecordErrorsNameTheLine") {
    CHECK(messageOf([] { io::parseCodeRecord("1\n2\n\nabc\n", "codes.csv"); }) ==
          "error[NNADC-MET-007]: 'codes.csv' line 4: 'abc' is not a number");
    CHECK(messageOf([] { io::parseCodeRecord("1\nnan\n", "codes.csv"); }) ==
          "error[NNADC-MET-002]: 'codes.csv' line 2: 'nan' is not finite");
    CHECK(messageOf([] { io::parseCodeRecord("1\n-inf\n", "codes.csv"); }) ==
          "error[NNADC-MET-002]: 'codes.csv' line 2: '-inf' is not finite");
    CHECK(messageOf([] { io::parseCodeRecord("1\n2.5\n", "codes.csv"); }) ==
          "error[NNADC-MET-015]: 'codes.csv' line 2: '2.5' is not an integer code");
    CHECK(messageOf([] { io::parseCodeRecord("1\n2\n256\n", "codes.csv", 8); }) ==
          "error[NNADC-MET-003]: 'codes.csv' line 3: code 256 is outside [0, 256) for 8 bits");
    CHECK(messageOf([] { io::parseCodeRecord("-1\n", "codes.csv", 8); }) ==
          "error[NNADC-MET-003]: 'codes.csv' line 1: code -1 is outside [0, 256) for 8 bits");
    CHECK(messageOf([] { io::parseCodeRecord("1, 2\n", "codes.csv"); }) ==
          "error[NNADC-MET-007]: 'codes.csv' line 1: '1, 2' is not a number");
    CHECK(idOf([] { io::parseCodeRecord("\n# nothing\n", "codes.csv"); }) == "NNADC-MET-001");
    CHECK(idOf([] { io::parseCodeRecord("", "codes.csv"); }) == "NNADC-MET-001");
    CHECK(idOf([] { io::parseCodeRecord("1\n", "codes.csv", 40); }) == "NNADC-MET-004");
  }

  TEST_CASE("JsonCodeRecordsAreArraysOfIntegers") {
    CHECK(io::parseCodeRecord(" [1, 2, 3.0] ", "c.json") == std::vector<std::int64_t>{1, 2, 3});
    CHECK(io::parseCodeRecord(R"({"codes": [7, 8]})", "c.json") == std::vector<std::int64_t>{7, 8});
    CHECK(messageOf([] { io::parseCodeRecord(R"([1, "x"])", "c.json"); }) ==
          "error[NNADC-MET-008]: 'c.json' element 1 is a string; expected an integer code");
    CHECK(idOf([] { io::parseCodeRecord(R"({"x": 1})", "c.json"); }) == "NNADC-MET-008");
    CHECK(idOf([] { io::parseCodeRecord("[1, 2.5]", "c.json"); }) == "NNADC-MET-015");
    CHECK(idOf([] { io::parseCodeRecord("[1, 300]", "c.json", 8); }) == "NNADC-MET-003");
    CHECK(idOf([] { io::parseCodeRecord("[1, 2", "c.json"); }) == "NNADC-IO-003");
    CHECK(idOf([] { io::parseCodeRecord("[]", "c.json"); }) == "NNADC-MET-001");
  }

  TEST_CASE("SupplyWaveformsHaveOneTwoOrThreeColumns") {
    const auto one = io::parseSupplyWaveform("1e-3\n2e-3\n", "i.csv");
    CHECK(one.time_s.empty());
    CHECK(one.current_a == std::vector<double>{1e-3, 2e-3});
    const auto three = io::parseSupplyWaveform("# t v i\n0 1.2 -1e-3\n1e-9, 1.2, -2e-3\n", "w");
    CHECK(three.time_s == std::vector<double>{0.0, 1e-9});
    CHECK(three.voltage_v == std::vector<double>{1.2, 1.2});
    CHECK(messageOf([] { io::parseSupplyWaveform("0 1\n1 x\n", "w.csv"); }) ==
          "error[NNADC-MET-007]: 'w.csv' line 2: 'x' is not a number");
    CHECK(idOf([] { io::parseSupplyWaveform("0 1\n1 2 3\n", "w.csv"); }) == "NNADC-MET-010");
    CHECK(idOf([] { io::parseSupplyWaveform("1 2 3 4\n", "w.csv"); }) == "NNADC-MET-010");
    CHECK(idOf([] { io::parseSupplyWaveform("1\n", "w.csv"); }) == "NNADC-MET-001");
  }

  TEST_CASE("MetricsJsonCarriesEveryContractFieldForSineAndRampRecords") {
    m::AnalysisOptions options;
    options.bits = 8;
    options.fs_hz = 1e6;
    options.power_w = 1e-4;
    const auto sine = t::sineCodes(8, 4096, 301.0, 128.0);
    const io::Json js = io::metricsJson(m::analyzeCodes(sine, options));
    for (const char* field : kContractFields) {
      CAPTURE(field);
      REQUIRE(js.contains(field));
      CHECK_FALSE(js[field].is_null());
    }
    CHECK(js["bits"] == 8);
    CHECK(js["samples"] == 4096);
    CHECK(js["window"] == "none");
    CHECK(js["coherent"] == true);
    CHECK(js["harmonics"].size() == 8);

    options.record = m::RecordKind::kRamp;
    std::vector<std::int64_t> ramp;
    for (int n = 0; n < 5000; ++n) ramp.push_back(t::quantize(-1.0 + 0.0525 * n, 8));
    const io::Json jr = io::metricsJson(m::analyzeCodes(ramp, options), true);
    for (const char* field : kContractFields) {
      CAPTURE(field);
      REQUIRE(jr.contains(field));
    }
    for (const char* field : {"enob", "sndr_db", "snr_db", "thd_db", "sfdr_db", "enob_sinefit",
                              "power_w", "fom_walden_j", "fom_schreier_db"}) {
      CAPTURE(field);
      CHECK(jr[field].is_null());
    }
    CHECK(jr["missing_codes"] == 0);
    CHECK(jr["dnl_lsb"].size() == 254);
    CHECK(jr["inl_lsb"].size() == 255);
    CHECK(jr["record"] == "ramp");
  }
}
