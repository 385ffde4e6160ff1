// Fault-injection cases: outputs (docs/reliability.md, "Outputs"). Tests run as root in CI, so a
// wrong rename would replace /dev/null itself: every case checks the node's kind afterwards.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;
using nnadc::test::runCommand;

namespace {

// A hung nnadc (a FIFO nobody reads) fails the test instead of hanging it.
constexpr int kTimeoutS = 120;

std::string timedCli(const std::string& args) {
  return "timeout " + std::to_string(kTimeoutS) + " " + nnadc::test::cli(args);
}

using nnadc::test::adc14;

std::string emitTo(const fs::path& out) {
  return timedCli("emit --design " + adc14().string() + " --bench static --quiet -o " +
                  out.string());
}

bool isCharDevice(const char* path) {
  struct stat st {};
  return ::lstat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

bool isFifo(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

using nnadc::test::has;

void writeText(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

/// A 4-bit ramp code record: every code 16 times.
fs::path rampCodes(const fs::path& dir) {
  std::string text;
  for (int i = 0; i < 256; ++i) text += std::to_string(i / 16) + "\n";
  writeText(dir / "codes.csv", text);
  return dir / "codes.csv";
}

std::string metricsArgs(const fs::path& codes) {
  return "metrics --codes " + codes.string() + " --bits 4 --record ramp --quiet";
}

// Small benches and no buildable transient (minutes for adc14; cli_flow covers it on a cut).
std::string flowArgs() {
  return "flow --design " + adc14().string() +
         " --points 256 --samples 64 --draws 0 --skip-transient --skip-buildable --workers 2 "
         "--quiet --sine-log2 10 --ramp-per-level 1";
}

/// A folder as a previous flow left it (artefact names only; contents recognisable).
void fakePreviousFlow(const fs::path& dir) {
  fs::create_directories(dir / "netlists");
  for (const char* f : {"vtc.json", "design.json", "summary.json", "transient.json"}) {
    writeText(dir / f, std::string("{\"previous\": \"") + f + "\"}\n");
  }
}

}  // namespace

TEST_SUITE("faults") {
  TEST_CASE("DevNullIsWrittenThroughAndStaysACharacterDevice") {
    const auto r = runCommand(emitTo("/dev/null"));
    CHECK_MESSAGE(r.exit_code == 0, r.output);
    CHECK(isCharDevice("/dev/null"));
  }

  TEST_CASE("DevFullIsAFailedWriteNamingThePath") {
    const auto r = runCommand(emitTo("/dev/full"));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-002]: cannot write '/dev/full'"), r.output);
    CHECK(has(r.output, "No space left on device"));
    CHECK(isCharDevice("/dev/full"));
  }

  TEST_CASE("FifoWithoutAReaderIsRefusedAtOnce") {
    const auto dir = nnadc::test::scratchDir("faults_fifo_no_reader");
    const auto fifo = dir / "out.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    const auto r = runCommand(emitTo(fifo));
    CHECK(r.exit_code == 2);  // not 124: timeout did not have to stop it
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-002]"), r.output);
    CHECK(has(r.output, "no process is reading"));
    CHECK(isFifo(fifo));
  }

  TEST_CASE("FifoWithAReaderIsWrittenThrough") {
    const auto dir = nnadc::test::scratchDir("faults_fifo_reader");
    const auto fifo = dir / "out.fifo";
    const auto got = dir / "got.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    // fd 4 is a reader before nnadc starts (opened via a read-write fd 3, closed at once so that
    // the reader sees end-of-file once nnadc closes); the result (< the pipe buffer) waits there.
    const auto r =
        runCommand("sh -c 'exec 3<>" + fifo.string() + " 4<" + fifo.string() + " 3>&-; " +
                   timedCli(metricsArgs(rampCodes(dir)) + " -o " + fifo.string()) +
                   " && cat <&4 > " + got.string() + "'");
    CHECK_MESSAGE(r.exit_code == 0, r.output);
    CHECK(isFifo(fifo));
    CHECK(nnadc::io::loadJsonFile(got)["bits"] == 4);
  }

  TEST_CASE("SymlinkIsWrittenAtItsTargetAndStaysALink") {
    const auto dir = nnadc::test::scratchDir("faults_symlink");
    fs::create_directories(dir / "real");
    writeText(dir / "real" / "deck.cir", "old\n");
    fs::create_symlink("real/deck.cir", dir / "link.cir");
    const auto r = runCommand(emitTo(dir / "link.cir"));
    CHECK_MESSAGE(r.exit_code == 0, r.output);
    CHECK(fs::is_symlink(dir / "link.cir"));
    CHECK(fs::read_symlink(dir / "link.cir") == "real/deck.cir");
    const std::string deck = nnadc::io::readTextFile(dir / "real" / "deck.cir");
    CHECK(deck.size() > 100);
    CHECK(deck != "old\n");
  }

  TEST_CASE("DanglingSymlinkIsRefused") {
    const auto dir = nnadc::test::scratchDir("faults_dangling");
    fs::create_symlink("missing/deck.cir", dir / "link.cir");
    const auto r = runCommand(emitTo(dir / "link.cir"));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-002]"), r.output);
    CHECK(has(r.output, "does not exist"));
    CHECK(fs::is_symlink(dir / "link.cir"));
    CHECK_FALSE(fs::exists(dir / "missing"));
  }

