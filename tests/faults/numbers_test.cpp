// Fault-injection cases: numbers (docs/reliability.md, "Numbers"). Each case corrupts one number
// of an input, runs the nnadc binary as a user would, and checks exit code 2, the error id, that
// the message names the file and field, and that no output file was written.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <numbers>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;
using nnadc::io::Json;
using nnadc::test::runCommand;

namespace {

using nnadc::test::cli;

using nnadc::test::adc14;

using nnadc::test::has;

// The shipped pipeline design with one edit applied, written to dir/name.
fs::path corrupt(const fs::path& dir, const std::string& name,
                 const std::function<void(Json&)>& edit, const fs::path& from = adc14()) {
  Json j = nnadc::io::loadJsonFile(from);
  edit(j);
  const fs::path path = dir / name;
  std::ofstream(path) << j.dump();
  return path;
}

// A tiny single-stage design, trained once per test binary (20 iterations: seconds).
fs::path stageDesign() {
  static const fs::path design = [] {
    const auto dir = nnadc::test::scratchDir("numbers_stage");
    const fs::path recipe = dir / "recipe.json";
    std::ofstream(recipe) << R"({"kind": "stage", "vtc": ")"
                          << (nnadc::test::sourceDir() / "training" / "vtc130.json").string()
                          << R"(", "bits": 3, "hidden": 8, "code": "smooth", "outputs": 4,
      "training": {"iterations": 20, "eval_every": 10, "refine_sweeps": 1}})";
    const fs::path out = dir / "stage.json";
    const auto r =
        runCommand(cli("train --config " + recipe.string() + " --quiet -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    return out;
  }();
  return design;
}

// Runs `args` (which writes to `output`) and checks the bad-input contract.
void expectRefused(const std::string& args, const fs::path& output, const std::string& id,
                   const std::vector<std::string>& names, int exit_code = 2) {
  const auto r = runCommand(cli(args + " -o " + output.string()));
  CHECK_MESSAGE(r.exit_code == exit_code, r.output);
  CHECK_MESSAGE(has(r.output, "error[" + id + "]"), r.output);
  for (const std::string& name : names)
    CHECK_MESSAGE(has(r.output, name), std::string(name + ": " + r.output));
  CHECK_FALSE(fs::exists(output));
}

// eval of a corrupted copy of the shipped pipeline: DES-001 (or `id`), naming file and field.
void expectDesignRefused(const std::string& name, const std::function<void(Json&)>& edit,
                         const std::string& field, const std::string& id = "NNADC-DES-001",
                         const std::string& command = "eval") {
  const auto dir = nnadc::test::scratchDir("numbers_" + name);
  const fs::path design = corrupt(dir, name + ".json", edit);
  expectRefused(command + " --design " + design.string(), dir / "out.json", id,
                {name + ".json", "field '" + field});
}

}  // namespace

