// `nnadc axtrain` end to end on a synthetic set: the CLI contract (CLI.md), its errors and exit
// codes.
#include <doctest/doctest.h>

#include <fstream>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/io/json.h"

using nnadc::test::runCommand;

namespace {

std::string cli(const std::string& args) { return nnadc::test::cli("axtrain " + args); }

// A tiny, fast run: 300 synthetic samples, 8 hidden units, 1 + 1 epochs.
const std::string kBase = "--hidden 8 --epochs 1 --finetune-epochs 1 --batch 50 ";
const std::string kTiny = kBase + "--synthetic 300 --draws 3 ";

}  // namespace

TEST_SUITE("axtrain") {
  TEST_CASE("AxTrainCliWritesResultsWithProvenance") {
    const auto dir = nnadc::test::scratchDir("axtrain_cli");
    const auto out = dir / "ax.json";
    const auto r = runCommand(cli(
        kTiny + "--error-model ntv:ber=0.01 --error-model mult:udm --seed 5 -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(r.output.find("axtrain: baseline") != std::string::npos);  // one-line summary
    const auto j = nnadc::io::loadJsonFile(out);
    CHECK(j["provenance"]["seed"] == 5);
    CHECK(j["provenance"]["config"]["hidden"] == nnadc::io::Json::array({8}));
    CHECK(j["dataset"]["source"] == "synthetic");
    CHECK(j["network"]["sizes"] == nnadc::io::Json::array({64, 8, 4}));
    REQUIRE(j["models"].size() == 2);
    CHECK(j["models"][0]["model"] == "ntv:ber=0.01");
    CHECK(j["models"][0]["bit_error_rate"] == 0.01);
    CHECK(j["models"][1]["multiplier_stats"]["error_rate"].get<double>() > 0.0);
    REQUIRE(j["models"][0]["modes"].size() == 4);
    for (const auto& m : j["models"][0]["modes"]) {
      CHECK(m["hw_accuracies"].size() == 3);
      for (const char* field :
           {"mode", "exact_accuracy", "hw_accuracy_mean", "hw_accuracy_std", "loss_increase",
            "sensitivity", "sensitivity_change", "recovered_share", "training"}) {
        CHECK_MESSAGE(m.contains(field), field);
      }
    }
    // Same seed, same results (the provenance's seed reproduces the run).
    const auto out2 = dir / "ax2.json";
    const auto r2 = runCommand(cli(kTiny +
                                   "--error-model ntv:ber=0.01 --error-model mult:udm --seed 5 "
                                   "--quiet -o " +
                                   out2.string()));
    REQUIRE_MESSAGE(r2.exit_code == 0, r2.output);
    const auto j2 = nnadc::io::loadJsonFile(out2);
    // Timings differ between runs; every result does not.
    for (std::size_t m = 0; m < 2; ++m) {
      for (std::size_t k = 0; k < 4; ++k) {
        const auto& a = j["models"][m]["modes"][k];
        const auto& b = j2["models"][m]["modes"][k];
        CHECK(a["hw_accuracies"] == b["hw_accuracies"]);
        CHECK(a["sensitivity"] == b["sensitivity"]);
        CHECK(a["training"]["epochs"][0]["loss"] == b["training"]["epochs"][0]["loss"]);
      }
    }
  }

  TEST_CASE("AxTrainConfigFileAndRequireBaseline") {
    const auto dir = nnadc::test::scratchDir("axtrain_cli_config");
    {
      std::ofstream(dir / "cfg.json") << R"({"synthetic": 300, "hidden": [8], "epochs": 1,
        "finetune-epochs": 1, "draws": 2, "modes": ["plain", "passive"],
        "error-model": ["rram:sigma=0.2"]})";
    }
    const auto out = dir / "ax.json";
    const auto r = runCommand(cli("--config " + (dir / "cfg.json").string() +
                                  " --require-baseline 1.0 -o " + out.string()));
    // Exit 1: the run completed (file written) but the requested check failed.
    CHECK_MESSAGE(r.exit_code == 1, r.output);
    const auto j = nnadc::io::loadJsonFile(out);
    CHECK(j["models"][0]["modes"].size() == 2);
    CHECK(j["models"][0]["model"] == "rram:sigma=0.2,bits=4");
  }

  TEST_CASE("AxTrainBadInputExitsTwoNamingFieldAndValue") {
    const auto dir = nnadc::test::scratchDir("axtrain_cli_bad");
    const auto out = (dir / "never.json").string();
    struct Case {
      std::string args;
      std::string expected;
    };
    const Case cases[] = {
        {"--synthetic 300 --error-model foo:1",
         "error[NNADC-AXT-002]: error model 'foo:1': unknown kind 'foo' (accepted: none, "
         "mult:<design>, ntv:<V>V, ntv:ber=<p>, rram:sigma=<s>[,bits=<b>])"},
        {"--synthetic 300 --error-model mult:wallace",
         "error[NNADC-AXT-003]: multiplier design 'wallace'"},
        {"--synthetic 300 --error-model ntv:0.3V",
         "error[NNADC-AXT-004]: ntv voltage 0.3 V is outside the BER table [0.5, 1] V"},
        {"--synthetic 300 --modes plain,fast",
         "error[NNADC-AXT-005]: mode 'fast' is not one of plain, passive, "
         "active, both"},
        {"--synthetic 300 --lambda -1",
         "error[NNADC-AXT-006]: field 'lambda' = -1 is outside the allowed range [0, 1e+06]"},
        {"--synthetic 300 --draws 0",
         "error[NNADC-AXT-006]: field 'draws' = 0 is outside the allowed range [1, 1e+05]"},
        {"--data " + (dir / "nowhere").string(),
         "error[NNADC-AXT-001]: Fashion-MNIST file 'train-images-idx3-ubyte[.gz]' not found in '" +
             (dir / "nowhere").string() + "': install the Debian package dataset-fashion-mnist"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.args);
      const auto r = runCommand(cli(kBase + c.args + " -o " + out));
      CHECK(r.exit_code == 2);
      CHECK_MESSAGE(r.output.find(c.expected) != std::string::npos, r.output);
    }
    CHECK_FALSE(std::filesystem::exists(out));  // no partial output
  }
}
