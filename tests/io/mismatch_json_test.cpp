// The Pelgrom coefficients file (models/cmos130.mismatch.json): read in SI units, and every error
// names the file and the field.
#include "nnadc/io/mismatch_json.h"

#include <doctest/doctest.h>

#include <fstream>

#include "../test_paths.h"
#include "nnadc/core/error.h"

namespace fs = std::filesystem;

namespace {
fs::path writeTemp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST_SUITE("io") {
  TEST_CASE("TheShippedCardsCoefficientsReadInSiUnits") {
    const nnadc::adc::InverterSizing inverter;  // nmos130 / pmos130, the shipped card
    const fs::path file = nnadc::io::mismatchFile(inverter);
    CHECK(file.filename() == "cmos130.mismatch.json");
    const auto c = nnadc::io::loadMismatchCoefficients(file, inverter);
    // models/README.md: A_VT 3.5 / 4.0 mV um, A_beta 1 % um; 1 mV um = 1e-9 V m, 1 % um = 1e-8 m.
    CHECK(c.nmos.a_vt_v_m == doctest::Approx(3.5e-9));
    CHECK(c.pmos.a_vt_v_m == doctest::Approx(4.0e-9));
    CHECK(c.nmos.a_beta_m == doctest::Approx(1e-8));
    CHECK(c.pmos.a_beta_m == doctest::Approx(1e-8));
  }

  TEST_CASE("AUsersLibraryHasItsCoefficientsBesideIt") {
    nnadc::adc::InverterSizing inverter;
    inverter.model_lib = "/pdk/models/corners.lib";
    CHECK(nnadc::io::mismatchFile(inverter) == fs::path("/pdk/models/corners.mismatch.json"));
  }

  TEST_CASE("MismatchFileErrorsNameTheFileAndField") {
    const nnadc::adc::InverterSizing inverter;
    const auto p1 = writeTemp("nnadc_mm_missing.json",
                              R"({"nmos130": {"a_vt_mv_um": 3.5, "a_beta_pct_um": 1}})");
    CHECK_THROWS_WITH_AS(nnadc::io::loadMismatchCoefficients(p1, inverter),
                         doctest::Contains(("NNADC-CFG-005]: '" + p1.string() +
                                            "': field 'pmos130': no mismatch coefficients")
                                               .c_str()),
                         nnadc::InputError);
    const auto p2 = writeTemp("nnadc_mm_range.json",
                              R"({"nmos130": {"a_vt_mv_um": -1, "a_beta_pct_um": 1},
                                  "pmos130": {"a_vt_mv_um": 4, "a_beta_pct_um": 1}})");
    CHECK_THROWS_WITH_AS(
        nnadc::io::loadMismatchCoefficients(p2, inverter),
        doctest::Contains(
            ("NNADC-CFG-003]: '" + p2.string() + "': field 'nmos130.a_vt_mv_um'").c_str()),
        nnadc::InputError);
    const auto p3 = writeTemp("nnadc_mm_unknown.json",
                              R"({"nmos130": {"a_vt_mv_um": 3, "a_beta_pct_um": 1, "avt": 2},
                                  "pmos130": {"a_vt_mv_um": 4, "a_beta_pct_um": 1}})");
    CHECK_THROWS_WITH_AS(nnadc::io::loadMismatchCoefficients(p3, inverter),
                         doctest::Contains("NNADC-CFG-001"), nnadc::InputError);
    fs::remove(p1);
    fs::remove(p2);
    fs::remove(p3);
  }
}