  TEST_CASE("DirectoryAsOutputIsRefused") {
    const auto dir = nnadc::test::scratchDir("faults_directory");
    fs::create_directories(dir / "out.cir");
    const auto r = runCommand(emitTo(dir / "out.cir"));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-002]"), r.output);
    CHECK(has(r.output, "a directory"));
    CHECK(fs::is_directory(dir / "out.cir"));
  }

  TEST_CASE("DashMeansStandardOutput") {
    const auto dir = nnadc::test::scratchDir("faults_stdout");
    const auto err = dir / "stderr.txt";
    // stdout alone is captured; the summary line goes to stderr.
    const auto run = [&](const std::string& args) {
      return runCommand("cd " + dir.string() + " && (" + timedCli(args + " -o -") + " 2>" +
                        err.string() + ")");
    };
    SUBCASE("metrics") {
      const auto r = run("metrics --codes " + rampCodes(dir).string() + " --bits 4 --record ramp");
      REQUIRE_MESSAGE(r.exit_code == 0, r.output);
      CHECK(nnadc::io::Json::parse(r.output)["bits"] == 4);
      CHECK(has(nnadc::io::readTextFile(err), "metrics"));
    }
    SUBCASE("emit") {
      const auto r = run("emit --design " + adc14().string() + " --bench static");
      REQUIRE_MESSAGE(r.exit_code == 0, r.output);
      CHECK(has(r.output, ".end"));
    }
    SUBCASE("eval") {
      const auto r = run("eval --design " + adc14().string() + " --quiet");
      REQUIRE_MESSAGE(r.exit_code == 0, r.output);
      CHECK(nnadc::io::Json::parse(r.output).contains("enob"));
    }
    SUBCASE("characterize") {
      const auto r = run("characterize --no-drive --quiet");
      REQUIRE_MESSAGE(r.exit_code == 0, r.output);
      CHECK(nnadc::io::Json::parse(r.output).contains("threshold_v"));
    }
    CHECK_FALSE(fs::exists(dir / "-"));
  }

  TEST_CASE("FlowRefusesStandardOutput") {
    const auto r = runCommand(timedCli(flowArgs() + " -o -"));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-005]"), r.output);
    CHECK(has(r.output, "standard output"));
  }

  TEST_CASE("OutputNamingAnInputIsRefusedBeforeAnyWork") {
    const auto dir = nnadc::test::scratchDir("faults_output_is_input");
    const auto design = dir / "d.json";
    fs::copy_file(adc14(), design);
    fs::create_symlink("d.json", dir / "alias.json");
    const auto codes = rampCodes(dir);
    writeText(dir / "deck.cir", "* deck\n.end\n");
    const auto recipe = dir / "recipe.json";
    fs::copy_file(nnadc::test::sourceDir() / "training" / "stage4.json", recipe);
    const std::string d = design.string();
    const std::string option = [&] {
      std::string o;
      SUBCASE("eval --design") { o = "eval --design " + d + " -o " + d; }
      SUBCASE("eval through a link") {
        o = "eval --design " + d + " -o " + dir.string() + "/alias.json";
      }
      SUBCASE("eval, other spelling") {
        o = "eval --design " + d + " -o " + dir.string() + "/./d.json";
      }
      SUBCASE("emit --design") { o = "emit --design " + d + " -o " + d; }
      SUBCASE("sim --design") { o = "sim --design " + d + " -o " + d; }
      SUBCASE("sim --deck") {
        o = "sim --deck " + (dir / "deck.cir").string() + " -o " + (dir / "deck.cir").string();
      }
      SUBCASE("metrics --codes") { o = metricsArgs(codes) + " -o " + codes.string(); }
      SUBCASE("train --config") {
        o = "train --config " + recipe.string() + " -o " + recipe.string();
      }
      SUBCASE("characterize --deck") {
        o = "characterize --deck " + (dir / "x.cir").string() + " -o " + (dir / "x.cir").string();
      }
      return o;
    }();
    const std::string before_design = nnadc::io::readTextFile(design);
    const std::string before_codes = nnadc::io::readTextFile(codes);
    const std::string before_recipe = nnadc::io::readTextFile(recipe);
    const auto r = runCommand(timedCli(option));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-004]"), r.output);
    CHECK(nnadc::io::readTextFile(design) == before_design);
    CHECK(nnadc::io::readTextFile(codes) == before_codes);
    CHECK(nnadc::io::readTextFile(recipe) == before_recipe);
    CHECK(nnadc::io::readTextFile(dir / "deck.cir") == "* deck\n.end\n");
    CHECK(fs::is_symlink(dir / "alias.json"));
    CHECK_FALSE(fs::exists(dir / "x.cir"));
  }

  TEST_CASE("FlowRefusesAFolderThatIsNotAFlows") {
    const auto dir = nnadc::test::scratchDir("faults_flow_foreign");
    const auto out = dir / "out";
    fs::create_directories(out);
    writeText(out / "thesis.tex", "mine\n");
    const auto r = runCommand(timedCli(flowArgs() + " -o " + out.string()));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(has(r.output, "error[NNADC-IO-005]"), r.output);
    CHECK(nnadc::io::readTextFile(out / "thesis.tex") == "mine\n");
    CHECK(std::distance(fs::directory_iterator(out), fs::directory_iterator()) == 1);
    CHECK_FALSE(fs::exists(dir / "out.incomplete"));
  }

  TEST_CASE("FlowReplacesAPreviousFlowFolderAsAWhole") {
    const auto dir = nnadc::test::scratchDir("faults_flow_replace");
    const auto out = dir / "out";
    fakePreviousFlow(out);
    const auto r = runCommand(timedCli(flowArgs() + " -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    // The previous run's transient.json is gone (this run skips the transient); the summary is
    // this run's, naming this run's artefacts.
    CHECK_FALSE(fs::exists(out / "transient.json"));
    CHECK(fs::is_regular_file(out / "static.json"));
    const auto s = nnadc::io::loadJsonFile(out / "summary.json");
    CHECK_FALSE(s.contains("previous"));
    CHECK(s["design"] == adc14().string());
    CHECK(nnadc::io::loadJsonFile(out / "static.json")["design_file"] ==
          (out / "design.json").string());
    // Nothing is left beside it: no build folder, no previous run moved aside.
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  }

  TEST_CASE("FailedFlowLeavesThePreviousFolderUntouched") {
    const auto dir = nnadc::test::scratchDir("faults_flow_failed");
    const auto out = dir / "out";
    fakePreviousFlow(out);
    // A job timeout no SPICE step can meet: the first step fails (exit 3).
    const auto r = runCommand(timedCli(flowArgs() + " --timeout 0.001 -o " + out.string()));
    CHECK(r.exit_code == 3);
    CHECK_MESSAGE(has(r.output, "error[NNADC-SIM-"), r.output);
    CHECK(has(r.output, "partial results are in '" + out.string() + ".incomplete'"));
    CHECK(nnadc::io::readTextFile(out / "summary.json") == "{\"previous\": \"summary.json\"}\n");
    CHECK(fs::exists(out / "transient.json"));
    CHECK(fs::is_directory(dir / "out.incomplete"));
  }
}
