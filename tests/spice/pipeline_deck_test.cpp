// Netlists of a whole pipeline: golden decks per bench and dialect (compared textually), the
// transient plan's timing and the emitter's input errors. Regenerate the goldens with
// NNADC_UPDATE_GOLDEN=1 test_spice (netlists/README.md).
#include "nnadc/spice/pipeline_deck.h"

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

// The tiny 2-bit stage of stage_deck_test.cpp, twice: stage 0 with an amplifier residue (gain 2,
// every non-ideal term set so the goldens show them) and a calibrated decoder entry, stage 1 the
// last flash. Not trained, so the goldens do not change when training does.
nnadc::adc::Design tinyPipeline() {
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
  nnadc::adc::Design d;
  d.vdd_v = 1.2;
  d.pipeline.bits = 3;
  d.pipeline.redundancy = 1;
  nnadc::adc::PipelineStage first;
  first.adc = s;
  first.adc.decoder_table = {{3, 2}};  // word 3 read as level 2
  first.gain = 2.0;
  first.amplifier.gain_error = -0.01;
  first.amplifier.offset_v = 0.002;
  first.amplifier.a2_per_v = 0.03;
  first.amplifier.a3_per_v2 = -0.04;
  nnadc::adc::PipelineStage last;
  last.adc = s;
  d.pipeline.stages = {first, last};
  return d;
}

// The same with the paper's residue network in stage 0: 2 hidden, rows [x, VDD - x, bit_0, bit_1,
// bitb_0, bitb_1, vdd, gnd].
nnadc::adc::Design tinyNetworkPipeline() {
  auto d = tinyPipeline();
  auto& net = d.pipeline.stages[0].network;
  d.pipeline.stages[0].residue = nnadc::adc::ResidueStyle::kNetwork;
  net.hidden = 2;
  net.hidden_cells.resize(2, 8);
  net.hidden_cells << 7, 0, 3, 0, 2, 0, 1, 1,  //
      0, 5, 0, 4, 0, 6, 2, 0;
  net.output_cells.resize(1, 12);
  net.output_cells << 7, 0, 0, 3, 5, 0, 0, 0, 0, 0, 1, 2;
  return d;
}

}  // namespace

