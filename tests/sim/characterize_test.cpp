// sim::characterizeInverter on the shipped card: the inverter the characterize CLI test expects,
// a drive table on the grid asked for, and tables that survive the VTC file unchanged.
#include "nnadc/sim/characterize.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/io/vtc_json.h"

TEST_SUITE("sim") {
  TEST_CASE("ShippedCardGivesASensibleInverterAndDriveTable") {
    const nnadc::sim::CharacterizeOptions options;  // 1.2 V, 1 mV sweep, shipped card
    const nnadc::sim::Characterization c = nnadc::sim::characterizeInverter(options);
    // As tests/cli/characterize_test.cpp expects of `nnadc characterize`: 1201 points, switching
    // point near VDD / 2, |peak gain| > 5.
    CHECK(c.vtc.vin_v.size() == 1201);
    CHECK(std::abs(c.vtc.threshold_v - 0.6) < 0.1);
    CHECK(c.vtc.peak_gain < -5.0);
    CHECK(c.supply_current_a.size() == c.vtc.vin_v.size());
    CHECK(c.ngspice_version.rfind("ngspice-", 0) == 0);
    CHECK(c.deck.find(".dc vin") != std::string::npos);
    REQUIRE_FALSE(c.vtc.drive.empty());
    CHECK(c.vtc.drive.vin_v.size() == 241);  // 5 mV steps
    CHECK(c.vtc.drive.vout_v.size() == 61);  // 20 mV steps
    CHECK(c.drive_deck.find(".dc vout") != std::string::npos);

    // Written as the VTC file and read back: the same tables.
    nnadc::io::VtcRecord record;
    record.vtc = c.vtc;
    record.supply_current_a = c.supply_current_a;
    record.deck = c.deck;
    record.drive_deck = c.drive_deck;
    const auto text = nnadc::io::dumpJson(nnadc::io::vtcFileJson(record, {}));
    const auto j = nnadc::io::Json::parse(text);
    nnadc::io::FieldReader r(j, "vtc.json");
    const nnadc::Vtc back = nnadc::io::readVtc(r);
    CHECK(back.vin_v == c.vtc.vin_v);
    CHECK(back.vout_v == c.vtc.vout_v);
    CHECK(back.threshold_v == c.vtc.threshold_v);
    CHECK(back.drive.current_a == c.vtc.drive.current_a);
  }

  TEST_CASE("WithoutDriveOnlyTheVtcIsMeasured") {
    nnadc::sim::CharacterizeOptions options;
    options.spec.step_v = 10e-3;
    options.drive = false;
    const auto c = nnadc::sim::characterizeInverter(options);
    CHECK(c.vtc.vin_v.size() == 121);
    CHECK(c.vtc.drive.empty());
    CHECK(c.drive_deck.empty());
  }

  TEST_CASE("BadOptionsAreRejectedNamingTheField") {
    // characterizeInverter validates first, so none of these reaches ngspice.
    nnadc::sim::CharacterizeOptions options;
    SUBCASE("timeout") {
      options.timeout_s = 0.0;
      CHECK_THROWS_WITH_AS(
          nnadc::sim::characterizeInverter(options),
          "error[NNADC-CFG-003]: field 'timeout' = 0 is outside the allowed range (0, "
          "1e+07] s",
          nnadc::InputError);
    }
    SUBCASE("supply") {
      options.spec.vdd_v = -3.0;
      CHECK_THROWS_WITH_AS(nnadc::sim::characterizeInverter(options),
                           doctest::Contains("error[NNADC-CFG-003]: field 'vdd'"),
                           nnadc::InputError);
    }
    SUBCASE("drive step") {
      options.drive_step_out_v = 1.0;  // > VDD / 4
      CHECK_THROWS_WITH_AS(nnadc::sim::characterizeInverter(options),
                           doctest::Contains("error[NNADC-CFG-003]: field 'drive-step-out'"),
                           nnadc::InputError);
      options.drive = false;  // not measured, not checked
      CHECK_NOTHROW(options.validate());
    }
  }
}
