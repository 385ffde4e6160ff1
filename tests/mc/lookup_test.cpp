// The per-die lookup (adc::DieLookup) against the model it tabulates: the same stage decisions
// and codes as PipelineModel::trace/convert on real dies of the shipped 14-bit design.
#include <doctest/doctest.h>

#include <algorithm>

#include "../test_paths.h"
#include "nnadc/adc/convert.h"
#include "nnadc/adc/die_lookup.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/mismatch_json.h"
#include "nnadc/mc/campaign.h"

using namespace nnadc;

TEST_SUITE("mc") {
  TEST_CASE("LookupDecisionsEqualTheModelsOnVariedDies") {
    const adc::Design design = io::loadDesign(test::adc14());
    const adc::PipelineModel model(design.pipeline, design);
    mc::Recipe recipe;
    recipe.rram_sigma = 0.02;  // twice the campaign's spread: more moved thresholds
    recipe.stuck_off_rate = 0.002;
    recipe.cmos_scale = 2.0;  // and twice the card's Pelgrom mismatch: moved inverter thresholds
    recipe.cmos = io::loadMismatchCoefficients(io::mismatchFile(design.inverter), design.inverter);
    const double lo = design.pipeline.lo();
    const double hi = design.pipeline.hi();
    // A dense ramp (4 points per code) and an off-grid sine: 2^16 + 2^12 inputs.
    constexpr Eigen::Index kRamp = Eigen::Index{1} << 16;
    Eigen::VectorXd x(kRamp + 4096);
    for (Eigen::Index k = 0; k < kRamp; ++k) {
      x(k) = lo + (hi - lo) * (static_cast<double>(k) + 0.37) / static_cast<double>(kRamp);
    }
    x.tail(4096) = adc::coherentSine(lo, hi, 4096, 67);
    for (const int die : {0, 1, 7}) {
      CAPTURE(die);
      const auto g = mc::drawDie(model, design, recipe, 11, die);
      REQUIRE(!g.cmos.empty());
      const adc::DieLookup lookup(model, g);
      adc::PipelineTrace t;
      model.trace(g, x, t);
      const Eigen::MatrixXi fast = lookup.decisions(x);
      // Exactness as documented: a difference needs an input within 1e-11 V of a threshold or
      // a bubble narrower than the scan spacing; on these inputs none occurs.
      CHECK((fast.array() != t.decisions.array()).count() == 0);
      CHECK(model.codes(fast) == model.convert(g, x));
      for (std::size_t s = 0; s < design.pipeline.stages.size(); ++s) {
        // Transitions ascend inside [0, vdd], and a stage that decides anything has some (a
        // 3-bit stage has up to 7 level changes; a die at twice the spread may lose one).
        const auto& edges = lookup.transitions(s);
        CHECK(!edges.empty());
        CHECK(std::is_sorted(edges.begin(), edges.end()));
        CHECK(edges.front() > 0.0);
        CHECK(edges.back() < design.vdd_v);
      }
    }
  }

  TEST_CASE("FastAndDirectEnginesMeasureTheSameDie") {
    const adc::Design design = io::loadDesign(test::adc14());
    mc::Recipe recipe;
    recipe.rram_sigma = 0.01;
    recipe.cmos_scale = 1.0;
    recipe.cmos = io::loadMismatchCoefficients(io::mismatchFile(design.inverter), design.inverter);
    mc::BehaviouralOptions fast;
    fast.seed = 5;
    fast.sine_log2 = 12;
    fast.ramp_per_code = 2;
    fast.calibration_points = 1 << 13;
    mc::BehaviouralOptions direct = fast;
    direct.lookup = false;
    mc::BehaviouralEngine a(design, recipe, fast);
    mc::BehaviouralEngine b(design, recipe, direct);
    for (const int die : {0, 3}) {
      CAPTURE(die);
      CHECK(a.run(die) == b.run(die));
    }
  }
}