TEST_SUITE("spice") {
  TEST_CASE("TinyPipelineDecksMatchTheGoldenNetlists") {
    const auto design = tinyPipeline();
    for (const Bench bench : {Bench::kStatic, Bench::kTransient}) {
      for (const Dialect dialect : {Dialect::kNgspice, Dialect::kSpectre, Dialect::kXyce}) {
        nnadc::spice::DeckOptions options;
        options.bench = bench;
        options.dialect = dialect;
        options.points = 8;   // small decks that a reviewer can read
        options.samples = 8;  // transient: 8 held samples, one sine cycle
        nnadc::test::checkGolden(nnadc::spice::pipelineDeck(design, options),
                                 nnadc::test::goldenName("tinypipe", bench, dialect));
      }
    }
  }

  TEST_CASE("TinyResidueNetworkDecksMatchTheGoldenNetlists") {
    const auto design = tinyNetworkPipeline();
    for (const Dialect dialect : {Dialect::kNgspice, Dialect::kSpectre, Dialect::kXyce}) {
      nnadc::spice::DeckOptions options;
      options.dialect = dialect;
      options.points = 8;
      nnadc::test::checkGolden(nnadc::spice::pipelineDeck(design, options),
                               nnadc::test::goldenName("tinynet", Bench::kStatic, dialect));
    }
  }

  TEST_CASE("DecoderTreeAndResidueFollowTheModel") {
    const std::string deck = nnadc::spice::pipelineDeck(tinyPipeline(), {});
    // Binary 2-bit words with word 3 calibrated to level 2: 0 -> 0, 1 -> 1, 2 -> 2, 3 -> 2.
    CHECK(deck.find("b_d0 d0 0 v=(v(bit0_1)>0.6 ? 2 : (v(bit0_0)>0.6 ? 1 : 0))\n") !=
          std::string::npos);
    // DAC(d) = 0 + (d + 1/2) 0.3; next centre 0.6, G = 2.
    CHECK(deck.find("b_res0 vs1 0 v=min(max(0.6+2*( 0.99*(v(vs0)-(0+(v(d0)+0.5)*0.3))") !=
          std::string::npos);
    CHECK(deck.find("xstage1 vs1 vdd1 0 bit1_0 bit1_1 nnadc_stage1\n") != std::string::npos);
    CHECK(deck.find("vdd_stage1 vdd1 0 dc 1.2\n") != std::string::npos);
    // The last stage has no decoder or residue source.
    CHECK(deck.find("b_d1") == std::string::npos);
    CHECK(deck.find("b_res1") == std::string::npos);
    CHECK(nnadc::spice::designDeck(tinyPipeline(), {}) == deck);
  }

  TEST_CASE("TransientPlanReadsEachStageAtTheEndOfItsHold") {
    nnadc::spice::DeckOptions options;
    options.bench = Bench::kTransient;
    options.samples = 16;
    options.fs_hz = 1e6;
    nnadc::spice::SampleWindow window;
    window.first_sample = 4;
    window.sample_count = 3;
    window.warmup = 2;
    const auto plan = nnadc::spice::pipelinePlan(tinyPipeline(), options, window);
    REQUIRE(plan.stages == 2);
    CHECK(plan.warmup == 2);
    CHECK(plan.held_v.size() == 5);
    CHECK(plan.held_v[2] == plan.record.x_v[4]);
    // T = 1 us: stage 0 reads local sample m at (m + 1) T, stage 1 half a period later.
    // Exact up to one rounding of (m T + k T / 2).
    CHECK(plan.read_times_s[0][0] == doctest::Approx(3e-6).epsilon(1e-12));
    CHECK(plan.read_times_s[1][2] == doctest::Approx(5.5e-6).epsilon(1e-12));
    CHECK(plan.average_from_s[1] == doctest::Approx(2.5e-6).epsilon(1e-12));
    CHECK(plan.average_to_s[1] == doctest::Approx(5.5e-6).epsilon(1e-12));
    CHECK(plan.stop_s == doctest::Approx(5.5e-6).epsilon(1e-12));
    // The warm-up is cut where the record starts.
    window.first_sample = 1;
    CHECK(nnadc::spice::pipelinePlan(tinyPipeline(), options, window).warmup == 1);
  }

  TEST_CASE("PipelinesWithUnsupportedPartsAreNotEmitted") {
    auto design = tinyPipeline();
    design.pipeline.stages[0].residue = nnadc::adc::ResidueStyle::kNetwork;  // without a network
    CHECK_THROWS_WITH_AS(nnadc::spice::pipelineDeck(design, {}),
                         doctest::Contains("NNADC-NET-013]: stage 0: no residue network of 2 bit "
                                           "inputs to emit"),
                         nnadc::InputError);
    design = tinyNetworkPipeline();
    design.pipeline.stages[0].network.output_cells.setZero();
    CHECK_THROWS_WITH_AS(nnadc::spice::pipelineDeck(design, {}),
                         doctest::Contains("NNADC-NET-013]: stage 0 residue network: column res "
                                           "has no device"),
                         nnadc::InputError);
    nnadc::spice::DeckOptions stage_bench;
    stage_bench.bench = Bench::kStage;
    CHECK_THROWS_WITH_AS(nnadc::spice::pipelineDeck(tinyPipeline(), stage_bench),
                         doctest::Contains("NNADC-NET-013"), nnadc::InputError);
    design = tinyPipeline();
    design.pipeline.stages.resize(1);  // one stage: not a pipeline
    CHECK_THROWS_WITH_AS(nnadc::spice::pipelineDeck(design, {}), doctest::Contains("NNADC-NET-013"),
                         nnadc::InputError);
    nnadc::spice::SampleWindow window;
    window.first_sample = 300;  // of 256 samples
    nnadc::spice::DeckOptions transient;
    transient.bench = Bench::kTransient;
    CHECK_THROWS_WITH_AS(nnadc::spice::pipelineDeck(tinyPipeline(), transient, window),
                         doctest::Contains("field 'first-sample'"), nnadc::InputError);
  }
}
