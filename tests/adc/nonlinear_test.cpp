// Nonlinear quantisation (issue #16): targets, their errors, and the segmented converter around
// the shipped 14-bit pipeline as its mantissa converter.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <fstream>

#include "../test_paths.h"
#include "nnadc/adc/nonlinear_target.h"
#include "nnadc/adc/segmented.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/nonlinear.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/json.h"
#include "nnadc/io/nonlinear_json.h"

namespace adc = nnadc::adc;
namespace fs = std::filesystem;

namespace {

const adc::Design& adc14() {
  static const adc::Design d = nnadc::io::loadDesign(nnadc::test::adc14());
  return d;
}

adc::Design segmented(const std::string& target, double gain_error) {
  adc::Design d = adc14();
  adc::SegmentedFrontEnd f;
  f.target = adc::namedTarget(target, 10, "test");
  f.amplifier.gain_error = gain_error;
  d.segmented = f;
  return d;
}

fs::path writeTemp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("nnadc_nonlinear_test_" + name);
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST_SUITE("adc") {
  TEST_CASE("NamedTargetsQuantiseAsTheirDefiningFormulas") {
    const double top = 1023.0;
    const auto log = adc::namedTarget("log2", 10, "test");
    const auto sq = adc::namedTarget("sqrt", 10, "test");
    const auto mu = adc::namedTarget("mu-law", 10, "test");
    CHECK(log.codes() == 1024);
    // Inputs that avoid ties (the formulas round half up, the tables put t_c in code c).
    for (int i = 0; i < 5000; ++i) {
      const double x = std::exp2(-11.0 * (1.0 - (i + 0.37) / 5000.0));
      const double lx = std::max(x, std::exp2(-10.0));
      CHECK(log.code(x) == static_cast<int>(std::round((std::log2(lx) + 10.0) / 10.0 * top)));
      CHECK(sq.code(x) == static_cast<int>(std::round(std::sqrt(x) * top)));
      CHECK(mu.code(x) ==
            static_cast<int>(std::round(std::log1p(255.0 * x) / std::log(256.0) * top)));
    }
    // The log code's smallest step is 2^-10 (2^(10/1023) - 1) of full scale, 6.6e-6 (issue #16).
    CHECK(log.width(1) == doctest::Approx(6.6e-6).epsilon(0.01));
  }

  TEST_CASE("BadTargetTablesNameTheFileAndField") {
    SUBCASE("not monotone") {
      const auto p = writeTemp("down.csv", "# levels\n0.1, 0.3\n0.2\n");
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadTargetTable(p), doctest::Contains("NNADC-NLQ-001"),
                           nnadc::InputError);
      const std::string where = p.string() + "': thresholds[2]";
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadTargetTable(p), doctest::Contains(where.c_str()),
                           nnadc::InputError);
    }
    SUBCASE("outside the window") {
      const auto p = writeTemp("out.json", R"({"thresholds": [0.25, 0.5, 1.5]})");
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadTargetTable(p), doctest::Contains("NNADC-NLQ-002"),
                           nnadc::InputError);
    }
    SUBCASE("no codes") {
      const auto p = writeTemp("empty.csv", "# nothing\n");
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadTargetTable(p), doctest::Contains("NNADC-NLQ-003"),
                           nnadc::InputError);
    }
    SUBCASE("a good table reads back") {
      const auto p = writeTemp("good.csv", "0.125\n0.25 0.5\n");
      const auto t = nnadc::io::loadTargetTable(p);
      CHECK(t.codes() == 4);
      CHECK(t.code(0.3) == 2);
    }
  }

  TEST_CASE("APlanWithTooFewMantissaCodesForTheTargetIsRejected") {
    adc::SegmentedFrontEnd f;
    f.target = adc::namedTarget("log2", 10, "test");
    // A log code step is 0.68 % of its octave's lower edge; the chosen tap sits in
    // [0.4, 0.8) of the window, so steps of 0.27 % of it need 4 steps of 2^-B <= 0.0068 * 0.4.
    CHECK_THROWS_WITH_AS(adc::validateSegmented(f, 9, "recipe"), doctest::Contains("NNADC-NLQ-003"),
                         nnadc::InputError);
    CHECK_NOTHROW(adc::validateSegmented(f, 11, "recipe"));
  }

  TEST_CASE("TargetSweepGivesEveryCodeTheSameNumberOfInputs") {
    const auto t = adc::namedTarget("log2", 6, "test");
    const auto x = adc::targetSweep(t, 8);
    std::vector<int> count(64, 0);
    for (const double v : x) ++count[static_cast<std::size_t>(t.code(v))];
    // Inner codes 8 each; code 0 (2^-5.9 of the window wide, far more than code 1) 8 beside its
    // transition and 8 below; the last code spans 1 - 2^(-6/126) = 0.032 of the window, less
    // than its neighbour's 0.063, so its 8 reach the window's edge.
    for (std::size_t c = 1; c < 63; ++c) CHECK(count[c] == 8);
    CHECK(count[0] == 16);
    CHECK(count[63] == 8);
    CHECK(std::is_sorted(x.begin(), x.end()));
    CHECK(x.front() > 0.0);
    CHECK(x.back() < 1.0);
  }

  TEST_CASE("ASegmentedLog2ConverterAroundTheShippedPipelineMeetsHalfAnLsb") {
    // Ideal ladder: the back end's ideal lines are exact.
    const adc::Design ideal = segmented("log2", 0.0);
    const auto r = nnadc::eval::nonlinearStudy(ideal, {16, 1 << 12});
    CHECK(r.linearity.missing_codes == 0);
    CHECK(r.linearity.max_abs_inl_lsb <= 0.5);
    // A 1 % gain error per ladder amplifier: segment k's tap is (1.01)^k 2^k x. Uncalibrated, the
    // top segments' estimate is off by up to 10 % of x, ~15 codes of 0.68 %; calibration measures
    // the gains.
    adc::Design off = segmented("log2", 0.01);
    const auto bad = nnadc::eval::nonlinearStudy(off, {16, 1 << 12});
    CHECK(bad.linearity.max_abs_inl_lsb > 5.0);
    off.segmented = adc::SegmentedConverter(off).calibrate(1 << 15);
    const auto good = nnadc::eval::nonlinearStudy(off, {16, 1 << 12});
    CHECK(good.linearity.missing_codes == 0);
    CHECK(good.linearity.max_abs_inl_lsb <= 0.5);
    for (std::size_t k = 0; k < off.segmented->scale.size(); ++k) {
      // The calibrated scale is 1 / the ladder's gain, 2^-k / 1.01^k, to the mantissa's accuracy.
      const double want = std::ldexp(std::pow(1.01, -static_cast<double>(k)), -static_cast<int>(k));
      CHECK(off.segmented->scale[k] == doctest::Approx(want).epsilon(1e-3));
    }
  }

  TEST_CASE("TheDigitalMappingOfALinearPipelineMissesLowLog2Codes") {
    // A 14-bit linear step (6.1e-5) is ~9 log codes wide at 2^-10 (issue #16's baseline).
    const auto r =
        nnadc::eval::digitalMappingStudy(adc14(), adc::namedTarget("log2", 10, "t"), {16, 1 << 12});
    CHECK(r.linearity.missing_codes > 0);
    CHECK(r.linearity.max_abs_inl_lsb > 1.0);
  }

  TEST_CASE("BadNonlinearRecipesNameTheFileAndField") {
    nnadc::io::Json recipe =
        nnadc::io::loadJsonFile(nnadc::test::sourceDir() / "training" / "log10.json");
    SUBCASE("the shipped recipe loads") {
      const auto p = writeTemp("log10.json", recipe.dump());
      const auto r = nnadc::io::loadRecipe(p, false);
      REQUIRE(r.request.segmented);
      CHECK(r.request.segmented->target.codes() == 1024);
    }
    SUBCASE("too few mantissa codes for the plan") {
      recipe["target_bits"] = 9;
      const auto p = writeTemp("log10_short.json", recipe.dump());
      const std::string where = p.string() + "': field 'nonlinear'";
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadRecipe(p, false),
                           doctest::Contains("NNADC-NLQ-003"), nnadc::InputError);
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadRecipe(p, false), doctest::Contains(where.c_str()),
                           nnadc::InputError);
    }
    SUBCASE("a table outside the window") {
      const auto table = writeTemp("wide.csv", "0.001\n0.5\n1.2\n");
      recipe["nonlinear"].erase("target");
      recipe["nonlinear"].erase("bits");
      recipe["nonlinear"]["table"] = table.string();
      const auto p = writeTemp("log10_table.json", recipe.dump());
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadRecipe(p, false),
                           doctest::Contains("NNADC-NLQ-002"), nnadc::InputError);
    }
    SUBCASE("a stage whose target has another number of codes") {
      nnadc::io::Json stage =
          nnadc::io::loadJsonFile(nnadc::test::sourceDir() / "training" / "log4stage.json");
      stage["bits"] = 3;
      stage["outputs"] = 0;
      const auto p = writeTemp("log4stage.json", stage.dump());
      CHECK_THROWS_WITH_AS((void)nnadc::io::loadRecipe(p, false),
                           doctest::Contains("NNADC-NLQ-003"), nnadc::InputError);
    }
  }

  TEST_CASE("AStageTargetSetsTheIdealLevelsTheTrainerLearns") {
    adc::StageShape shape;
    shape.bits = 2;
    shape.input_lo_v = 0.2;
    shape.input_hi_v = 1.0;  // window 0.8 V
    shape.target_thresholds = {0.1, 0.2, 0.6};
    // Level boundaries at 0.2 + 0.8 t: 0.28, 0.36, 0.68 V.
    CHECK(adc::idealLevel(0.27, shape) == 0);
    CHECK(adc::idealLevel(0.30, shape) == 1);
    CHECK(adc::idealLevel(0.50, shape) == 2);
    CHECK(adc::idealLevel(0.90, shape) == 3);
    // Continuous level: linear inside each target level.
    CHECK(adc::idealContinuousLevel(0.32, shape) == doctest::Approx(1.5));
    CHECK(adc::idealContinuousLevel(0.52, shape) == doctest::Approx(2.5));
    CHECK(adc::idealContinuousLevel(1.1, shape) == doctest::Approx(4.0));
    // The training ramp: samples_per_level inputs inside every target level.
    Eigen::VectorXd x;
    std::vector<int> levels;
    adc::makeRamp(shape, 5, x, levels);
    REQUIRE(x.size() == 20);
    for (int i = 0; i < 20; ++i) {
      CHECK(levels[static_cast<std::size_t>(i)] == i / 5);
      CHECK(adc::idealLevel(x(i), shape) == i / 5);
    }
    // Without a target, the uniform quantiser as before.
    shape.target_thresholds.clear();
    CHECK(adc::idealLevel(0.50, shape) == adc::idealLevel(0.50, 0.2, 1.0, 2));
    CHECK(adc::idealContinuousLevel(0.5, shape) == doctest::Approx(1.5));
  }

  TEST_CASE("ASegmentedDesignRoundTripsThroughItsFile") {
    const auto shipped = nnadc::test::sourceDir() / "training" / "log10.design.json";
    const adc::Design d = nnadc::io::loadDesign(shipped);
    REQUIRE(d.segmented);
    CHECK(d.segmented->target.codes() == 1024);
    CHECK(d.segmented->calibrated);
    CHECK(d.segmented->scale.size() == 11);
    const nnadc::io::Json j = nnadc::io::loadJsonFile(shipped);
    const nnadc::io::Json again =
        nnadc::io::designJson(d, {}, j["recipe"], j["training"], j["metrics"]);
    CHECK(again["segmented"].dump() == j["segmented"].dump());
    CHECK(again["stages"].dump() == j["stages"].dump());
  }
}
