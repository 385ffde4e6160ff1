// Netlists of a trained stage (issue 6): golden decks per bench and dialect, compared textually,
// and the emitter's input errors. Regenerate the goldens with NNADC_UPDATE_GOLDEN=1 test_spice
// (netlists/README.md).
#include "nnadc/spice/stage_deck.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../test_paths.h"
#include "golden.h"
#include "nnadc/core/error.h"

namespace fs = std::filesystem;
using nnadc::spice::Bench;
using nnadc::spice::Dialect;

namespace {

// A tiny fixed design: 2-bit binary code, 3 hidden neurons, every kind of row used, some open
// cells. Not a trained one, so the goldens do not change when training does.
nnadc::adc::Design tinyDesign() {
  nnadc::adc::Design d;
  d.vdd_v = 1.2;
  nnadc::adc::StageDesign s;
  s.shape.bits = 2;
  s.shape.hidden = 3;
  s.shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kBinary, 2);
  s.shape.vdd_v = 1.2;
  s.shape.input_lo_v = 0.0;
  s.shape.input_hi_v = 1.2;
  s.cells.hidden.resize(3, 4);
  s.cells.hidden << 7, 0, 3, 4,  //
      0, 7, 5, 2,                //
      4, 4, 0, 1;
  s.cells.output.resize(2, 8);
  s.cells.output << 7, 0, 3, 0, 5, 0, 1, 2,  //
      0, 6, 0, 2, 0, 7, 3, 0;
  d.pipeline = nnadc::adc::singleStagePipeline(s);
  return d;
}

}  // namespace

TEST_SUITE("spice") {
  TEST_CASE("TinyStageDecksMatchTheGoldenNetlists") {
    const auto design = tinyDesign();
    for (const Bench bench : {Bench::kStatic, Bench::kStage, Bench::kTransient}) {
      for (const Dialect dialect : {Dialect::kNgspice, Dialect::kSpectre, Dialect::kXyce}) {
        nnadc::spice::DeckOptions options;
        options.bench = bench;
        options.dialect = dialect;
        options.points = 8;    // small decks that a reviewer can read
        options.samples = 16;  // transient: 16 held samples, one sine cycle
        nnadc::test::checkGolden(nnadc::spice::stageDeck(design, options),
                                 nnadc::test::goldenName("tiny2b", bench, dialect));
      }
    }
  }

  TEST_CASE("EveryNonZeroCellIsOneResistorOfOneOverG") {
    const auto design = tinyDesign();
    const std::string deck = nnadc::spice::stageDeck(design, {});
    const auto& cells = design.stage(0).cells;
    const long devices = (cells.hidden.array() != 0).count() + (cells.output.array() != 0).count();
    std::istringstream in(deck);
    std::string line;
    long resistors = 0;
    while (std::getline(in, line)) resistors += line.rfind("r_", 0) == 0 ? 1 : 0;
    CHECK(resistors == devices);
    // Level 7 of the default 3-bit set is g_max = 20 uS: 50 kOhm.
    CHECK(deck.find("r_u0_in u_0 in 50000\n") != std::string::npos);
    // Level 0 (no device) writes nothing.
    CHECK(deck.find("r_u0_inb") == std::string::npos);
    CHECK(deck.find("e_inb inb gnd vdd in 1\n") != std::string::npos);
    CHECK(deck.find("xstage0 in vdd 0 bit_0 bit_1 nnadc_stage0\n") != std::string::npos);
  }

  TEST_CASE("DriverMultiplierAddsParallelInvertersWithTheSameSizes") {
    nnadc::spice::DeckOptions options;
    options.driver_multiplier = 8;
    const std::string deck = nnadc::spice::stageDeck(tinyDesign(), options);
    CHECK(deck.find("mp out in vdd vdd pmos130 w=6e-07 l=1.3e-07 m=8") != std::string::npos);
    CHECK(deck.find("xh0 u_0 h_0 vdd gnd nnadc_inv_drv") != std::string::npos);
    CHECK(deck.find("xo0 o_0 out_0 vdd gnd nnadc_inv\n") != std::string::npos);
  }

  TEST_CASE("StaticChunksCoverTheBinCentres") {
    nnadc::spice::DeckOptions options;
    options.points = 8;
    options.first_point = 2;
    options.point_count = 3;
    const std::string deck = nnadc::spice::stageDeck(tinyDesign(), options);
    // Bins of 0.15 V: centres 0.375, 0.525, 0.675, and half a step past the last.
    CHECK(deck.find(".dc vin 0.375 0.75 0.15") != std::string::npos);
    const auto x = nnadc::spice::staticInputs(tinyDesign().stage(0).shape, 8);
    CHECK(x[2] == doctest::Approx(0.375).epsilon(1e-15));  // exact up to rounding
  }

  TEST_CASE("BadNamesAndOptionsNameTheFieldAndAllowedValues") {
    CHECK_THROWS_WITH_AS(nnadc::spice::parseBench("ramp"),
                         "error[NNADC-NET-011]: field 'bench' = 'ramp' is not one of: static, "
                         "transient, stage",
                         nnadc::InputError);
    CHECK_THROWS_WITH_AS(nnadc::spice::parseDialect("hspice"),
                         "error[NNADC-NET-010]: field 'dialect' = 'hspice' is not one of: ngspice, "
                         "spectre, xyce",
                         nnadc::InputError);
    nnadc::spice::DeckOptions options;
    options.points = 0;
    CHECK_THROWS_WITH_AS(options.validate(), doctest::Contains("NNADC-NET-012"), nnadc::InputError);
    options = {};
    options.cycles = 4;
    CHECK_THROWS_WITH_AS(options.validate(), doctest::Contains("field 'cycles' = 4"),
                         nnadc::InputError);
    options = {};
    options.driver_multiplier = 0;
    CHECK_THROWS_WITH_AS(options.validate(), doctest::Contains("field 'driver-multiplier'"),
                         nnadc::InputError);
  }

  TEST_CASE("FloatingColumnsAndPipelinesAreNotEmitted") {
    auto design = tinyDesign();
    design.pipeline.stages[0].adc.cells.output.row(1).setZero();
    CHECK_THROWS_WITH_AS(nnadc::spice::stageDeck(design, {}),
                         doctest::Contains("NNADC-NET-013]: stage 0: column o_1 has no device"),
                         nnadc::InputError);
    design = tinyDesign();
    design.pipeline.stages.push_back(design.pipeline.stages[0]);  // two stages: a pipeline
    CHECK_THROWS_WITH_AS(nnadc::spice::stageDeck(design, {}), doctest::Contains("NNADC-NET-013"),
                         nnadc::InputError);
  }
}
