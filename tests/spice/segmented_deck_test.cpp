// The segmented front end in the static deck (spice/segmented_deck.h, issue #16): the shipped
// 10-bit log2 design's deck is the whole converter, its comparators' dividers put the threshold
// where the model has it, and its header lists every ideal element with an estimated power.
#include "nnadc/spice/segmented_deck.h"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "../test_paths.h"
#include "nnadc/core/error.h"
#include "nnadc/io/design_json.h"
#include "nnadc/spice/lint.h"
#include "nnadc/spice/pipeline_deck.h"

namespace {

const nnadc::adc::Design& log10Design() {
  static const nnadc::adc::Design d =
      nnadc::io::loadDesign(nnadc::test::sourceDir() / "training" / "log10.design.json");
  return d;
}

std::string staticDeck(const nnadc::adc::Design& d) {
  nnadc::spice::DeckOptions o;
  o.points = 16;
  return nnadc::spice::pipelineDeck(d, o);
}

// Resistor values [ohm] by element name, read back from the deck text.
std::map<std::string, double> resistors(const std::string& deck) {
  std::map<std::string, double> out;
  std::istringstream in(deck);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, a, b;
    double ohms = 0.0;
    if (line.rfind("r_c", 0) == 0 && (words >> name >> a >> b >> ohms)) out[name] = ohms;
  }
  return out;
}

}  // namespace

