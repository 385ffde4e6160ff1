// `nnadc metrics` end to end: the built executable on files, checked by exit code and JSON.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../test_paths.h"
#include "nnadc/io/json.h"
#include "support.h"

namespace fs = std::filesystem;
namespace t = nnadc::metrics::test;
using nnadc::io::Json;

namespace {

struct Run {
  int exit_code = -1;
  std::string stderr_text;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `nnadc metrics <args>` in `dir`, capturing stderr.
Run metrics(const fs::path& dir, const std::string& args) {
  REQUIRE_MESSAGE(fs::exists(nnadc::test::nnadcExe()), "build the nnadc target first");
  const fs::path err = dir / "stderr.txt";
  const std::string cmd = "cd '" + dir.string() + "' && '" + nnadc::test::nnadcExe().string() +
                          "' metrics " + args + " 2> '" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.stderr_text = slurp(err);
  return run;
}

void writeCodes(const fs::path& path, const std::vector<std::int64_t>& codes) {
  std::ofstream out(path);
  for (const auto c : codes) out << c << '\n';
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("MetricsCommandWritesEveryContractFieldAndItsConfig") {
    const fs::path dir = nnadc::test::scratchDir("metrics_cli_ok");
    writeCodes(dir / "codes.csv", t::sineCodes(12, 8192, 983.0, 2047.0));
    const Run run =
        metrics(dir, "--codes codes.csv --bits 12 --fs 50e6 --power 360e-6 -o out/m.json");
    CHECK(run.exit_code == 0);
    CHECK(run.stderr_text.find("metrics: 8192 samples, 12 bits") != std::string::npos);
    const Json j = Json::parse(slurp(dir / "out" / "m.json"));
    for (const char* field :
         {"enob", "sndr_db", "snr_db", "thd_db", "sfdr_db", "enob_sinefit", "dnl_lsb_min",
          "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max", "missing_codes", "power_w", "fs_hz",
          "fom_walden_j", "fom_schreier_db", "samples", "bits"}) {
      CAPTURE(field);
      REQUIRE(j.contains(field));
      CHECK_FALSE(j[field].is_null());
    }
    // Ideal 12-bit quantiser at -0.004 dBFS: ENOB 12 within the quantiser's 0.05-bit deviation.
    CHECK(std::abs(j["enob"].get<double>() - 12.0) < 0.05);
    CHECK(j["power_w"] == 360e-6);
    CHECK(j["window"] == "none");
    CHECK(j["window_auto"] == true);
    CHECK(j["provenance"]["command"] == "metrics");
    CHECK(j["provenance"]["config"]["bits"] == 12);
    CHECK(j["provenance"]["config"]["window"] == "auto");
    CHECK(j["passed"] == true);
  }

  TEST_CASE("MetricsCommandExitsOneWhenARequiredEnobIsNotMet") {
    const fs::path dir = nnadc::test::scratchDir("metrics_cli_check");
    writeCodes(dir / "codes.csv", t::sineCodes(10, 4096, 301.0, 511.0));
    const Run pass = metrics(dir, "--codes codes.csv --bits 10 --require-enob 9.5 --quiet");
    CHECK(pass.exit_code == 0);
    CHECK(pass.stderr_text.find("metrics:") == std::string::npos);  // --quiet hides the summary
    const Run fail = metrics(dir, "--codes codes.csv --bits 10 --require-enob 10.5 -o f.json");
    // Ideal 10-bit converter: ENOB is 10 within 0.05 bit, so 9.5 passes and 10.5 fails.
    CHECK(fail.exit_code == 1);
    CHECK(fail.stderr_text.find("ENOB >= 10.50: FAIL") != std::string::npos);
    const Json j = Json::parse(slurp(dir / "f.json"));
    CHECK(j["passed"] == false);
    CHECK(j["checks"][0]["check"] == "enob");
  }

  TEST_CASE("MetricsCommandExitsTwoOnBadInputNamingTheLine") {
    const fs::path dir = nnadc::test::scratchDir("metrics_cli_bad");
    std::ofstream(dir / "bad.csv") << "1\n2\nthree\n";
    const Run bad = metrics(dir, "--codes bad.csv --bits 4");
    CHECK(bad.exit_code == 2);
    CHECK(bad.stderr_text == "error[NNADC-MET-007]: 'bad.csv' line 3: 'three' is not a number\n");
    std::ofstream(dir / "range.json") << "[1, 2, 16]";
    const Run range = metrics(dir, "--codes range.json --bits 4");
    CHECK(range.exit_code == 2);
    CHECK(range.stderr_text.find("error[NNADC-MET-003]: 'range.json' element 2") == 0);
    const Run missing = metrics(dir, "--codes nowhere.csv --bits 4");
    CHECK(missing.exit_code == 2);
    CHECK(missing.stderr_text.find("error[NNADC-IO-001]") == 0);
    const Run window = metrics(dir, "--codes bad.csv --bits 4 --window kaiser");
    CHECK(window.exit_code == 2);
    CHECK(window.stderr_text.find("error[NNADC-MET-009]") == 0);
    const Run ramp = metrics(dir, "--codes bad.csv --bits 4 --record ramp --require-enob 3");
    CHECK(ramp.exit_code == 2);
    CHECK(ramp.stderr_text.find("error[NNADC-MET-014]") == 0);
    CHECK_FALSE(fs::exists(dir / "metrics.json"));
  }

  TEST_CASE("MetricsCommandWarnsAboutNonCoherentRecordsWithoutWindow") {
    const fs::path dir = nnadc::test::scratchDir("metrics_cli_window");
    writeCodes(dir / "codes.csv", t::sineCodes(10, 4096, 301.4, 500.0));
    const Run run = metrics(dir, "--codes codes.csv --bits 10 --window none");
    CHECK(run.exit_code == 0);
    CHECK(run.stderr_text.find("warning: spectrum: record is not coherent") != std::string::npos);
    const Json j = Json::parse(slurp(dir / "metrics.json"));
    CHECK(j["coherent"] == false);
    CHECK(j["window"] == "none");
    REQUIRE_FALSE(j["warnings"].empty());
    CHECK(j["warnings"][0].get<std::string>().find("not coherent") != std::string::npos);
  }

  TEST_CASE("MetricsCommandTakesOptionsFromAConfigFileAndPowerFromACurrentWaveform") {
    const fs::path dir = nnadc::test::scratchDir("metrics_cli_config");
    writeCodes(dir / "codes.csv", t::sineCodes(8, 4096, 301.0, 127.0));
    std::ofstream(dir / "i.csv") << "0 -1e-3\n1e-6 -1e-3\n2e-6 -1e-3\n";
    std::ofstream(dir / "cfg.json")
        << R"({"codes": "codes.csv", "bits": 8, "fs": 1e6, "vdd": 1.2, "current": "i.csv"})";
    const Run run = metrics(dir, "--config cfg.json -o c.json");
    CHECK(run.exit_code == 0);
    const Json j = Json::parse(slurp(dir / "c.json"));
    // 1.2 V x 1 mA.
    CHECK(j["power_w"].get<double>() == doctest::Approx(1.2e-3));
    CHECK(j["fs_hz"] == 1e6);
    CHECK(j["provenance"]["config"]["vdd"] == 1.2);
    const Run no_vdd = metrics(dir, "--codes codes.csv --bits 8 --current i.csv");
    CHECK(no_vdd.exit_code == 2);
    CHECK(no_vdd.stderr_text.find("error[NNADC-MET-006]") == 0);
    const Run no_codes = metrics(dir, "--bits 8");
    CHECK(no_codes.exit_code == 2);
    CHECK(no_codes.stderr_text.find("error[NNADC-CLI-001]: --codes is required") == 0);
    std::ofstream(dir / "typo.json") << R"({"codez": "codes.csv"})";
    const Run typo = metrics(dir, "--config typo.json --bits 8");
    CHECK(typo.exit_code == 2);
    CHECK(typo.stderr_text.find("error[NNADC-CFG-001]") == 0);
  }
}