TEST_SUITE("faults") {
  TEST_CASE("EvalRefusesNanVariationSigma") {
    const auto dir = nnadc::test::scratchDir("numbers_sigma_nan");
    expectRefused("eval --design " + adc14().string() + " --variation-sigma nan", dir / "m.json",
                  "NNADC-CFG-003", {"field 'variation-sigma'", "nan"});
  }

  TEST_CASE("NegativeSeedIsRefusedNotWrappedTo2To64Minus1") {
    const auto dir = nnadc::test::scratchDir("numbers_seed");
    expectRefused("eval --design " + stageDesign().string() + " --seed -1", dir / "m.json",
                  "NNADC-CLI-001", {"field 'seed'", "-1", "non-negative"});
    // From a config file the same option is refused as a bad config value, naming the file.
    const fs::path config = dir / "config.json";
    std::ofstream(config) << R"({"seed": -1})";
    expectRefused("eval --design " + stageDesign().string() + " --config " + config.string(),
                  dir / "m.json", "NNADC-CFG-002", {"config.json", "seed", "-1"});
  }

  TEST_CASE("EvalRequireEnobNanIsBadInputNotAFailedCheck") {
    const auto dir = nnadc::test::scratchDir("numbers_enob_nan");
    expectRefused("eval --design " + stageDesign().string() + " --require-enob nan", dir / "m.json",
                  "NNADC-CFG-003", {"field 'require-enob'", "nan"});
  }

  TEST_CASE("FlowRefusesNegativeTrainIterations") {
    const auto dir = nnadc::test::scratchDir("numbers_flow_iterations");
    // With --design the option does not apply and is refused before any work.
    expectRefused("flow --design " + adc14().string() + " --train-iterations -5", dir / "a",
                  "NNADC-CFG-003", {"field 'train-iterations'", "-5"});
    // With --recipe the recipe's range applies.
    expectRefused("flow --recipe " +
                      (nnadc::test::sourceDir() / "training" / "stage4.json").string() +
                      " --train-iterations -5",
                  dir / "b", "NNADC-CFG-003", {"field 'iterations'", "-5"});
  }

  TEST_CASE("DesignSupplyMustBePositive") {
    for (const double vdd : {0.0, -1.2}) {
      CAPTURE(vdd);
      // emit used to write a deck with VDD = -1.2 V.
      expectDesignRefused(
          "vdd", [vdd](Json& j) { j["vdd_v"] = vdd; }, "vdd_v", "NNADC-DES-001",
          "emit --bench static");
    }
  }

  TEST_CASE("ResidueGainMustBePositive") {
    for (const double gain : {0.0, -4.0}) {
      CAPTURE(gain);
      expectDesignRefused(
          "gain", [gain](Json& j) { j["stages"][0]["residue"]["gain"] = gain; },
          "stages[0].residue.gain");
    }
  }

  TEST_CASE("AmplifierGainErrorOf1e308IsRefused") {
    expectDesignRefused(
        "gain_error", [](Json& j) { j["stages"][0]["residue"]["amplifier"]["gain_error"] = 1e308; },
        "stages[0].residue.amplifier.gain_error");
  }

  TEST_CASE("PipelineTableEntryOf1e308IsRefused") {
    expectDesignRefused(
        "table_v", [](Json& j) { j["pipeline"]["table_v"][0][0] = 1e308; }, "pipeline.table_v");
  }

  TEST_CASE("RramLevelsMustBeTheLevelsTheLevelSetBuilds") {
    SUBCASE("negative level") {
      expectDesignRefused(
          "levels_neg", [](Json& j) { j["rram"]["levels_s"][3] = -1e-6; }, "rram.levels_s");
    }
    SUBCASE("short list") {
      expectDesignRefused(
          "levels_short",
          [](Json& j) {
            Json& l = j["rram"]["levels_s"];
            l.erase(l.begin() + 4, l.end());
          },
          "rram.levels_s");
    }
    SUBCASE("table spacing that does not rise") {
      expectDesignRefused(
          "levels_table",
          [](Json& j) {
            j["rram"]["spacing"] = "table";
            j["rram"]["levels_s"][5] = j["rram"]["levels_s"][4];
          },
          "rram");
    }
  }

  TEST_CASE("DriveTableEntriesOutsideAPhysicalRangeAreRefused") {
    SUBCASE("current of 1e300 A") {
      expectDesignRefused(
          "drive_current", [](Json& j) { j["vtc"]["drive"]["current_a"][5] = 1e300; }, "vtc.drive",
          "NNADC-VTC-002");
    }
    SUBCASE("voltage of 1e300 V") {
      expectDesignRefused(
          "drive_vin", [](Json& j) { j["vtc"]["drive"]["vin"].back() = 1e300; }, "vtc.drive",
          "NNADC-VTC-002");
    }
  }

  TEST_CASE("MalformedDecoderTableEntriesAreRefused") {
    SUBCASE("entry that is not a [word, level] pair") {
      expectDesignRefused(
          "decoder_short", [](Json& j) { j["stages"][0]["decoder"]["table"][0] = {0}; },
          "stages[0].decoder.table");
    }
    SUBCASE("word wider than the stage's outputs") {
      expectDesignRefused(
          "decoder_word",
          [](Json& j) {
            j["stages"][0]["decoder"]["table"][0] = {99999999, 0};
          },
          "stages[0].decoder.table");
    }
  }

  TEST_CASE("NonInvertingVtcIsRefusedByEveryCommand") {
    const auto rising = [](Json& j) {
      Json& vtc = j["vtc"];
      Json vout = Json::array();
      for (const Json& v : vtc["vin"]) vout.push_back(0.5 * v.get<double>() + 0.3);
      vtc["vout"] = vout;
    };
    for (const char* command : {"eval", "emit --bench static", "sim --bench static --points 16"}) {
      CAPTURE(command);
      expectDesignRefused("noninverting", rising, "vtc.vout", "NNADC-VTC-001", command);
    }
  }

  TEST_CASE("PipelineOnlyOptionsAreRefusedForASingleStage") {
    const auto dir = nnadc::test::scratchDir("numbers_single_stage");
    expectRefused("eval --design " + stageDesign().string() + " --variation-sigma 0.01",
                  dir / "a.json", "NNADC-CFG-003", {"field 'variation-sigma'", "single stage"});
    expectRefused("eval --design " + stageDesign().string() + " --transfer log2", dir / "b.json",
                  "NNADC-CFG-003", {"field 'transfer'", "single stage"});
  }

  TEST_CASE("AxtrainHiddenSizeIsRangeCheckedNotABadAlloc") {
    const auto dir = nnadc::test::scratchDir("numbers_axtrain_hidden");
    expectRefused("axtrain --synthetic 200 --hidden 100000000", dir / "a.json", "NNADC-AXT-006",
                  {"field 'hidden'", "100000000"});
    expectRefused("axtrain --synthetic 200 --hidden 8192,8192", dir / "b.json", "NNADC-AXT-006",
                  {"field 'hidden'", "8192 x 8192"});
  }

  TEST_CASE("MetricsAnalysesAOneBitRecord") {
    const auto dir = nnadc::test::scratchDir("numbers_one_bit");
    const fs::path codes = dir / "codes.csv";
    {
      // A coherent sine (7 cycles in 1024 samples) through a 1-bit quantiser.
      std::ofstream out(codes);
      for (int i = 0; i < 1024; ++i)
        out << (std::sin(2.0 * std::numbers::pi * 7.0 * i / 1024.0) > 0 ? 1 : 0) << '\n';
    }
    const fs::path m = dir / "m.json";
    const auto r =
        runCommand(cli("metrics --codes " + codes.string() + " --bits 1 -o " + m.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const Json j = nnadc::io::loadJsonFile(m);
    CHECK(j["bits"] == 1);
    CHECK(j["enob"].is_number());
    // No code lies between the two edge bins: DNL and INL are not applicable (null).
    CHECK(j["dnl_lsb_min"].is_null());
    CHECK(j["inl_lsb_max"].is_null());
    CHECK(has(r.output, "DNL and INL are not defined"));
  }
}
