// `nnadc sim --deck`: broken decks give a clear error naming the file and ngspice's message,
// exit code 3, and no output file (issue 2).
#include <doctest/doctest.h>

#include <fstream>

#include "../run_command.h"
#include "../sim/decks.h"
#include "../test_paths.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;
using nnadc::test::runCommand;

namespace {

struct SimRun {
  nnadc::test::CommandResult result;
  fs::path output;
};

SimRun simDeck(const std::string& name, const std::string& deck, const std::string& extra = "") {
  const auto dir = nnadc::test::scratchDir("cli_sim_" + name);
  { std::ofstream(dir / (name + ".cir")) << deck; }
  SimRun run;
  run.output = dir / "out.json";
  run.result = runCommand(nnadc::test::cli("sim --deck " + (dir / (name + ".cir")).string() +
                                           " -o " + run.output.string() + " " + extra));
  return run;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("SegmentedLog10DesignAgreesWithItsModelInSpice") {
    // Issue #16: the whole converter in ngspice (ideal ladder, transistor-level comparators,
    // multiplexer, mantissa pipeline) driven by the input, two inputs per log code (2050 DC
    // points): the SPICE codes are the model's on >= 99 % of them, and against the ideal log2
    // quantiser every code is present and every transition within 0.5 LSB (the measurement
    // resolves 1/4 LSB at two inputs per code).
    const auto dir = nnadc::test::scratchDir("cli_sim_log10");
    const auto out = dir / "log10_sim.json";
    const auto r = runCommand(nnadc::test::cli(
        "sim --design " + (nnadc::test::sourceDir() / "training" / "log10.design.json").string() +
        " --bench static --points 2048 --quiet -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const auto j = nnadc::io::loadJsonFile(out);
    CHECK(j["points"].get<int>() == 2050);
    CHECK(j["agreement"].get<double>() >= 0.99);
    // A comparator threshold a few mV from the model's moves only inputs within those mV of it.
    CHECK(j["segment_agreement"].get<double>() >= 0.95);
    CHECK(j["missing_codes"].get<int>() == 0);
    CHECK(j["max_abs_inl_lsb"].get<double>() <= 0.5);
    // The headline power is what was simulated, the sub-ADCs plus the comparators; the ideal
    // elements' estimate (ladder, decoder, multiplexer, residue amplifiers) is kept apart.
    const double sub_adcs = j["sub_adc_power_w"].get<double>();
    const double comparators = j["comparator_power_w"].get<double>();
    CHECK(sub_adcs > 0.0);
    CHECK(comparators > 0.0);
    CHECK(j["power_w"].get<double>() == doctest::Approx(sub_adcs + comparators).epsilon(1e-12));
    CHECK(j["ideal_estimates"].size() == 4);
    double estimated = 0.0;
    for (const auto& e : j["ideal_estimates"]) estimated += e["estimated_power_w"].get<double>();
    CHECK(j["ideal_estimated_power_w"].get<double>() == doctest::Approx(estimated).epsilon(1e-12));
    CHECK(j["comparators"].size() == 10);
    // The deck's ideal elements, as its header lists them, ladder and multiplexer among them.
    const auto ideal = j["ideal_elements"].dump();
    CHECK(ideal.find("b_lad1..b_lad10") != std::string::npos);
    CHECK(ideal.find("b_mux") != std::string::npos);
  }

  TEST_CASE("SimWritesTheDecksVectors") {
    const auto run = simDeck("sweep", nnadc::test::kSweepDeck, "--vectors 'v(b)'");
    REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.output);
    const auto j = nnadc::io::loadJsonFile(run.output);
    const auto& vb = j["plots"][0]["vectors"]["v(b)"]["values"];
    REQUIRE(vb.size() == 11);
    // 0.75 x 1 V through an exact divider.
    CHECK(vb[10].get<double>() == doctest::Approx(0.75).epsilon(1e-12));
    CHECK_FALSE(j["plots"][0]["vectors"].contains("v(a)"));  // filtered out
  }

  TEST_CASE("BrokenDecksExitThreeWithNgspicesMessageAndNoOutput") {
    struct Case {
      const char* name;
      const char* deck;
      const char* id;
      const char* detail;
    };
    const Case cases[] = {
        {"malformed", nnadc::test::kMalformedDeck, "error[NNADC-SIM-001]", "nosuchsubckt"},
        {"unknown_model", nnadc::test::kUnknownModelDeck, "error[NNADC-SIM-001]", "nosuchmodel"},
        {"nonconverging", nnadc::test::kNonConvergingDeck, "error[NNADC-SIM-003]",
         "Timestep too small"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      const auto run = simDeck(c.name, c.deck);
      CHECK(run.result.exit_code == 3);
      CHECK(run.result.output.find(c.id) != std::string::npos);
      CHECK(run.result.output.find(c.detail) != std::string::npos);
      CHECK(run.result.output.find(std::string(c.name) + ".cir") != std::string::npos);
      CHECK_FALSE(fs::exists(run.output));
    }
  }

  TEST_CASE("OversizeCommandExitsThree") {
    const auto run = simDeck("oversize", nnadc::test::kSweepDeck,
                             "--command \"echo " + std::string(1100, 'q') + "\"");
    CHECK(run.result.exit_code == 3);
    CHECK(run.result.output.find("error[NNADC-SIM-004]") != std::string::npos);
    CHECK_FALSE(fs::exists(run.output));
  }

  TEST_CASE("HangingDeckTimesOutWithExitThree") {
    const auto run = simDeck(
        "hang", "* hang\nr1 a 0 1k\nv1 a 0 1\n.op\n.control\nshell sleep 600\n.endc\n.end\n",
        "--timeout 1 --allow-shell");  // shell is refused by default (NNADC-NET-021)
    CHECK(run.result.exit_code == 3);
    CHECK(run.result.output.find("error[NNADC-SIM-010]") != std::string::npos);
  }

  TEST_CASE("MissingDeckFileExitsTwo") {
    const auto r =
        runCommand(nnadc::test::cli("sim --deck /nonexistent/deck.cir -o /tmp/never.json"));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("error[NNADC-IO-001]") != std::string::npos);
    CHECK(r.output.find("/nonexistent/deck.cir") != std::string::npos);
  }
}
