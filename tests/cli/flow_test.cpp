// Issue 6 on the shipped 14-bit design: `nnadc sim --design` of the pipelined converter in SPICE
// against the behavioural model, and `nnadc flow` end to end. The full-size measurements are
// the slow "Shipped*" cases (ctest cli_shipped_designs); the flow's contract runs small.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"
#include "report_check.h"

namespace fs = std::filesystem;
using nnadc::test::runCommand;

namespace {

using nnadc::test::cli;

using nnadc::test::adc14;

fs::path shippedCalibration() {
  return nnadc::test::sourceDir() / "training" / "adc14.buildable_calibration.json";
}

// Stage 0 of the shipped design followed by its last stage (a flash): a 5-bit pipeline the
// buildable bench simulates in seconds. Its table is the ideal one: stage 0's level centres
// (d + 1/2) VDD / 8, the flash's steps of VDD / 32 around 0.
fs::path twoStageCut(const fs::path& dir) {
  nnadc::io::Json d = nnadc::io::loadJsonFile(adc14());
  d["stages"] = nnadc::io::Json::array({d["stages"].front(), d["stages"].back()});
  nnadc::io::Json t0 = nnadc::io::Json::array();
  nnadc::io::Json t1 = nnadc::io::Json::array();
  for (int k = 0; k < 8; ++k) {
    t0.push_back((k + 0.5) * 1.2 / 8);
    t1.push_back((k - 3.5) * 1.2 / 32);
  }
  d["pipeline"] = {{"bits", 5}, {"redundancy", 1}, {"calibrated", false}, {"table_v", {t0, t1}}};
  const fs::path file = dir / "cut.design.json";
  nnadc::io::writeFileAtomic(file, nnadc::io::dumpJson(d));
  return file;
}

nnadc::io::Json simAdc14(const std::string& name, const std::string& args) {
  const auto out = nnadc::test::scratchDir("sim_adc14_" + name) / "metrics.json";
  const auto r = runCommand(cli("sim --design " + adc14().string() + " " + args +
                                " --workers 2 --quiet -o " + out.string()));
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return nnadc::io::loadJsonFile(out);
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("ShippedAdc14InSpiceMatchesTheModelAndReaches13Bits") {
    // Must-show of issue 6. Ramp: 4096 inputs, one per bin at a golden-ratio offset.
    const auto ramp = simAdc14("ramp", "--bench static --points 4096");
    MESSAGE("ramp: " << ramp["agreement"].get<double>() << " identical, "
                     << ramp["differing_codes"].get<int>() << " differ (max |d| "
                     << ramp["max_code_difference"].get<int>() << "), ENOB SPICE "
                     << ramp["ramp_enob"].get<double>() << " model "
                     << ramp["behavioural_ramp_enob"].get<double>());
    CHECK(ramp["agreement"].get<double>() >= 0.99);  // measured 0.9993
    CHECK(std::abs(ramp["ramp_enob"].get<double>() - ramp["behavioural_ramp_enob"].get<double>()) <
          0.3);
    // An ideal 14-bit quantiser scores 14.0 on this ramp (equidistributed over the codes).
    CHECK(ramp["ramp_enob"].get<double>() >= 13.0);
    CHECK(ramp["power_per_stage_w"].size() == 7);
    // Static sine: DC operating points at 4096 samples of a coherent sine, FFT ENOB.
    const auto sine = simAdc14("sine", "--bench static --static-sine --points 4096");
    MESSAGE("static sine: ENOB " << sine["enob"].get<double>() << " (model "
                                 << sine["behavioural_enob"].get<double>() << "), agreement "
                                 << sine["agreement"].get<double>());
    CHECK(sine["enob"].get<double>() >= 13.0);  // measured 13.985
    CHECK(std::abs(sine["enob"].get<double>() - sine["behavioural_enob"].get<double>()) < 0.3);
    // An independent check of the FFT: the 4-parameter sine fit.
    CHECK(sine["enob_sinefit"].get<double>() ==
          doctest::Approx(sine["enob"].get<double>()).epsilon(0.01));
    // Transient: clocked, ideal sample-and-holds, 256 samples at 10 MS/s.
    const auto tran = simAdc14("tran", "--bench transient --samples 256 --fs 1e7");
    MESSAGE("transient: ENOB " << tran["enob"].get<double>() << ", power "
                               << tran["power_w"].get<double>() << " W, Walden "
                               << tran["fom_walden_j"].get<double>() << " J, Schreier "
                               << tran["fom_schreier_db"].get<double>() << " dB");
    CHECK(tran["enob"].get<double>() >= 12.5);  // measured 13.92
    CHECK(tran["fs_hz"].get<double>() == 1e7);
    // Power is the inverters' static bias current (the RRAM dividers hold them near their
    // switching point), so the clocked transient must draw what the DC operating points of the
    // static sine draw, stage by stage: two simulations, two analyses (time average of the
    // transient supply current vs the mean of DC supply currents). 5 %: the records differ
    // (256 vs 4096 samples of the sine); measured within 1 % on equal records.
    REQUIRE(tran["power_per_stage_w"].size() == sine["power_per_stage_w"].size());
    for (std::size_t i = 0; i < tran["power_per_stage_w"].size(); ++i) {
      CAPTURE(i);
      const double p = tran["power_per_stage_w"][i].get<double>();
      CHECK(p > 1e-5);  // every stage's inverters and arrays draw current
      CHECK(p == doctest::Approx(sine["power_per_stage_w"][i].get<double>()).epsilon(0.05));
    }
    // Walden FoM by its definition, from the reported figures.
    CHECK(tran["fom_walden_j"].get<double>() ==
          doctest::Approx(tran["power_w"].get<double>() /
                          (1e7 * std::pow(2.0, tran["enob"].get<double>())))
              .epsilon(1e-6));
  }

  TEST_CASE("HandEditedPipelineDecksFailWithClearErrors") {
    // The shipped 14-bit design's static deck, edited the way a user breaks a netlist.
    const auto dir = nnadc::test::scratchDir("broken_pipeline_deck");
    const auto deck = dir / "static.cir";
    REQUIRE(runCommand(cli("emit --design " + adc14().string() +
                           " --bench static --points 8 --quiet -o " + deck.string()))
                .exit_code == 0);
    const std::string text = nnadc::io::readTextFile(deck);
    // As emitted it runs.
    CHECK(
        runCommand(cli("sim --deck " + deck.string() + " --quiet -o " + (dir / "ok.json").string()))
            .exit_code == 0);
    // A missing model: ngspice's own message, exit 3, no output file.
    std::string bad_model = text;
    for (std::size_t p = bad_model.find("pmos130 w="); p != std::string::npos;
         p = bad_model.find("pmos130 w=", p)) {
      bad_model.replace(p, 7, "pmos999");
    }
    nnadc::io::writeFileAtomic(dir / "model.cir", bad_model);
    const auto m = runCommand(
        cli("sim --deck " + (dir / "model.cir").string() + " -o " + (dir / "model.json").string()));
    CHECK(m.exit_code == 3);
    CHECK(m.output.find("error[NNADC-SIM-001]") != std::string::npos);
    CHECK(m.output.find("pmos999") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "model.json"));
    // Layer-1 cells of hidden node u_0 deleted: its inverter's gate floats. ngspice would run
    // (gmin) and return numbers; the check names the node and its subcircuit instead.
    std::string dangling;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("r_u0_", 0) != 0) dangling += line + "\n";
    }
    nnadc::io::writeFileAtomic(dir / "dangling.cir", dangling);
    const auto d = runCommand(cli("sim --deck " + (dir / "dangling.cir").string() + " -o " +
                                  (dir / "dangling.json").string()));
    CHECK(d.exit_code == 2);
    CHECK(d.output.find("error[NNADC-NET-020]") != std::string::npos);
    CHECK(d.output.find("'u_0' in subcircuit nnadc_stage0") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "dangling.json"));
    // The user can still insist.
    CHECK(runCommand(cli("sim --deck " + (dir / "dangling.cir").string() +
                         " --allow-dangling --quiet -o " + (dir / "forced.json").string()))
              .exit_code == 0);
  }

  TEST_CASE("FlowWritesEveryArtefactAndASummary") {
    const auto dir = nnadc::test::scratchDir("flow_small");
    const auto out = dir / "out";
    // The buildable converter of adc14 takes minutes: FlowHeadlinesTheBuildableConverter runs it
    // on a two-stage cut.
    const auto r = runCommand(cli("flow --design " + adc14().string() +
                                  " --points 256 --samples 64 --draws 0 --workers 2 --sine-log2 10 "
                                  "--ramp-per-level 1 --skip-buildable -o " +
                                  out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(r.output.find("flow: reference with ideal amplifiers: static ENOB") != std::string::npos);
    for (const char* f :
         {"vtc.json", "design.json", "behavioural.json", "static.json", "static_sine.json",
          "transient.json", "summary.json", "summary.md", "report.html", "netlists/inverter.cir",
          "netlists/static.cir", "netlists/static.scs", "netlists/static.xyce.cir",
          "netlists/transient.cir", "netlists/transient.scs", "netlists/transient.xyce.cir"}) {
      CHECK_MESSAGE(fs::is_regular_file(out / f), f);
    }
    const auto s = nnadc::io::loadJsonFile(out / "summary.json");
    CHECK(s["static"]["agreement"].get<double>() >= 0.95);
    CHECK(s["transient"]["power_per_stage_w"].size() == 7);
    CHECK_FALSE(fs::exists(out / "buildable.json"));
    CHECK(s["buildable"]["skipped"].get<std::string>().find("--skip-buildable") !=
          std::string::npos);
    // The survey figures the summary quotes are the ones PAPERS.md records (shared/ lies beside
    // the repository, as in CI).
    const auto papers =
        nnadc::io::readTextFile(nnadc::test::sourceDir() / ".." / "shared" / "PAPERS.md");
    std::smatch m;
    REQUIRE(std::regex_search(papers, m, std::regex(R"(envelope ~([0-9.]+) dB)")));
    CHECK(s["survey"]["schreier_envelope_db"].get<double>() == std::stod(m[1]));
    REQUIRE(std::regex_search(papers, m, std::regex(R"(pure pipeline [0-9.]+ dB / ([0-9.]+) fJ)")));
    CHECK(s["survey"]["best_pipeline_walden_j"].get<double>() ==
          doctest::Approx(std::stod(m[1]) * 1e-15));
    REQUIRE(
        std::regex_search(papers, m, std::regex(R"(pipelined-SAR\s+[0-9.]+ dB / ([0-9.]+) fJ)")));
    CHECK(s["survey"]["best_pipelined_sar_walden_j"].get<double>() ==
          doctest::Approx(std::stod(m[1]) * 1e-15));
    // One worker pool serves every SPICE step, and the reused design is parsed once.
    CHECK(s["worker_pools_started"].get<int>() == 1);
    CHECK(s["design_files_parsed"].get<int>() == 1);
    // The summary quotes the step outputs, not numbers of its own.
    const auto stat = nnadc::io::loadJsonFile(out / "static.json");
    CHECK(s["static"]["ramp_enob"] == stat["ramp_enob"]);
    // Its report.html opens offline in a browser, draws every plot and quotes these files.
    nnadc::test::checkReportInBrowser(out);
  }

  TEST_CASE("FlowHeadlinesTheBuildableConverter") {
    // The buildable converter (transistor-level MDAC, noise on) is the flow's headline; the
    // ideal-amplifier benches are labelled as the reference.
    const auto dir = nnadc::test::scratchDir("flow_buildable");
    const auto out = dir / "out";
    const auto r = runCommand(cli("flow --design " + twoStageCut(dir).string() +
                                  " --points 64 --samples 64 --draws 0 --workers 2 --sine-log2 8 "
                                  "--ramp-per-level 2 -o " +
                                  out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(r.output.find("flow: buildable converter (SPICE, noise on, 64 samples, uncalibrated): "
                        "ENOB ") != std::string::npos);
    CHECK(r.output.find("; reference with ideal amplifiers: static ENOB") != std::string::npos);
    for (const char* f : {"buildable.json", "netlists/buildable.cir", "netlists/buildable.scs",
                          "netlists/buildable.xyce.cir", "transient.json"}) {
      CHECK_MESSAGE(fs::is_regular_file(out / f), f);
    }
    const auto s = nnadc::io::loadJsonFile(out / "summary.json");
    const auto b = nnadc::io::loadJsonFile(out / "buildable.json");
    const auto& sb = s["buildable"];
    // The summary quotes the bench's result.
    CHECK(sb["enob"] == b["enob"]);
    CHECK(sb["power_w"] == b["power_w"]);
    CHECK(sb["noise"] == true);
    CHECK(sb["calibrated"] == false);
    CHECK(sb["samples"] == 64);
    // Physics: an ideal 5-bit quantiser at 0.95 of full scale has SINAD 6.02 x 5 + 1.76 +
    // 20 log10 0.95 = 31.4 dB, ENOB 4.92; noise and the sub-ADC's errors only lower it.
    CHECK(sb["enob"].get<double>() <= 4.95);
    CHECK(sb["enob"].get<double>() >= 4.6);
    // Power by kind adds up to the total, and every kind of block draws current.
    double sum = 0.0;
    for (const auto& [kind, w] : sb["power_by_kind"].items()) {
      CAPTURE(kind);
      CHECK(w.get<double>() > 0.0);
      sum += w.get<double>();
    }
    CHECK(sum == doctest::Approx(b["power_w"].get<double>()).epsilon(1e-9));
    // 0.721 / sqrt(64 / 2 - 2): the noise-bin estimate's standard error in bits.
    CHECK(sb["enob_standard_error_bits"].get<double>() ==
          doctest::Approx(10 * std::log10(std::exp(1.0)) / 6.02 / std::sqrt(30.0)));
    // The deck it simulated lists its ideal elements in the header.
    const std::string deck = nnadc::io::readTextFile(out / "netlists" / "buildable.cir");
    CHECK(deck.find("vinp/vinn: the input source") != std::string::npos);
    // summary.md: the buildable converter first, the ideal-amplifier benches labelled reference.
    const std::string md = nnadc::io::readTextFile(out / "summary.md");
    const auto head = md.find("## The buildable converter");
    const auto ref = md.find("## Reference: ideal residue amplifiers");
    CHECK(head != std::string::npos);
    CHECK(ref != std::string::npos);
    CHECK(head < ref);
    // Its report.html draws the buildable spectrum, power and FoM and quotes these files.
    const std::string html = nnadc::io::readTextFile(out / "report.html");
    CHECK(html.find("SPICE buildable converter (noise on)") != std::string::npos);
    CHECK(html.find("Power per stage and block (buildable converter)") != std::string::npos);
    CHECK(html.find("this design (buildable, SPICE)") != std::string::npos);
    CHECK(html.find("reference: ideal amplifiers") != std::string::npos);
    nnadc::test::checkReportInBrowser(out);
  }

  TEST_CASE("FlowTrainsARecipeOnItsOwnCharacterisation") {
    // --recipe: the recipe is retrained on the flow's vtc.json (not the one it names).
    const auto dir = nnadc::test::scratchDir("flow_recipe");
    const auto out = dir / "out";
    const auto r = runCommand(cli("flow --recipe " +
                                  (nnadc::test::sourceDir() / "training" / "stage4.json").string() +
                                  " --train-iterations 200 --points 256 --samples 64 --draws 0 "
                                  "--workers 2 -o " +
                                  out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const auto recipe = nnadc::io::loadJsonFile(out / "recipe.json");
    CHECK(recipe["vtc"] == "vtc.json");
    const auto design = nnadc::io::loadJsonFile(out / "design.json");
    CHECK(design["kind"] == "stage");
    const auto vtc = nnadc::io::loadJsonFile(out / "vtc.json");
    CHECK(design["vtc"]["threshold_v"] == vtc["threshold_v"]);
    CHECK_FALSE(fs::exists(out / "static_sine.json"));  // a pipeline-only bench
    const auto s = nnadc::io::loadJsonFile(out / "summary.json");
    CHECK(s["trained"] == true);
    CHECK(s["worker_pools_started"].get<int>() == 1);
    CHECK(s["design_files_parsed"].get<int>() == 0);  // trained in memory
    CHECK(s["static"]["agreement"].get<double>() >= 0.95);
  }

  TEST_CASE("FlowRejectsBadConfigurationsBeforeDoingAnything") {
    const auto dir = nnadc::test::scratchDir("flow_bad");
    const auto both = runCommand(cli("flow --design " + adc14().string() + " --recipe " +
                                     adc14().string() + " -o " + (dir / "a").string()));
    CHECK(both.exit_code == 2);
    CHECK(both.output.find("exactly one of --design") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "a"));
    const auto missing = runCommand(
        cli("flow --design " + (dir / "nope.json").string() + " -o " + (dir / "b").string()));
    CHECK(missing.exit_code == 2);
    CHECK(missing.output.find("nope.json") != std::string::npos);
    const auto points = runCommand(
        cli("flow --design " + adc14().string() + " --points 0 -o " + (dir / "c").string()));
    CHECK(points.exit_code == 2);
    CHECK(points.output.find("field 'points'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "c"));
    const auto iterations = runCommand(
        cli("flow --recipe " + (nnadc::test::sourceDir() / "training" / "stage4.json").string() +
            " --train-iterations -5 -o " + (dir / "d").string()));
    CHECK(iterations.exit_code == 2);
    CHECK(iterations.output.find("field 'iterations'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "d"));
    // A buildable calibration belongs to one design file: refused for another one (its digest),
    // for a design of another shape and with --recipe, before anything is written.
    std::string copy = nnadc::io::readTextFile(adc14());
    copy.push_back('\n');  // the same design, another file: a calibration names its bytes
    nnadc::io::writeFileAtomic(dir / "adc14_copy.json", copy);
    const auto other = runCommand(cli("flow --design " + (dir / "adc14_copy.json").string() +
                                      " --buildable-calibration " + shippedCalibration().string() +
                                      " -o " + (dir / "e").string()));
    CHECK(other.exit_code == 2);
    CHECK(other.output.find("error[NNADC-CFG-003]") != std::string::npos);
    CHECK(other.output.find("field 'calibration.design_digest'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "e"));
    const auto shape =
        runCommand(cli("flow --design " + twoStageCut(dir).string() + " --buildable-calibration " +
                       shippedCalibration().string() + " -o " + (dir / "f").string()));
    CHECK(shape.exit_code == 2);
    CHECK(shape.output.find("field 'calibration.table'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "f"));
    const auto recipe = runCommand(
        cli("flow --recipe " + (nnadc::test::sourceDir() / "training" / "adc14.json").string() +
            " --buildable-calibration " + shippedCalibration().string() + " -o " +
            (dir / "g").string()));
    CHECK(recipe.exit_code == 2);
    CHECK(recipe.output.find("field 'buildable-calibration'") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "g"));
    // A sample rate the buildable deck's timing cannot follow: refused before any work, naming
    // --fs (the deck's non-overlap of 2.5 ns does not fit in a 5 ns period's phases).
    const auto fast = runCommand(
        cli("flow --design " + adc14().string() + " --fs 2e8 -o " + (dir / "i").string()));
    CHECK(fast.exit_code == 2);
    CHECK(fast.output.find("the buildable converter at fs = 2e+08 Hz (--fs") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "i"));
    CHECK_FALSE(fs::exists(dir / "i.incomplete"));
  }
}
