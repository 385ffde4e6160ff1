// The dangling-node check (spice/lint.h): hand-written decks with known faults, and every deck
// the project writes (golden decks, the characterisation decks) must pass it.
#include "nnadc/spice/lint.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/spice/inverter.h"

namespace fs = std::filesystem;
using nnadc::spice::danglingNodes;

TEST_SUITE("spice") {
  TEST_CASE("AResistorToNowhereAndAFloatingGateAreFound") {
    const std::string deck =
        "title\n"
        "* a comment naming node zz\n"
        "v1 a 0 1\n"
        "r1 a b 1k\n"
        "r2 b\n"
        "+ c 1k   ; c goes nowhere\n"
        ".subckt inv in out vdd gnd\n"
        "mp out in vdd vdd pch w=1u l=1u\n"
        "mn out in gnd gnd nch w=1u l=1u\n"
        ".ends inv\n"
        ".subckt buf in out vdd gnd\n"
        "x1 in mid vdd gnd inv\n"
        "x2 floating out vdd gnd inv\n"
        ".ends\n"
        "xb b o a 0 buf\n"
        ".save v(o)\n"
        ".end\n";
    const auto d = danglingNodes(deck);
    REQUIRE(d.size() == 3);
    CHECK(d[0].node == "mid");  // x1 drives it, nothing reads it
    CHECK(d[0].scope == "buf");
    CHECK(d[1].node == "floating");
    CHECK(d[1].line == 13);
    CHECK(d[2].node == "c");
    CHECK(d[2].scope.empty());
    CHECK(d[2].line == 5);  // the element's first line, not its continuation
  }

  TEST_CASE("ObservedOutputsSourcedNodesAndBehaviouralInputsAreNotDangling") {
    const std::string deck =
        "title\n"
        "vclk clk 0 pulse(0 1 0 1n 1n 5n 10n)\n"  // sourced, unused: defined
        "vin in 0 0.3\n"
        "r1 in x 1k\n"
        "r2 x 0 1k\n"
        "bq q 0 v = v(x) > 0.5 ? 1 : 0\n"  // reads x, drives q
        "e1 y 0 value={2*v(q)}\n"          // VALUE form: two nodes
        "r3 y\n+ 0 1k\n"
        "r4 out y 1k\n"  // out: only r4, but printed below
        ".control\nrun\nprint v(out)\n.endc\n"
        ".end\n";
    CHECK(danglingNodes(deck).empty());
  }

  TEST_CASE("EveryDeckTheProjectWritesPasses") {
    int checked = 0;
    for (const auto& e : fs::directory_iterator(nnadc::test::sourceDir() / "netlists" / "golden")) {
      if (e.path().string().find(".ngspice.cir") == std::string::npos) continue;
      CAPTURE(e.path().string());
      CHECK(danglingNodes(nnadc::io::readTextFile(e.path())).empty());
      ++checked;
    }
    CHECK(checked >= 5);
    const nnadc::spice::InverterSpec spec;
    const nnadc::spice::ModelSource models;
    CHECK(danglingNodes(nnadc::spice::inverterDcDeck(spec, models)).empty());
    CHECK(danglingNodes(nnadc::spice::inverterDriveDeck(spec, models, true, 0.01, 0.02)).empty());
  }
}
