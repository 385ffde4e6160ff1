#include "nnadc/adc/pipeline.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline_trainer.h"
#include "nnadc/core/error.h"
#include "synthetic_vtc.h"

namespace {

using nnadc::test::syntheticVtc;

nnadc::adc::Design base() {
  nnadc::adc::Design d;
  d.vtc = syntheticVtc();
  d.vdd_v = 1.2;
  return d;
}

std::vector<nnadc::adc::PipelineStagePlan> plan(const std::vector<int>& bits) {
  std::vector<nnadc::adc::PipelineStagePlan> p;
  for (const int b : bits) {
    nnadc::adc::PipelineStagePlan s;
    s.bits = b;
    s.hidden = 10;
    s.outputs = b + 1;
    p.push_back(s);
  }
  return p;
}

nnadc::adc::PipelineTrainOptions quick(int target_bits) {
  nnadc::adc::PipelineTrainOptions o;
  o.target_bits = target_bits;
  o.stage.iterations = 600;
  o.stage.eval_every = 100;
  o.training_points = 4096;
  o.calibration_points = 1 << 13;
  return o;
}

// Number of sine-ENOB bits of `model` with table `g` on a 2^12 coherent record.
double sineEnob(const nnadc::adc::PipelineModel& model, const nnadc::adc::PipelineConductances& g) {
  const auto sine = nnadc::adc::coherentSine(
      0.0, 1.2, 4096, nnadc::adc::coherentCycles(4096, nnadc::adc::kDefaultSineFraction));
  const auto codes = model.convert(g, sine);
  // Sine fit is overkill here: compare with the ideal codes of the same inputs instead.
  const int bits = model.pipeline().bits;
  double sum_sq = 0.0;
  for (Eigen::Index k = 0; k < sine.size(); ++k) {
    const double ideal = sine(k) / 1.2 * std::ldexp(1.0, bits);
    const double e = static_cast<double>(codes[static_cast<std::size_t>(k)]) + 0.5 - ideal;
    sum_sq += e * e;
  }
  return bits - std::log2(std::sqrt(sum_sq / static_cast<double>(sine.size())) * std::sqrt(12.0));
}

}  // namespace

