// Fault-injection cases: ngspice input is a program (docs/reliability.md). Each runs the nnadc
// binary as a user would and checks the exit code, the error id and that no output was written.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>

#include "../run_command.h"
#include "../sim/decks.h"
#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;
using nnadc::test::CommandResult;
using nnadc::test::runCommand;

namespace {

std::string exe() { return nnadc::test::nnadcExe().string(); }

// A small deck that runs in milliseconds.
constexpr const char* kOpDeck = "* divider\nv1 a 0 1\nr1 a b 1k\nr2 b 0 1k\n.op\n";

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

bool hasId(const CommandResult& r, const std::string& id) {
  return r.output.find("error[" + id + "]") != std::string::npos;
}

double threshold(const fs::path& json) {
  return nnadc::io::loadJsonFile(json)["threshold_v"].get<double>();
}

}  // namespace

TEST_SUITE("faults") {
  TEST_CASE("HostileSpiceinitInTheWorkingDirectoryOrHomeChangesNothing") {
    const auto dir = nnadc::test::scratchDir("faults_spiceinit");
    const auto clean = dir / "clean";
    const auto hostile = dir / "hostile";
    const auto home = dir / "home";
    for (const auto& d : {clean, hostile, home}) fs::create_directories(d);
    // A .spiceinit is a program: `option temp=150` would move the inverter's threshold, `shell`
    // would run a command. nnadc's workers must read neither (libngspice 39 reads the working
    // directory's, else the passwd home's; HOME is set too in case a later ngspice uses it).
    write(hostile / ".spiceinit",
          "option temp=150\nshell touch " + nnadc::test::controlWord(dir / "ran_cwd") + "\n");
    write(home / ".spiceinit",
          "option temp=150\nshell touch " + nnadc::test::controlWord(dir / "ran_home") + "\n");
    const auto reference =
        runCommand("cd " + clean.string() + " && " + exe() + " characterize -o vtc.json");
    REQUIRE_MESSAGE(reference.exit_code == 0, reference.output);
    const auto r = runCommand("cd " + hostile.string() + " && HOME=" + home.string() + " " + exe() +
                              " characterize -o vtc.json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    // Same deck, same ngspice: bit-identical numbers, so exact equality.
    CHECK(threshold(hostile / "vtc.json") == threshold(clean / "vtc.json"));
    CHECK_FALSE(fs::exists(dir / "ran_cwd"));
    CHECK_FALSE(fs::exists(dir / "ran_home"));
    // sim --deck likewise: the .spiceinit's shell command does not run.
    write(hostile / "op.cir", kOpDeck);
    const auto s = runCommand("cd " + hostile.string() + " && HOME=" + home.string() + " " + exe() +
                              " sim --deck op.cir -o sim.json");
    CHECK_MESSAGE(s.exit_code == 0, s.output);
    CHECK_FALSE(fs::exists(dir / "ran_cwd"));
    CHECK_FALSE(fs::exists(dir / "ran_home"));
  }

  TEST_CASE("ShellInAControlBlockOrACommandIsRefusedUnlessAllowed") {
    const auto dir = nnadc::test::scratchDir("faults_shell");
    const auto deck = dir / "shell.cir";
    const auto out = dir / "out.json";
    const auto marker = dir / "ran";
    write(deck, std::string(kOpDeck) + ".control\nrun\nshell touch " +
                    nnadc::test::controlWord(marker) + "\n.endc\n.end\n");
    SUBCASE("in the deck's .control block") {
      const auto r = runCommand(exe() + " sim --deck " + deck.string() + " -o " + out.string());
      CHECK_MESSAGE(r.exit_code == 2, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-NET-021"), r.output);
      CHECK(r.output.find(deck.string() + "' line 8") != std::string::npos);
      CHECK_FALSE(fs::exists(out));
      CHECK_FALSE(fs::exists(marker));
    }
    SUBCASE("in a --command") {
      write(deck, kOpDeck);
      const auto r =
          runCommand(exe() + " sim --deck " + deck.string() + " -o " + out.string() +
                     " --command 'shell touch " + nnadc::test::controlWord(marker) + "'");
      CHECK_MESSAGE(r.exit_code == 2, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-NET-021"), r.output);
      CHECK_FALSE(fs::exists(out));
      CHECK_FALSE(fs::exists(marker));
    }
    SUBCASE("--allow-shell runs it") {
      const auto r = runCommand(exe() + " sim --deck " + deck.string() + " -o " + out.string() +
                                " --allow-shell");
      CHECK_MESSAGE(r.exit_code == 0, r.output);
      CHECK(fs::exists(out));
      CHECK(fs::exists(marker));
    }
  }

  TEST_CASE("NgspiceRequestedExitGivesNgspicesReason") {
    const auto dir = nnadc::test::scratchDir("faults_exit_reason");
    const auto out = dir / "out.json";
    struct Case {
      const char* name;
      std::string deck;
      const char* reason;  // a phrase of ngspice's own message
    };
    const Case cases[] = {
        {"garbage", "* garbage\n.subckt x a\n.subckt y b\n.end\n", "subckt"},
        {"quote in the model path", "* q\n.lib '/no/such\"dir/m.lib' tt\nr1 a 0 1\n.op\n.end\n",
         "/no/such"},
    };
    SUBCASE("a model library that is not a model file") {
      write(dir / "not_a_model.lib", "this is not a model card\n.param x=\n");
      const auto r =
          runCommand(exe() + " characterize --model-lib " + (dir / "not_a_model.lib").string() +
                     " --nmos n1 --pmos p1 -o " + out.string());
      CHECK_MESSAGE(r.exit_code == 3, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-SIM-006"), r.output);
      CHECK_MESSAGE(r.output.find(".param x=") != std::string::npos, r.output);
      CHECK_FALSE(fs::exists(out));
    }
    for (const Case& c : cases) {
      CAPTURE(c.name);
      write(dir / "deck.cir", c.deck);
      const auto r =
          runCommand(exe() + " sim --deck " + (dir / "deck.cir").string() + " -o " + out.string());
      CHECK_MESSAGE(r.exit_code == 3, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-SIM-006"), r.output);
      CHECK_MESSAGE(r.output.find(c.reason) != std::string::npos, r.output);
      CHECK_FALSE(fs::exists(out));
    }
  }

  TEST_CASE("AnEmptyDeckOrADirectoryIsBadInputNamingThePath") {
    const auto dir = nnadc::test::scratchDir("faults_empty_deck");
    const auto out = dir / "out.json";
    SUBCASE("empty") {
      write(dir / "empty.cir", "\n* only a comment\n\n");
      const auto r =
          runCommand(exe() + " sim --deck " + (dir / "empty.cir").string() + " -o " + out.string());
      CHECK_MESSAGE(r.exit_code == 2, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-NET-022"), r.output);
      CHECK(r.output.find((dir / "empty.cir").string()) != std::string::npos);
    }
    SUBCASE("a directory") {
      const auto r = runCommand(exe() + " sim --deck " + dir.string() + " -o " + out.string());
      CHECK_MESSAGE(r.exit_code == 2, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-IO-001"), r.output);
      CHECK(r.output.find(dir.string() + "'") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(out));
  }

  TEST_CASE("ADeckThatGrowsWithoutEndStopsAtTheWorkerMemoryLimit") {
#if defined(__SANITIZE_ADDRESS__)
    // The limit is not applied under AddressSanitizer (its shadow memory needs terabytes of
    // address space); the deck would grow until the timeout.
    MESSAGE("skipped: AddressSanitizer build, no worker memory limit");
#else
    const auto dir = nnadc::test::scratchDir("faults_memory");
    const auto out = dir / "out.json";
    write(dir / "zero.cir", "* grows\n.include /dev/zero\nr1 a 0 1\n.op\n.end\n");
    const auto r = runCommand(exe() + " sim --deck " + (dir / "zero.cir").string() + " -o " +
                              out.string() + " --worker-memory-mib 512 --timeout 120");
    CHECK_MESSAGE(r.exit_code == 3, r.output);
    CHECK_MESSAGE(hasId(r, "NNADC-SIM-015"), r.output);
    CHECK(r.output.find("512 MiB") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    // The option is range-checked like every pool option.
    const auto bad = runCommand(exe() + " sim --deck " + (dir / "zero.cir").string() + " -o " +
                                out.string() + " --worker-memory-mib 1");
    CHECK_MESSAGE(bad.exit_code == 2, bad.output);
    CHECK_MESSAGE(hasId(bad, "NNADC-SIM-007"), bad.output);
    CHECK_FALSE(fs::exists(out));
#endif
  }

  TEST_CASE("AWorkerKilledMidRunIsRetriedOnceThenBothReasonsAreGiven") {
    const auto dir = nnadc::test::scratchDir("faults_retry");
    const auto out = dir / "out.json";
    const auto marker = dir / "killed_once";
    SUBCASE("killed once: the retry succeeds") {
      // Kills its worker's process group on the first run only.
      write(dir / "once.cir", std::string(kOpDeck) + nnadc::test::killOnceControl(dir) + ".end\n");
      const auto r = runCommand(exe() + " sim --deck " + (dir / "once.cir").string() + " -o " +
                                out.string() + " --allow-shell");
      CHECK_MESSAGE(r.exit_code == 0, r.output);
      CHECK(fs::exists(marker));
      CHECK(fs::exists(out));
    }
    SUBCASE("killed every time: fails naming both attempts") {
      write(dir / "always.cir", std::string(kOpDeck) + ".control\nshell kill -9 0\n.endc\n.end\n");
      const auto r = runCommand(exe() + " sim --deck " + (dir / "always.cir").string() + " -o " +
                                out.string() + " --allow-shell");
      CHECK_MESSAGE(r.exit_code == 3, r.output);
      CHECK_MESSAGE(hasId(r, "NNADC-SIM-011"), r.output);
      CHECK(r.output.find("second attempt") != std::string::npos);
      CHECK(r.output.find("the first:") != std::string::npos);
      CHECK_FALSE(fs::exists(out));
    }
  }

  TEST_CASE("AnEmittedDeckRunsUnderPlainNgspiceBatch") {
    const auto dir = nnadc::test::scratchDir("faults_emit_batch");
    const auto deck = dir / "stage.cir";
    const auto design = nnadc::test::adc14();
    const auto e = runCommand(exe() + " emit --design " + design.string() +
                              " --bench static --points 4 -o " + deck.string());
    REQUIRE_MESSAGE(e.exit_code == 0, e.output);
    const std::string text = nnadc::io::readTextFile(deck);
    CHECK(text.find("* run: ngspice -b") != std::string::npos);
    const auto r = runCommand("cd " + dir.string() + " && " + nnadc::test::ngspiceExe().string() +
                              " -b " + deck.string());
    CHECK_MESSAGE(r.exit_code == 0, r.output);
    // ngspice prints the .print table: a header naming the first saved vector, then the rows.
    CHECK_MESSAGE(r.output.find("Index") != std::string::npos, r.output);
  }
}
