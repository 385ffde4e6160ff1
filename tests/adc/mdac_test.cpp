// The MDAC's behavioural model (adc/mdac.h) against closed-form circuit results: finite-gain and
// settling error, kT/C noise, capacitor-mismatch statistics; and in the shipped 14-bit pipeline:
// noise lowers the ENOB as the noise powers add, calibration absorbs capacitor mismatch.
#include "nnadc/adc/mdac.h"

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "../test_paths.h"
#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"
#include "nnadc/metrics/analysis.h"

namespace {

const nnadc::adc::Design& adc14() {
  static const nnadc::adc::Design design = nnadc::io::loadDesign(nnadc::test::adc14());
  return design;
}

double sineEnob(const nnadc::adc::Design& design, bool noise = true) {
  nnadc::eval::EvalOptions options;
  options.sine_log2 = 15;
  options.ramp_per_code = 1;
  options.noise = noise;
  return nnadc::eval::evaluate(design, options).sine.spectrum->enob;
}

}  // namespace

TEST_SUITE("adc") {
  TEST_CASE("MdacGainErrorIsFiniteGainTimesSettlingWithTheFeedbackFactorOfItsCapacitors") {
    nnadc::adc::MdacParameters p;
    p.unit_cap_f = 0.4e-12;
    p.input_cap_f = 0.2e-12;
    p.open_loop_gain = 1000.0;
    p.gbw_hz = 200e6;
    p.settle_s = 40e-9;
    const auto f = nnadc::adc::mdacFigures(p, 3, 4.0);
    // 8 x 0.4 pF sample, Cf = 3.2 pF / 4 = 0.8 pF: beta = 0.8 / (3.2 + 0.8 + 0.2).
    const double beta = 0.8 / 4.2;
    CHECK(f.feedback_cap_f == doctest::Approx(0.8e-12).epsilon(1e-12));
    CHECK(f.beta == doctest::Approx(beta).epsilon(1e-12));
    CHECK(f.finite_gain_error == doctest::Approx(-1.0 / (1.0 + 1000.0 * beta)).epsilon(1e-9));
    CHECK(f.settling_error ==
          doctest::Approx(std::exp(-2.0 * std::numbers::pi * 200e6 * beta * 40e-9)).epsilon(1e-9));
    const auto a = nnadc::adc::mdacAmplifier(p, 3, 4.0, 1.2);
    CHECK(a.gain_error ==
          doctest::Approx((1.0 + f.finite_gain_error) * (1.0 - f.settling_error) - 1.0)
              .epsilon(1e-12));
    CHECK(a.dac_error_v.empty());  // nominal capacitors: the DAC levels are exact
    CHECK_THROWS_AS(nnadc::adc::mdacFigures(p, 3, 0.5), nnadc::InputError);
    p.cap_sigma = 0.2;  // 20 %: outside [0, 0.1]
    CHECK_THROWS_WITH_AS(nnadc::adc::mdacFigures(p, 3, 4.0), doctest::Contains("mdac.cap_sigma"),
                         nnadc::InputError);
  }

  TEST_CASE("MdacNoiseIsKtOverCOfBothSidesPlusTheAmplifiersReferredToTheInput") {
    nnadc::adc::MdacParameters p;
    p.unit_cap_f = 0.4e-12;
    p.amp_noise_v_rms = 100e-6;
    p.temperature_k = 300.0;
    const auto f = nnadc::adc::mdacFigures(p, 3, 4.0);
    // sqrt(2 k T / 3.2 pF) = 50.88 uV differential (k T = 4.1419e-21 J), 25.44 uV single-ended
    // equivalent.
    CHECK(f.ktc_noise_v == doctest::Approx(25.44e-6).epsilon(1e-3));
    // 100 uV at the amplifier input is 100 uV / beta at the output, / G at the stage input;
    // beta = 0.8 / 4.0 (no input capacitance): 125 uV differential, 62.5 uV single-ended.
    CHECK(f.amp_noise_v == doctest::Approx(62.5e-6).epsilon(1e-9));
    CHECK(f.noise_v_rms == doctest::Approx(std::hypot(25.44e-6, 62.5e-6)).epsilon(1e-3));
  }

  TEST_CASE("MdacMismatchMovesEachDacLevelAndTheGainByTheirFirstOrderStandardDeviations") {
    nnadc::adc::MdacParameters p;
    p.cap_sigma = 0.01;
    p.open_loop_gain = 1e9;  // isolate the capacitors
    p.gbw_hz = 1e12;
    constexpr int kDraws = 4000;
    constexpr int kLevels = 8;
    const double window = 1.2;
    nnadc::Rng rng(11);
    std::vector<double> sum_sq(kLevels, 0.0);
    double gain_sq = 0.0;
    for (int n = 0; n < kDraws; ++n) {
      const auto a = nnadc::adc::mdacAmplifier(p, 3, 4.0, window, &rng);
      REQUIRE(a.dac_error_v.size() == kLevels);
      for (int d = 0; d < kLevels; ++d) sum_sq[d] += a.dac_error_v[d] * a.dac_error_v[d];
      gain_sq += a.gain_error * a.gain_error;
    }
    // delta_d = (Vr sigma / n) sum_k (s_k - S/n) eps_k over the n = 8 capacitors (s_k = +1 for
    // k < d, -1 for d <= k < 7, 0 for k = 7; S = sum s_k), Vr = window / 2.
    for (int d = 0; d < kLevels; ++d) {
      double s_sum = 0.0;
      std::vector<double> s(kLevels, 0.0);
      for (int k = 0; k < kLevels - 1; ++k) s_sum += s[k] = k < d ? 1.0 : -1.0;
      double var = 0.0;
      for (int k = 0; k < kLevels; ++k) var += std::pow(s[k] - s_sum / kLevels, 2);
      const double expected = 0.5 * window * p.cap_sigma / kLevels * std::sqrt(var);
      CAPTURE(d);
      // The sample standard deviation of 4000 draws is within ~1.1 % (1 sigma) of the true one.
      CHECK(std::sqrt(sum_sq[d] / kDraws) == doctest::Approx(expected).epsilon(0.05));
    }
    // Gain sum C / Cf: variance sigma^2 / n from the 8 capacitors plus sigma^2 G / n from Cf.
    CHECK(std::sqrt(gain_sq / kDraws) ==
          doctest::Approx(p.cap_sigma * std::sqrt(5.0 / kLevels)).epsilon(0.05));
  }

  TEST_CASE("ResidueNoiseAddsToTheQuantisationNoiseAsPowersDo") {
    auto design = adc14();
    const double noiseless = sineEnob(design);
    design.pipeline.stages[0].amplifier.noise_v_rms = 50e-6;
    const double noisy = sineEnob(design);
    CHECK(sineEnob(design, false) == noiseless);  // --no-noise
    // Full-scale sine: noise power (FS / 2^E)^2 / 12; stage 0's noise is referred to the input.
    const double fs = design.pipeline.hi() - design.pipeline.lo();
    const double p0 = std::pow(fs / std::exp2(noiseless), 2) / 12.0;
    const double expected = std::log2(fs / std::sqrt(12.0 * (p0 + 50e-6 * 50e-6)));
    std::printf(
        "adc14 with 50 uV rms of stage-0 noise: ENOB %.3f (noiseless %.3f, predicted %.3f)\n",
        noisy, noiseless, expected);
    CHECK(noisy == doctest::Approx(expected).epsilon(0.01));
  }

  TEST_CASE("ForegroundCalibrationAbsorbsCapacitorMismatch") {
    auto design = adc14();
    const double nominal = sineEnob(design);
    nnadc::adc::MdacParameters p;
    p.cap_sigma = 0.005;
    p.open_loop_gain = 1e9;
    p.gbw_hz = 1e12;
    nnadc::Rng rng(5);
    auto& stages = design.pipeline.stages;
    for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
      const auto& s = stages[i].adc.shape;
      stages[i].amplifier =
          nnadc::adc::mdacAmplifier(p, s.bits, stages[i].gain, s.input_hi_v - s.input_lo_v, &rng);
    }
    design.pipeline.table = nnadc::adc::idealTable(design.pipeline);
    const double before = sineEnob(design);
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    design.pipeline.table = model.calibrate(model.nominal(), 1 << 16);
    const double after = sineEnob(design);
    // The same through a dense ramp: each code against its input's ideal continuous code.
    const nnadc::adc::PipelineModel calibrated(design.pipeline, design);
    constexpr int kRamp = 1 << 16;
    Eigen::VectorXd x(kRamp);
    std::vector<double> xv(kRamp);
    for (int k = 0; k < kRamp; ++k) xv[k] = x(k) = 1.2 * (k + 0.5) / kRamp;
    const double ramp = nnadc::eval::inputsEnob(calibrated.convert(calibrated.nominal(), x), xv,
                                                0.0, 1.2, design.pipeline.bits);
    std::printf(
        "adc14 with 0.5 %% unit-capacitor mismatch: sine ENOB %.3f with the ideal table, "
        "%.3f calibrated (ramp %.3f; nominal %.3f)\n",
        before, after, ramp, nominal);
    // A 0.5 % unit capacitor moves stage 0's DAC levels by ~1 mV rms, ~13 LSB at 14 bits.
    CHECK(before < nominal - 3.0);
    // Calibration makes the digital estimate exact to the back end's 15-bit grid; rounding that
    // misaligned grid to 14 bits costs ~0.15 bit on the ramp. The sine loses more (measured
    // 13.25), which is not understood yet (docs/buildable.md).
    CHECK(ramp > nominal - 0.25);
    CHECK(after > nominal - 1.0);
  }

  TEST_CASE("AnMdacStageRoundTripsThroughTheDesignFile") {
    auto design = adc14();
    auto& stage = design.pipeline.stages[0];
    nnadc::adc::MdacParameters p;
    p.cap_sigma = 0.002;
    p.amp_noise_v_rms = 80e-6;
    nnadc::Rng rng(2);
    stage.mdac = p;
    stage.amplifier = nnadc::adc::mdacAmplifier(p, 3, stage.gain, 1.2, &rng);
    const auto dir = nnadc::test::scratchDir("mdac_roundtrip");
    const auto file = dir / "design.json";
    nnadc::io::writeFileAtomic(file,
                               nnadc::io::dumpJson(nnadc::io::designJson(design, {}, {}, {}, {})));
    const auto back = nnadc::io::loadDesign(file);
    const auto& a = back.pipeline.stages[0].amplifier;
    CHECK(a.gain_error == stage.amplifier.gain_error);
    CHECK(a.noise_v_rms == stage.amplifier.noise_v_rms);
    CHECK(a.dac_error_v == stage.amplifier.dac_error_v);
    REQUIRE(back.pipeline.stages[0].mdac.has_value());
    CHECK(back.pipeline.stages[0].mdac->cap_sigma == 0.002);
    CHECK(back.pipeline.stages[0].mdac->amp_noise_v_rms == 80e-6);
    CHECK_FALSE(back.pipeline.stages[1].mdac.has_value());
  }

  TEST_CASE("AMonteCarloDieDrawsItsOwnMdacCapacitorsAndRecalibrationAbsorbsThem") {
    auto design = adc14();
    nnadc::adc::MdacParameters p;
    p.cap_sigma = 0.005;
    p.open_loop_gain = 1e9;
    p.gbw_hz = 1e12;
    for (std::size_t i = 0; i + 1 < design.pipeline.stages.size(); ++i) {
      design.pipeline.stages[i].mdac = p;  // nominal amplifier stays ideal
    }
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    CHECK(model.nominal().amplifier.empty());
    nnadc::rram::VariationOptions rram;
    rram.lognormal_sigma = 0.0;  // capacitors only
    nnadc::Rng a(21);
    nnadc::Rng b(21);
    const auto die = model.draw(rram, a);
    REQUIRE(die.amplifier.size() == design.pipeline.stages.size());
    // Die k is the same die whatever draws it: same seed, same capacitors.
    CHECK(model.draw(rram, b).amplifier[0].dac_error_v == die.amplifier[0].dac_error_v);
    CHECK(die.amplifier[0].dac_error_v != die.amplifier[1].dac_error_v);
    CHECK(die.amplifier.back().dac_error_v.empty());  // the flash has no residue
    const auto sine = nnadc::adc::coherentSine(0.0, 1.2, 1 << 14, 201);
    const auto enob = [&](const nnadc::adc::PipelineModel& m) {
      nnadc::metrics::AnalysisOptions o;
      o.bits = 14;
      return nnadc::metrics::analyzeCodes(m.convert(die, sine), o).spectrum->enob;
    };
    nnadc::adc::PipelineModel recalibrated(design.pipeline, design);
    const double before = enob(recalibrated);
    recalibrated.setTable(model.calibrate(die, 1 << 16));
    const double after = enob(recalibrated);
    std::printf("one die of 0.5 %% capacitor mismatch: ENOB %.3f, recalibrated %.3f\n", before,
                after);
    CHECK(before < 12.0);
    CHECK(after > 13.0);
  }
}