TEST_SUITE("adc") {
  TEST_CASE("ResolutionIsBitsMinusRedundancyPlusTheLastStage") {
    CHECK(nnadc::adc::pipelineResolution({3, 3, 3, 3, 3, 3, 2}, 1) == 14);
    CHECK(nnadc::adc::pipelineResolution({2, 2, 1}, 1) == 3);
    CHECK(nnadc::adc::pipelineResolution({4, 4}, 0) == 8);
  }

  TEST_CASE("BadPlansAreRejectedWithTheirIds") {
    auto o = quick(14);
    CHECK_THROWS_WITH_AS(o.validate(plan({3, 3, 2}), 1.2), doctest::Contains("NNADC-PIP-001"),
                         nnadc::InputError);
    auto p = plan({3, 3, 3, 3, 3, 3, 2});
    p[2].hi_v = 1.5;
    CHECK_THROWS_WITH_AS(o.validate(p, 1.2), doctest::Contains("stages[2].window"),
                         nnadc::InputError);
    CHECK_THROWS_WITH_AS(o.validate({}, 1.2), doctest::Contains("NNADC-PIP-003"),
                         nnadc::InputError);
  }

  TEST_CASE("ResiduesFollowTheAmplifierEquationAndIdealCombinationInvertsThem") {
    auto o = quick(6);
    o.calibrate = false;
    const auto result = nnadc::adc::trainPipeline(plan({3, 3, 2}), o, base(), nnadc::nullLogger());
    const nnadc::adc::PipelineModel model(result.pipeline, base());
    Eigen::VectorXd x(2000);
    for (Eigen::Index k = 0; k < x.size(); ++k)
      x(k) = 1.2 * (static_cast<double>(k) + 0.5) / 2000.0;
    nnadc::adc::PipelineTrace t;
    model.trace(model.nominal(), x, t);
    const auto& st = result.pipeline.stages;
    const double step0 = 1.2 / 8;
    // Stage 0 -> 1: v1 = 0.6 + 4 (v0 - DAC(d0)) with G = 2^(3-1) for equal windows.
    CHECK(st[0].gain == doctest::Approx(4.0));
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      const double e = t.inputs(k, 0) - (t.decisions(k, 0) + 0.5) * step0;
      const double v1 = std::clamp(0.6 + 4.0 * e, 0.0, 1.2);
      CHECK(t.inputs(k, 1) == doctest::Approx(v1).epsilon(1e-12));  // same arithmetic
    }
    // With every decision inside the redundancy range, the ideal table reconstructs the input
    // up to the last stage's quantisation: |x - sum T| <= D_last / 2 / (G0 G1) + 1/2 LSB slack
    // for the last stage's own threshold errors (a quarter of its step at most when trained).
    const auto table = nnadc::adc::idealTable(result.pipeline);
    const double lsb = 1.2 / 64;
    double worst = 0.0;
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      double v = 0.0;
      for (Eigen::Index i = 0; i < 3; ++i) {
        v += table[static_cast<std::size_t>(i)][static_cast<std::size_t>(t.decisions(k, i))];
      }
      worst = std::max(worst, std::abs(v - x(k)));
    }
    CHECK(worst <= lsb);
    // Given noise values (a SPICE deck's own draws) enter each residue as input-referred errors:
    // v1 = 0.6 + 4 (v0 - DAC(d0) + n0), stage 0's decision untouched (it is taken on v0).
    Eigen::MatrixXd noise = Eigen::MatrixXd::Zero(x.size(), 3);
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      noise(k, 0) = 1e-3 * static_cast<double>(k % 7 - 3);
      noise(k, 1) = -2e-3 * static_cast<double>(k % 5 - 2);
    }
    nnadc::adc::PipelineTrace tn;
    model.trace(model.nominal(), x, tn, nullptr, &noise);
    const double step1 = (st[1].adc.shape.input_hi_v - st[1].adc.shape.input_lo_v) / 8;
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      CHECK(tn.decisions(k, 0) == t.decisions(k, 0));
      const double e0 = x(k) - (t.decisions(k, 0) + 0.5) * step0 + noise(k, 0);
      CHECK(tn.inputs(k, 1) ==
            doctest::Approx(std::clamp(0.6 + 4.0 * e0, 0.0, 1.2)).epsilon(1e-12));
      const double e1 = tn.inputs(k, 1) - st[1].adc.shape.input_lo_v -
                        (tn.decisions(k, 1) + 0.5) * step1 + noise(k, 1);
      CHECK(tn.inputs(k, 2) ==
            doctest::Approx(std::clamp(0.6 + 4.0 * e1, 0.0, 1.2)).epsilon(1e-12));
    }
    const Eigen::MatrixXd short_noise = noise.topRows(10);
    CHECK_THROWS_AS(model.trace(model.nominal(), x, tn, nullptr, &short_noise), nnadc::InputError);
  }

  TEST_CASE("ForegroundCalibrationRemovesAnAmplifierGainError") {
    // A 10 % gain error in the first residue amplifier bends the transfer; the ideal table cannot
    // know it, the least-squares table measured on a ramp can (a real pipeline's foreground
    // calibration). The plan resolves 9 bits for an 8-bit output: a calibrated estimate is off
    // the output grid, and the spare bit keeps its rounding from adding noise of its own.
    auto p = plan({3, 3, 3, 3});
    p[0].amplifier.gain_error = 0.10;
    auto o = quick(8);
    o.calibrate = false;
    const auto result = nnadc::adc::trainPipeline(p, o, base(), nnadc::nullLogger());
    nnadc::adc::PipelineModel model(result.pipeline, base());
    const auto g = model.nominal();
    const double uncalibrated = sineEnob(model, g);
    model.setTable(model.calibrate(g, 1 << 14));
    const double calibrated = sineEnob(model, g);
    MESSAGE("ENOB with the ideal table " << uncalibrated << ", calibrated " << calibrated);
    CHECK(calibrated > uncalibrated + 0.5);
    CHECK(calibrated > 7.8);  // an ideal 8-bit quantiser measures 8.0 by this definition
  }
}
