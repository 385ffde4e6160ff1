// Decks of one Monte-Carlo die (DeckOptions::die): the die's cell conductances, its CMOS mismatch
// as BSIM4 instance parameters on written-out transistors, and its amplifiers; the nominal deck is
// untouched. The circuit-level checks (ngspice agrees with the model on a die) are in tests/sim.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>

#include "nnadc/adc/mismatch.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/core/vtc.h"
#include "nnadc/spice/lint.h"
#include "nnadc/spice/pipeline_deck.h"
#include "nnadc/spice/stage_deck.h"

using nnadc::spice::DeckOptions;

namespace {

// The tiny pipeline of pipeline_deck_test.cpp with the paper's residue network in stage 0.
nnadc::adc::Design tinyDieNetworkPipeline() {
  nnadc::adc::StageDesign s;
  s.shape.bits = 2;
  s.shape.hidden = 3;
  s.shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kBinary, 2);
  s.cells.hidden.resize(3, 4);
  s.cells.hidden << 7, 0, 3, 4,  //
      0, 7, 5, 2,                //
      4, 4, 0, 1;
  s.cells.output.resize(2, 8);
  s.cells.output << 7, 0, 3, 0, 5, 0, 1, 2,  //
      0, 6, 0, 2, 0, 7, 3, 0;
  nnadc::adc::Design d;
  // A steep tanh inverter: the model needs a curve; the decks do not read it.
  std::vector<double> vin;
  std::vector<double> vout;
  for (int i = 0; i <= 120; ++i) {
    vin.push_back(0.01 * i);
    vout.push_back(0.6 - 0.6 * std::tanh(20.0 * (0.01 * i - 0.6)));
  }
  d.vtc = nnadc::analyzeVtc(vin, vout, 1.2);
  d.pipeline.bits = 3;
  d.pipeline.redundancy = 1;
  nnadc::adc::PipelineStage first;
  first.adc = s;
  first.gain = 2.0;
  first.residue = nnadc::adc::ResidueStyle::kNetwork;
  first.network.hidden = 2;
  first.network.hidden_cells.resize(2, 8);
  first.network.hidden_cells << 7, 0, 3, 0, 2, 0, 1, 1,  //
      0, 5, 0, 4, 0, 6, 2, 0;
  first.network.output_cells.resize(1, 12);
  first.network.output_cells << 7, 0, 0, 3, 5, 0, 0, 0, 0, 0, 1, 2;
  nnadc::adc::PipelineStage last;
  last.adc = s;
  d.pipeline.stages = {first, last};
  return d;
}

nnadc::adc::MismatchCoefficients card() {
  nnadc::adc::MismatchCoefficients c;
  c.nmos = {3.5e-9, 1e-8};
  c.pmos = {4e-9, 1e-8};
  return c;
}

// The value written on the line of element `name` (first word), as a number.
double elementValue(const std::string& deck, const std::string& name, const std::string& key) {
  std::istringstream in(deck);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) != 0) continue;
    if (key.empty()) return std::stod(line.substr(line.rfind(' ') + 1));
    const auto at = line.find(" " + key + "=");
    REQUIRE(at != std::string::npos);
    return std::stod(line.substr(at + key.size() + 2));
  }
  FAIL("no element " << name);
  return 0.0;
}

}  // namespace

