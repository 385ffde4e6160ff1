// The one VTC (de)serialiser: what vtcJson / vtcFileJson write, readVtc reads back unchanged, and
// files written before the inverter was recorded as fields still give their inverter.
#include "nnadc/io/vtc_json.h"

#include <doctest/doctest.h>

#include <cmath>

#include "../test_paths.h"
#include "nnadc/core/error.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"

namespace {

/// A small inverter-like VTC (vout falls from VDD to 0 around VDD / 2) with a 3 x 2 drive table.
nnadc::Vtc smallVtc() {
  const double vdd = 1.2;
  std::vector<double> vin;
  std::vector<double> vout;
  for (int i = 0; i <= 12; ++i) {
    const double x = 0.1 * i;
    vin.push_back(x);
    vout.push_back(vdd / (1.0 + std::exp((x - 0.6) / 0.05)));
  }
  nnadc::Vtc vtc = nnadc::analyzeVtc(vin, vout, vdd);
  vtc.drive.vin_v = {0.0, 0.6, 1.2};
  vtc.drive.vout_v = {0.0, 1.2};
  vtc.drive.current_a = {1e-4, 0.0, 2e-5, -2e-5, 0.0, -1e-4};
  return vtc;
}

void checkSameTables(const nnadc::Vtc& a, const nnadc::Vtc& b) {
  // JSON numbers are written with round-trip precision, so the tables come back bit for bit.
  CHECK(a.vin_v == b.vin_v);
  CHECK(a.vout_v == b.vout_v);
  CHECK(a.slope == b.slope);
  CHECK(a.vdd_v == b.vdd_v);
  CHECK(a.threshold_v == b.threshold_v);
  CHECK(a.peak_gain == b.peak_gain);
  CHECK(a.drive.vin_v == b.drive.vin_v);
  CHECK(a.drive.vout_v == b.drive.vout_v);
  CHECK(a.drive.current_a == b.drive.current_a);
}

nnadc::Vtc reread(const nnadc::io::Json& j, const std::string& prefix = "") {
  // Through text, as a file would go.
  const auto parsed = nnadc::io::Json::parse(nnadc::io::dumpJson(j));
  nnadc::io::FieldReader r(parsed, "test.json", prefix);
  return nnadc::io::readVtc(r);
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("DesignVtcBlockRoundTripsWithItsDriveTable") {
    const nnadc::Vtc vtc = smallVtc();
    const nnadc::io::Json j = nnadc::io::vtcJson(vtc);
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items()) keys.push_back(key);
    CHECK(keys ==
          std::vector<std::string>{"vdd_v", "threshold_v", "peak_gain", "vin", "vout", "drive"});
    checkSameTables(reread(j), vtc);
  }

  TEST_CASE("VtcFileRoundTripsTablesAndInverter") {
    nnadc::io::VtcRecord record;
    record.vtc = smallVtc();
    record.inverter.wn_m = 1e-6;
    record.inverter.model_lib = "/pdk/models.lib";
    record.inverter.lib_section = "";
    record.inverter.subckt_devices = true;
    record.deck = "* dc\n.end\n";
    record.drive_deck = "* drive\n.end\n";
    nnadc::io::Provenance provenance;
    provenance.command = "characterize";
    const nnadc::io::Json j = nnadc::io::vtcFileJson(record, provenance);
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items()) keys.push_back(key);
    CHECK(keys == std::vector<std::string>{"provenance", "vdd_v", "threshold_v", "peak_gain",
                                           "wn_m", "wp_m", "l_m", "nmos", "pmos", "model_lib",
                                           "lib_section", "subckt_devices", "points", "vin", "vout",
                                           "slope", "supply_current_a", "drive", "deck"});
    CHECK(j["drive"]["deck"] == record.drive_deck);
    checkSameTables(reread(j), record.vtc);

    nnadc::io::FieldReader r(j, "test.json");
    nnadc::adc::InverterSizing sizing;
    nnadc::io::readInverterSizing(r, sizing);
    CHECK(sizing.wn_m == 1e-6);
    CHECK(sizing.model_lib == "/pdk/models.lib");
    CHECK(sizing.lib_section.empty());
    CHECK(sizing.subckt_devices);
  }

  TEST_CASE("WithoutDriveTableNoDriveBlockIsWritten") {
    nnadc::Vtc vtc = smallVtc();
    vtc.drive = {};
    CHECK_FALSE(nnadc::io::vtcJson(vtc).contains("drive"));
    CHECK(reread(nnadc::io::vtcJson(vtc)).drive.empty());
  }

  TEST_CASE("ReadErrorsNameTheFileAndDottedField") {
    nnadc::io::Json j = nnadc::io::vtcJson(smallVtc());
    j["drive"]["vout"] = {0.0, 1.0, 0.5};
    CHECK_THROWS_WITH_AS(reread(j, "vtc"), doctest::Contains("'test.json': field 'vtc.drive'"),
                         nnadc::InputError);
    j.erase("vin");
    CHECK_THROWS_WITH_AS(reread(j, "vtc"), doctest::Contains("NNADC-CFG-005"), nnadc::InputError);
  }

  TEST_CASE("OlderVtcFilesGiveTheirInverterFromProvenance") {
    // training/vtc130.json predates the model_lib / lib_section / subckt_devices fields.
    const auto shipped = nnadc::test::sourceDir() / "training" / "vtc130.json";
    nnadc::adc::InverterSizing sizing;
    sizing.lib_section = "changed";
    const nnadc::Vtc vtc = nnadc::io::loadVtc(shipped, &sizing);
    CHECK(vtc.vin_v.size() == 1201);
    CHECK_FALSE(vtc.drive.empty());
    CHECK(sizing.nmos == "nmos130");
    CHECK(sizing.model_lib.empty());
    CHECK(sizing.lib_section == "changed");  // the default card's section is not recorded there

    nnadc::io::Json j = nnadc::io::vtcJson(smallVtc());
    j["provenance"] = {{"config", {{"model-lib", "/pdk/a.lib"}, {"subckt-devices", true}}}};
    nnadc::io::FieldReader r(j, "old.json");
    nnadc::adc::InverterSizing old;
    nnadc::io::readInverterSizing(r, old);
    CHECK(old.model_lib == "/pdk/a.lib");
    CHECK(old.lib_section.empty());  // a library without a section is .include'd
    CHECK(old.subckt_devices);
  }

  TEST_CASE("ShippedDesignVtcBlockIsWrittenBackAsShipped") {
    // loadDesign -> vtcJson reproduces the committed design's "vtc" block text exactly: same
    // fields, same order, same numbers.
    const auto path = nnadc::test::adc14();
    const nnadc::adc::Design design = nnadc::io::loadDesign(path);
    const nnadc::io::Json shipped = nnadc::io::loadJsonFile(path);
    CHECK(nnadc::io::vtcJson(design.vtc).dump(2) == shipped["vtc"].dump(2));
  }

  TEST_CASE("MalformedDesignVtcIsADesignErrorNamingTheField") {
    const auto path = nnadc::test::adc14();
    nnadc::io::Json j = nnadc::io::loadJsonFile(path);
    j["vtc"]["vin"] = "none";
    const auto bad = nnadc::test::scratchDir("vtc_json_bad_design") / "bad.json";
    nnadc::io::writeFileAtomic(bad, nnadc::io::dumpJson(j));
    const std::string expected =
        "error[NNADC-DES-001]: '" + bad.string() + "': field 'vtc.vin' must be";
    CHECK_THROWS_WITH_AS(nnadc::io::loadDesign(bad), doctest::Contains(expected.c_str()),
                         nnadc::InputError);
  }
}