TEST_SUITE("spice") {
  TEST_CASE("SegmentedStaticDeckIsTheWholeConverterDrivenByItsInput") {
    const auto& d = log10Design();
    const std::string deck = staticDeck(d);
    // The input source drives xin, not the mantissa pipeline; the multiplexer drives vs0.
    CHECK(deck.find("bvin xin 0 V = pwl(") != std::string::npos);
    CHECK(deck.find("b_mux vs0 0 v=") != std::string::npos);
    for (int j = 1; j <= 10; ++j) {
      const std::string s = std::to_string(j);
      CAPTURE(j);
      CHECK(deck.find("b_lad" + s + " tap" + s + " 0 v=") != std::string::npos);
      // Comparator j: two instances of the characterised inverter on the comparator supply.
      CHECK(deck.find("xca" + s + " cu" + s + " cb" + s + " vdd_c 0 nnadc_inv") !=
            std::string::npos);
      CHECK(deck.find("xcb" + s + " cb" + s + " cmp" + s + " vdd_c 0 nnadc_inv") !=
            std::string::npos);
    }
    CHECK(deck.find("vdd_cmp vdd_c 0 dc 1.2") != std::string::npos);
    CHECK(nnadc::spice::danglingNodes(deck).empty());
    // The transient bench stays the mantissa pipeline (no front end).
    nnadc::spice::DeckOptions t;
    t.bench = nnadc::spice::Bench::kTransient;
    t.samples = 8;
    CHECK(nnadc::spice::pipelineDeck(d, t).find("b_lad1") == std::string::npos);
  }

  TEST_CASE("SegmentedDeckHeaderListsEveryIdealElementWithItsEstimatedPower") {
    const std::string deck = staticDeck(log10Design());
    const std::string header = deck.substr(0, deck.find(".model"));
    for (const char* e : {"* ideal elements", "b_lad1..b_lad10", "b_seg", "b_mux", "b_res<i>",
                          "b_d<i>", "estimated power of the ideal front-end elements"}) {
      CAPTURE(e);
      CHECK(header.find(e) != std::string::npos);
    }
    // Ladder: 1.24 mW (stage-0 OTA) + 9 x 0.4 mW; mux: 11 switches x 8.5 uW; decoder 0.5 pJ x
    // 10 MS/s; residue amplifiers: the buildable pipeline's first five OTAs.
    std::map<std::string, double> expected = {
        {"b_lad1..b_lad10", 1.24e-3 + 9 * 0.4e-3},
        {"b_mux", 11 * 8.5e-6},
        {"b_seg", 5e-6},
        {"b_res<i>", (1.24 + 0.69 + 0.39 + 0.40 + 0.41) * 1e-3}};
    const auto estimates = nnadc::spice::idealPowerEstimates(log10Design());
    REQUIRE(estimates.size() == expected.size());
    for (const auto& e : estimates) {
      CAPTURE(e.instances);
      REQUIRE(expected.count(e.instances) == 1);
      // Sums of a few decimal figures: equal to rounding.
      CHECK(e.power_w == doctest::Approx(expected[e.instances]).epsilon(1e-12));
      CHECK(header.find(e.instances + ": ") != std::string::npos);
    }
  }

  TEST_CASE("ComparatorDividersPutTheThresholdWhereTheModelHasIt") {
    const auto& d = log10Design();
    const std::string deck = staticDeck(d);
    const auto r = resistors(deck);
    const auto comparators = nnadc::spice::segmentComparators(d);
    REQUIRE(comparators.size() == 10);
    const double vm = d.vtc.threshold_v;
    const double target = 0.8 * 1.2;  // select_fraction 0.8 of the [0, 1.2] V window, no offsets
    // The best single-cell pair of the linear 3-bit levels: 5 : 3 gives V_M 8 / 5, within 6 mV of
    // 0.96 V at V_M = 0.596 V; more cells per side can only do better.
    const double single_pair_error = std::abs(vm * 8.0 / 5.0 - target);
    for (int j = 1; j <= 10; ++j) {
      CAPTURE(j);
      // The threshold of the divider as written in the deck: parallel cells on each side.
      double top = 0.0, bottom = 0.0;
      for (const auto& [name, ohms] : r) {
        if (name.rfind("r_ct" + std::to_string(j) + "_", 0) == 0) top += 1.0 / ohms;
        if (name.rfind("r_cb" + std::to_string(j) + "_", 0) == 0) bottom += 1.0 / ohms;
      }
      REQUIRE(top > 0.0);
      REQUIRE(bottom > 0.0);
      const double threshold = vm * (top + bottom) / top;
      const auto& c = comparators[static_cast<std::size_t>(j - 1)];
      // The deck prints 12 significant digits of each resistance.
      CHECK(c.threshold_v == doctest::Approx(threshold).epsilon(1e-9));
      CHECK(c.target_v == doctest::Approx(target).epsilon(1e-12));
      CHECK(std::abs(threshold - target) <= single_pair_error + 1e-9);  // 12-digit resistances
      // Far inside the redundancy (1 - theta) w = 0.24 V.
      CHECK(std::abs(threshold - target) < 0.01);
    }
  }

  TEST_CASE("ComparatorDividersFollowTheDesignsComparatorOffsets") {
    // The stress variant's offsets (training/variants/log10_stress.json), up to -58.8 mV: each
    // divider aims at 0.96 V + its offset, and the levels reach within 10 mV of every one (a
    // fixed 5 : 3 divider would miss the -58.8 mV one by 53 mV).
    auto d = log10Design();
    const std::vector<double> offsets = {-0.0166, -0.0023, -0.01,  -0.0064, -0.0109,
                                         0.0189,  -0.0289, 0.0162, -0.0588, -0.0238};
    d.segmented->comparator_offset_v = offsets;
    const auto comparators = nnadc::spice::segmentComparators(d);
    REQUIRE(comparators.size() == offsets.size());
    for (std::size_t j = 0; j < offsets.size(); ++j) {
      CAPTURE(j);
      CHECK(comparators[j].target_v == doctest::Approx(0.96 + offsets[j]).epsilon(1e-12));
      CHECK(std::abs(comparators[j].threshold_v - (0.96 + offsets[j])) < 0.01);
    }
  }

  TEST_CASE("LinearDesignsHaveNoFrontEnd") {
    const auto d = nnadc::io::loadDesign(nnadc::test::adc14());
    CHECK_FALSE(nnadc::spice::hasSegmentedFrontEnd(d, nnadc::spice::Bench::kStatic));
    CHECK(staticDeck(d).find("b_mux") == std::string::npos);
    try {
      (void)nnadc::spice::segmentComparators(d);
      FAIL("no error");
    } catch (const nnadc::InputError& e) {
      CHECK(std::string(e.id()) == "NNADC-DES-001");
    }
  }
}