TEST_SUITE("spice") {
  TEST_CASE("ADieWithTheNominalConductancesWritesTheNominalDeck") {
    const auto design = tinyDieNetworkPipeline();
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    const nnadc::adc::PipelineConductances nominal = model.nominal();
    DeckOptions options;
    options.points = 8;
    const std::string reference = nnadc::spice::pipelineDeck(design, options);
    options.die = &nominal;
    CHECK(nnadc::spice::pipelineDeck(design, options) == reference);
  }

  TEST_CASE("EachCellIsWrittenAsOneOverTheDiesConductance") {
    const auto design = tinyDieNetworkPipeline();
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    nnadc::Rng rng(7);
    nnadc::rram::VariationOptions variation;
    variation.lognormal_sigma = 0.1;
    const nnadc::adc::PipelineConductances die = model.draw(variation, rng);
    DeckOptions options;
    options.points = 8;
    options.die = &die;
    const std::string deck = nnadc::spice::pipelineDeck(design, options);
    // Sub-ADC stage 0, cell (hidden 0, row x) and (output 1, row hb_2); residue network cell
    // (hidden 1, row inb) and the output cell on row vdd (column 2H + 6 = 10).
    CHECK(elementValue(deck, "r_u0_in", "") == doctest::Approx(1.0 / die.adc[0].g1(0, 0)));
    CHECK(elementValue(deck, "r_o1_hb2", "") == doctest::Approx(1.0 / die.adc[0].g2(1, 5)));
    const std::string res = deck.substr(deck.find(".subckt nnadc_res0"));
    CHECK(elementValue(res, "r_u1_inb", "") == doctest::Approx(1.0 / die.residue[0].g1(1, 1)));
    CHECK(elementValue(res, "r_res_vdd", "") == doctest::Approx(1.0 / die.residue[0].g2(0, 10)));
    // The die differs from the nominal design (10 % lognormal spread).
    CHECK(die.adc[0].g1(0, 0) != doctest::Approx(2e-5).epsilon(1e-6));
    nnadc::spice::requireNoDanglingNodes(deck, "die deck");
  }

  TEST_CASE("CmosMismatchWritesEachInvertersTransistorsWithTheirDraws") {
    const auto design = tinyDieNetworkPipeline();
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    nnadc::adc::PipelineConductances die = model.nominal();
    nnadc::adc::MismatchCoefficients c;
    c.nmos = {3.5e-9, 1e-8};
    c.pmos = {4e-9, 1e-8};
    nnadc::Rng rng(11);
    nnadc::adc::drawCmosMismatch(design, c, 1.0, rng, die);
    DeckOptions options;
    options.points = 8;
    options.die = &die;
    const std::string deck = nnadc::spice::pipelineDeck(design, options);
    nnadc::spice::requireNoDanglingNodes(deck, "die deck");
    // No shared-inverter instance is left inside the stages; every named inverter is written out.
    CHECK(deck.find("xh0 ") == std::string::npos);
    CHECK(deck.find("xo1 ") == std::string::npos);
    for (std::size_t stage = 0; stage < 2; ++stage) {
      const auto names = nnadc::adc::inverterNames(design, stage);
      REQUIRE(names.size() == die.cmos[stage].inverters.size());
      // Stage 1's h2 inside nnadc_stage1: the names repeat per subcircuit, so find it after the
      // subcircuit header.
      const std::string header = ".subckt nnadc_stage" + std::to_string(stage);
      const std::string body = deck.substr(deck.find(header));
      const auto& h2 = die.cmos[stage].inverters[nnadc::adc::InverterLayout{3, 2, 0}.h(2)];
      CHECK(elementValue(body, "mh2n", "delvto") == doctest::Approx(h2.n.dvt_v).epsilon(1e-5));
      CHECK(elementValue(body, "mh2p", "mulu0") == doctest::Approx(h2.p.beta_factor));
    }
    // Residue network: its bit buffers keep m=32 and carry their own (smaller) draws.
    const std::string res = deck.substr(deck.find(".subckt nnadc_res0"));
    const nnadc::adc::InverterLayout layout = nnadc::adc::inverterLayout(design, 0);
    CHECK(res.find("mbn0n bitb_0 out_0 gnd gnd nmos130 w=3e-07 l=1.3e-07 m=32 delvto=") !=
          std::string::npos);
    CHECK(elementValue(res, "mbn0n", "delvto") ==
          doctest::Approx(die.cmos[0].inverters[layout.bufferN(0)].n.dvt_v).epsilon(1e-5));
    CHECK(elementValue(res, "mh1p", "delvto") ==
          doctest::Approx(die.cmos[0].inverters[layout.networkH(1)].p.dvt_v).epsilon(1e-5));
  }

  TEST_CASE("ADieThatDoesNotFitTheDesignIsRefused") {
    const auto design = tinyDieNetworkPipeline();
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    nnadc::adc::PipelineConductances die = model.nominal();
    die.adc[1].g2.resize(1, 1);
    DeckOptions options;
    options.die = &die;
    CHECK_THROWS_WITH_AS((void)nnadc::spice::pipelineDeck(design, options),
                         doctest::Contains("NNADC-NET-013]: die: stage 1 conductances do not "
                                           "match the design"),
                         nnadc::InputError);
  }

  TEST_CASE("EveryBenchAndDialectWritesTheDie") {
    const auto design = tinyDieNetworkPipeline();
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    nnadc::Rng rng(21);
    nnadc::rram::VariationOptions variation;
    variation.lognormal_sigma = 0.05;
    nnadc::adc::PipelineConductances die = model.draw(variation, rng);
    nnadc::adc::drawCmosMismatch(design, card(), 1.0, rng, die);
    const auto& h1 = die.cmos[1].inverters[nnadc::adc::InverterLayout{3, 2, 0}.h(1)];
    char delvto[40];
    std::snprintf(delvto, sizeof delvto, "delvto=%.6e", h1.n.dvt_v);
    for (const auto bench : {nnadc::spice::Bench::kStatic, nnadc::spice::Bench::kTransient}) {
      for (const auto dialect : {nnadc::spice::Dialect::kNgspice, nnadc::spice::Dialect::kSpectre,
                                 nnadc::spice::Dialect::kXyce}) {
        DeckOptions options;
        options.bench = bench;
        options.dialect = dialect;
        options.points = 8;
        options.samples = 8;
        options.die = &die;
        const std::string deck = nnadc::spice::pipelineDeck(design, options);
        const std::string stage1 = deck.substr(deck.find("nnadc_stage1"));
        CHECK(stage1.find("mh1n") != std::string::npos);
        CHECK(stage1.find(delvto) != std::string::npos);
      }
    }
    // A single-stage design: its stage deck writes the die too.
    nnadc::adc::Design single = design;
    single.pipeline = nnadc::adc::singleStagePipeline(design.stage(1));
    nnadc::adc::PipelineConductances one;
    one.adc = {die.adc[1]};
    one.cmos = {die.cmos[1]};
    DeckOptions options;
    options.bench = nnadc::spice::Bench::kStage;
    options.points = 8;
    options.die = &one;
    const std::string deck = nnadc::spice::stageDeck(single, options);
    CHECK(deck.find(delvto) != std::string::npos);
    CHECK(elementValue(deck, "r_u0_in", "") == doctest::Approx(1.0 / die.adc[1].g1(0, 0)));
  }

  TEST_CASE("ADiesAmplifiersAreTheResidueSources") {
    // An MDAC die (mdac.h draws its capacitors): its gain error and per-level DAC errors replace
    // the design's amplifier in b_res0.
    auto design = tinyDieNetworkPipeline();
    design.pipeline.stages[0].residue = nnadc::adc::ResidueStyle::kAmplifier;
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    nnadc::adc::PipelineConductances die = model.nominal();
    die.amplifier = {design.pipeline.stages[0].amplifier, design.pipeline.stages[1].amplifier};
    die.amplifier[0].gain_error = -0.03;
    die.amplifier[0].dac_error_v = {0.001, -0.002, 0.0, 0.0035};
    DeckOptions options;
    options.points = 8;
    const std::string nominal = nnadc::spice::pipelineDeck(design, options);
    options.die = &die;
    const std::string deck = nnadc::spice::pipelineDeck(design, options);
    const auto line = [](const std::string& text) {  // b_res0 and its continuation lines
      std::size_t end = text.find("b_res0 ");
      const std::size_t at = end;
      while ((end = text.find('\n', end)) != std::string::npos &&
             text.compare(end + 1, 1, "+") == 0) {
        ++end;
      }
      return text.substr(at, end - at);
    };
    CHECK(line(nominal).find("0.97*") == std::string::npos);
    CHECK(line(deck).find("0.97*") != std::string::npos);
    CHECK(line(deck).find("0.0035") != std::string::npos);
    CHECK(line(deck).find("-0.002") != std::string::npos);
    // The wrong number of amplifiers is refused.
    die.amplifier.pop_back();
    CHECK_THROWS_WITH_AS((void)nnadc::spice::pipelineDeck(design, options),
                         doctest::Contains("NNADC-NET-013]: die: 1 amplifiers for 2 stages"),
                         nnadc::InputError);
  }
}
