// One Monte-Carlo die of the shipped 14-bit pipeline in ngspice (DeckOptions::die): RRAM spread
// and the card's CMOS mismatch written into the deck, its codes against the behavioural model of
// the same die. The model without the die's CMOS shifts is the control: it must agree less.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstdio>

#include "../test_paths.h"
#include "nnadc/adc/mismatch.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/mismatch_json.h"
#include "nnadc/sim/pipeline_bench.h"

TEST_SUITE("sim") {
  TEST_CASE("Adc14DieCodesInNgspiceAgreeWithTheBehaviouralModelOfTheSameDie") {
    const auto design = nnadc::io::loadDesign(nnadc::test::adc14());
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    // Die 0 of bench/mc_variation_bench (seed 1000): 1 % lognormal RRAM spread, then the card's
    // Pelgrom mismatch, from one generator.
    nnadc::Rng rng(1000);
    nnadc::rram::VariationOptions variation;
    variation.lognormal_sigma = 0.01;
    nnadc::adc::PipelineConductances die = model.draw(variation, rng);
    nnadc::adc::drawCmosMismatch(design,
                                 nnadc::io::loadMismatchCoefficients(
                                     nnadc::io::mismatchFile(design.inverter), design.inverter),
                                 1.0, rng, die);
    nnadc::sim::PoolOptions pool_options;
    pool_options.workers = 2;
    pool_options.threads_per_worker = 1;
    nnadc::sim::WorkerPool pool(pool_options);
    nnadc::spice::DeckOptions options;
    options.static_sine = true;
    options.points = 512;
    options.die = &die;
    const auto run = nnadc::sim::runPipelineStatic(pool, design, options, 1200.0);
    REQUIRE(run.codes.size() == 512);
    const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(run.x_v.data(), 512);
    const auto with_cmos = model.convert(die, x);
    auto control = die;
    control.cmos.clear();
    const auto without_cmos = model.convert(control, x);
    const auto nominal = model.convert(model.nominal(), x);
    int agree = 0;
    int agree_control = 0;
    int differs_from_nominal = 0;
    for (std::size_t p = 0; p < 512; ++p) {
      agree += run.codes[p] == with_cmos[p];
      agree_control += run.codes[p] == without_cmos[p];
      differs_from_nominal += run.codes[p] != nominal[p];
    }
    std::printf(
        "adc14 die 0 (1 %% RRAM + Pelgrom), 512-point static sine: SPICE codes agree with "
        "the die's model at %.1f %%, with the model ignoring CMOS mismatch at %.1f %%; %d "
        "codes differ from the nominal design's\n",
        100.0 * agree / 512.0, 100.0 * agree_control / 512.0, differs_from_nominal);
    // The die is really different from the nominal design (the deck carries it).
    CHECK(differs_from_nominal > 20);
    // Measured 99.6 % (94.5 % ignoring CMOS mismatch); 95 % leaves room for boundary inputs.
    CHECK(agree >= 0.95 * 512);
    CHECK(agree > agree_control);
  }
}
