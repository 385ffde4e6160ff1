// `nnadc characterize` end to end: the CLI contract (CLI.md), its errors and exit codes, and the
// VTC cross-checked against ngspice's own measurement of the same deck.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;
using nnadc::test::runCommand;

namespace {

using nnadc::test::cli;

// Runs ngspice -b on `deck` with a .control block appended that measures the switching point and
// the minimum of ngspice's own derivative; returns {threshold, min slope}.
std::pair<double, double> ngspiceMeasure(const std::string& deck, const fs::path& dir) {
  std::string measured = deck.substr(0, deck.rfind(".end"));
  measured +=
      ".control\nrun\nmeas dc vth when v(out)=v(in)\nlet g = deriv(v(out))\n"
      "let gmin = minimum(g)\nprint vth gmin\nquit 0\n.endc\n.end\n";
  { std::ofstream(dir / "measure.cir") << measured; }
  const auto r =
      runCommand(nnadc::test::ngspiceExe().string() + " -b " + (dir / "measure.cir").string());
  const std::regex vth_re(R"(vth\s*=\s*([-+0-9.eE]+))");
  const std::regex gmin_re(R"(gmin\s*=\s*([-+0-9.eE]+))");
  std::smatch m1;
  std::smatch m2;
  REQUIRE_MESSAGE(std::regex_search(r.output, m1, vth_re), r.output);
  REQUIRE_MESSAGE(std::regex_search(r.output, m2, gmin_re), r.output);
  return {std::stod(m1[1]), std::stod(m2[1])};
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("CharacterizeWritesTheContractFieldsAndASensibleInverter") {
    const auto dir = nnadc::test::scratchDir("characterize");
    const auto out = dir / "vtc.json";
    const auto r = runCommand(
        cli("characterize -o " + out.string() + " --deck " + (dir / "inv.cir").string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(r.output.find("characterize: threshold") != std::string::npos);  // one-line summary
    const auto j = nnadc::io::loadJsonFile(out);
    for (const char* field :
         {"vin", "vout", "slope", "threshold_v", "peak_gain", "vdd_v", "deck"}) {
      CHECK_MESSAGE(j.contains(field), field);
    }
    CHECK(j["vin"].size() == 1201);
    CHECK(j["provenance"]["ngspice_version"].get<std::string>().rfind("ngspice-", 0) == 0);
    CHECK(j["provenance"]["config"]["vdd"] == 1.2);
    // Issue 2: a sensible inverter: switching point near VDD/2, |peak gain| > 5.
    const double vth = j["threshold_v"].get<double>();
    const double gain = j["peak_gain"].get<double>();
    CHECK(std::abs(vth - 0.6) < 0.1);
    CHECK(gain < -5.0);
    // Same numbers from ngspice itself on the deck we wrote (independent of our analysis code).
    const std::string deck = nnadc::io::readTextFile(dir / "inv.cir");
    CHECK(deck == j["deck"].get<std::string>());
    const auto [ng_vth, ng_gmin] = ngspiceMeasure(deck, dir);
    // Both interpolate linearly on the same 1 mV grid: they agree to far better than 1 uV.
    CHECK(vth == doctest::Approx(ng_vth).epsilon(1e-6));
    // ngspice's deriv fits a polynomial, we take central differences: same peak within 2%.
    CHECK(gain == doctest::Approx(ng_gmin).epsilon(0.02));
  }

  TEST_CASE("DriveTableIsZeroOnTheVtcAndSourcesOrSinksOffIt") {
    // The drive table and the VTC come from two different decks (output forced by a source vs
    // left open): where the drive current crosses zero along vout must be the VTC.
    const auto dir = nnadc::test::scratchDir("characterize_drive");
    const auto out = dir / "vtc.json";
    const auto r = runCommand(cli("characterize --quiet -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const auto j = nnadc::io::loadJsonFile(out);
    REQUIRE(j.contains("drive"));
    const auto vin = j["drive"]["vin"].get<std::vector<double>>();
    const auto vout = j["drive"]["vout"].get<std::vector<double>>();
    const auto current = j["drive"]["current_a"].get<std::vector<double>>();
    REQUIRE(vin.size() == 241);  // 5 mV steps
    REQUIRE(vout.size() == 61);  // 20 mV steps
    REQUIRE(current.size() == vin.size() * vout.size());
    const auto tv = j["vin"].get<std::vector<double>>();
    const auto to = j["vout"].get<std::vector<double>>();
    double max_err = 0.0;
    double max_err_outside = 0.0;
    for (std::size_t i = 0; i < vin.size(); ++i) {
      const double* row = &current[i * vout.size()];
      // Input low: the PMOS sources current into a grounded output; input high: NMOS sinks.
      if (vin[i] < 0.2) CHECK(row[0] > 1e-6);
      if (vin[i] > 1.0) CHECK(row[vout.size() - 1] < -1e-6);
      for (std::size_t k = 0; k + 1 < vout.size(); ++k) {
        CHECK(row[k + 1] <= row[k] + 1e-12);  // I falls as the output rises
        if (row[k] > 0.0 && row[k + 1] <= 0.0) {
          const double z = vout[k] + (vout[k + 1] - vout[k]) * row[k] / (row[k] - row[k + 1]);
          const auto n = static_cast<std::size_t>(std::lround(vin[i] / 1e-3));  // 1 mV VTC
          const double e = std::abs(z - to.at(n));
          max_err = std::max(max_err, e);
          if (std::abs(vin[i] - j["threshold_v"].get<double>()) > 0.05) {
            max_err_outside = std::max(max_err_outside, e);
          }
        }
      }
    }
    MESSAGE("zero-current output vs VTC: max " << max_err << " V, max away from the switching "
                                               << "point " << max_err_outside << " V");
    // Interpolating I linearly over 20 mV of vout: exact in triode-like regions, a few mV where
    // both devices saturate (the steep part of the VTC).
    CHECK(max_err_outside < 2e-3);
    CHECK(max_err < 5e-3);  // measured 1.2 mV
  }

  TEST_CASE("ConfigFileSetsOptionsAndUnknownKeysAreRejected") {
    const auto dir = nnadc::test::scratchDir("characterize_config");
    { std::ofstream(dir / "cfg.json") << R"({"vdd": 1.0, "step": 0.01})"; }
    const auto out = dir / "vtc.json";
    auto r = runCommand(
        cli("characterize --config " + (dir / "cfg.json").string() + " -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const auto j = nnadc::io::loadJsonFile(out);
    CHECK(j["vdd_v"] == 1.0);
    CHECK(j["vin"].size() == 101);
    { std::ofstream(dir / "typo.json") << R"({"vddd": 1.0})"; }
    r = runCommand(cli("characterize --config " + (dir / "typo.json").string() + " -o " +
                       (dir / "typo_out.json").string()));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("vddd") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "typo_out.json"));
  }

  TEST_CASE("OutOfRangeOptionExitsTwoNamingTheFieldAndWritesNothing") {
    const auto dir = nnadc::test::scratchDir("characterize_bad");
    const auto r = runCommand(cli("characterize --vdd -3 -o " + (dir / "x.json").string()));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("error[NNADC-CFG-003]") != std::string::npos);
    CHECK(r.output.find("'vdd'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "x.json"));
  }

  TEST_CASE("MissingModelLibraryExitsTwo") {
    const auto r = runCommand(
        cli("characterize --model-lib /nonexistent.lib --nmos n --pmos p -o /tmp/never.json"));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("error[NNADC-NET-001]") != std::string::npos);
    CHECK(r.output.find("/nonexistent.lib") != std::string::npos);
  }

  TEST_CASE("UnknownModelNameExitsThreeWithNgspicesMessage") {
    const auto dir = nnadc::test::scratchDir("characterize_unknown_model");
    const auto r = runCommand(cli("characterize --nmos nosuchfet -o " + (dir / "x.json").string()));
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("error[NNADC-SIM-001]") != std::string::npos);
    CHECK(r.output.find("nosuchfet") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "x.json"));
  }

  TEST_CASE("UserModelLibraryWithSectionIsUsed") {
    // A "PDK" made of the shipped card under another section name and device names: the CLI must
    // reference it by path and section and get the same inverter.
    const auto dir = nnadc::test::scratchDir("characterize_pdk");
    std::string card = nnadc::io::readTextFile(nnadc::test::sourceDir() / "models" / "cmos130.lib");
    card = std::regex_replace(card, std::regex("nmos130"), "mynfet");
    card = std::regex_replace(card, std::regex("pmos130"), "mypfet");
    card = std::regex_replace(card, std::regex(R"(\.lib tt)"), ".lib slow");
    card = std::regex_replace(card, std::regex(R"(\.endl tt)"), ".endl slow");
    { std::ofstream(dir / "pdk.lib") << card; }
    const auto r = runCommand(cli("characterize --model-lib " + (dir / "pdk.lib").string() +
                                  " --lib-section slow --nmos mynfet --pmos mypfet -o " +
                                  (dir / "vtc.json").string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const auto j = nnadc::io::loadJsonFile(dir / "vtc.json");
    CHECK(j["deck"].get<std::string>().find("\" slow") != std::string::npos);
    CHECK(std::abs(j["threshold_v"].get<double>() - 0.6) < 0.1);
    const auto no_names = runCommand(cli("characterize --model-lib " + (dir / "pdk.lib").string() +
                                         " -o " + (dir / "y.json").string()));
    CHECK(no_names.exit_code == 2);
    CHECK(no_names.output.find("NNADC-CFG-004") != std::string::npos);
  }

  TEST_CASE("HelpAndVersionExitZero") {
    CHECK(runCommand(cli("--help")).exit_code == 0);
    const auto help = runCommand(cli("characterize --help"));
    CHECK(help.exit_code == 0);
    CHECK(help.output.find("--model-lib") != std::string::npos);
    CHECK(runCommand(cli("--version")).exit_code == 0);
    const auto bad = runCommand(cli("nosuchcommand"));
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("error[NNADC-CLI-001]") != std::string::npos);
  }
  TEST_CASE("AmplifierFlagWritesTheAnalogFileAndRefusesInverterOptions") {
    const auto dir = nnadc::test::scratchDir("characterize_amplifier");
    const auto out = dir / "amp.json";
    const auto r = runCommand(cli("characterize --amplifier -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(r.output.find("characterize: gain") != std::string::npos);
    const auto j = nnadc::io::loadJsonFile(out);
    REQUIRE(j.contains("amplifier"));
    const auto& a = j["amplifier"];
    for (const char* field :
         {"dc_gain_db", "ugf_hz", "phase_margin_deg", "loop_phase_margin_deg", "swing_low_v",
          "swing_high_v", "supply_current_a", "branches", "noise", "deck"}) {
      CHECK_MESSAGE(a.contains(field), field);
    }
    CHECK(a["dc_gain_db"].get<double>() > 80.0);
    CHECK(j["provenance"]["ngspice_version"].get<std::string>().rfind("ngspice-", 0) == 0);

    const auto mixed = runCommand(cli("characterize --amplifier --wn 1e-6 -o " + out.string()));
    CHECK(mixed.exit_code == 2);
    CHECK(mixed.output.find("error[NNADC-CFG-009]: --wn") != std::string::npos);
    const auto orphan = runCommand(cli("characterize --fs 1e6 -o " + out.string()));
    CHECK(orphan.exit_code == 2);
    CHECK(orphan.output.find("error[NNADC-CFG-009]: --fs") != std::string::npos);
  }
}
