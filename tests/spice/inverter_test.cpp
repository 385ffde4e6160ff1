#include "nnadc/spice/inverter.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "../test_paths.h"
#include "nnadc/core/error.h"

TEST_SUITE("spice") {
  TEST_CASE("DefaultDeckInlinesTheShippedModelsAndSweepsToVdd") {
    const std::string deck = nnadc::spice::inverterDcDeck({}, {});
    CHECK(deck.find(".model nmos130 nmos level=54") != std::string::npos);
    CHECK(deck.find(".model pmos130 pmos level=54") != std::string::npos);
    // Self-contained: no card refers to a model file.
    CHECK(deck.find("\n.lib") == std::string::npos);
    CHECK(deck.find("\n.include") == std::string::npos);
    CHECK(deck.find("mp out in vdd vdd pmos130 w=6e-07 l=1.3e-07") != std::string::npos);
    CHECK(deck.find(".dc vin 0 1.2005 0.001") != std::string::npos);
    CHECK(deck.substr(deck.size() - 5) == ".end\n");
  }

  TEST_CASE("UserLibraryIsReferencedByPathWithItsSection") {
    const auto dir = nnadc::test::scratchDir("userlib");
    { std::ofstream(dir / "pdk.lib") << ".lib ff\n.model n1 nmos level=54\n.endl ff\n"; }
    nnadc::spice::ModelSource source;
    source.lib_file = dir / "pdk.lib";
    source.section = "ff";
    source.nmos = "n1";
    source.pmos = "p1";
    nnadc::spice::InverterSpec spec;
    spec.subckt_devices = true;
    const std::string deck = nnadc::spice::inverterDcDeck(spec, source, false);
    CHECK(deck.find(".lib \"" + (dir / "pdk.lib").string() + "\" ff") != std::string::npos);
    CHECK(deck.find("xn out in 0 0 n1") != std::string::npos);
    // Inlining extracts just the section body.
    const std::string inlined = nnadc::spice::modelCards(source, true);
    CHECK(inlined.find(".model n1 nmos level=54") != std::string::npos);
    CHECK(inlined.find(".endl") == std::string::npos);
  }

  TEST_CASE("BadSpecsNameTheFieldAndRange") {
    nnadc::spice::InverterSpec spec;
    spec.vdd_v = -1.0;
    CHECK_THROWS_WITH_AS(spec.validate(), doctest::Contains("field 'vdd'"), nnadc::InputError);
    spec = {};
    spec.step_v = 0.5;
    CHECK_THROWS_WITH_AS(spec.validate(), doctest::Contains("NNADC-CFG-003"), nnadc::InputError);
    spec = {};
    spec.wn_m = NAN;
    CHECK_THROWS_WITH_AS(spec.validate(), doctest::Contains("field 'wn'"), nnadc::InputError);
  }

  TEST_CASE("MissingLibraryOrSectionIsAnInputError") {
    nnadc::spice::ModelSource source;
    source.lib_file = "/nonexistent/pdk.lib";
    CHECK_THROWS_WITH_AS(source.validate(), doctest::Contains("NNADC-NET-001"), nnadc::InputError);
    nnadc::spice::ModelSource shipped;
    shipped.section = "nosuchcorner";
    CHECK_THROWS_WITH_AS(nnadc::spice::modelCards(shipped, true),
                         doctest::Contains("NNADC-NET-003"), nnadc::InputError);
    shipped = {};
    shipped.nmos = "two words";
    CHECK_THROWS_WITH_AS(shipped.validate(), doctest::Contains("NNADC-NET-002"), nnadc::InputError);
  }
}
