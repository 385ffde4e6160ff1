#include "nnadc/adc/stage_variation.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/error.h"

namespace {

using nnadc::adc::StageConductances;
using nnadc::adc::StageVariation;

// A smooth synthetic inverter, VDD/2 (1 - tanh(k (v - VDD/2))), tabulated on 5 uV so that the
// table's kinks (its slope jumps at every grid point) are far below the finite-difference steps.
nnadc::Vtc fineVtc(double vdd = 1.2, double k = 15.0) {
  constexpr int kPoints = 240000;
  std::vector<double> vin;
  std::vector<double> vout;
  for (int i = 0; i <= kPoints; ++i) {
    const double v = vdd * i / kPoints;
    vin.push_back(v);
    vout.push_back(vdd / 2 * (1 - std::tanh(k * (v - vdd / 2))));
  }
  return nnadc::analyzeVtc(vin, vout, vdd);
}

nnadc::adc::StageModel model(int bits = 3, int hidden = 6) {
  nnadc::adc::StageShape shape;
  shape.bits = bits;
  shape.hidden = hidden;
  shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kSmooth, bits, bits + 1);
  const nnadc::Vtc vtc = fineVtc();
  return {shape, nnadc::nn::TabulatedActivation(vtc), vtc.threshold_v,
          nnadc::rram::LevelSet(nnadc::rram::LevelSetOptions{})};
}

StageVariation recipe() {
  StageVariation v;
  v.rram.lognormal_sigma = 0.05;
  v.cmos.vt_n_v = 0.018;
  v.cmos.beta_n = 0.03;
  v.cmos.vt_p_v = 0.012;
  v.cmos.beta_p = 0.02;
  return v;
}

// Random conductances of order g_max, inputs over the window, and +-1 targets of the ideal code.
struct Problem {
  StageConductances g;
  Eigen::VectorXd x;
  Eigen::ArrayXXd target;
};

Problem problem(const nnadc::adc::StageModel& m, std::uint64_t seed) {
  nnadc::Rng rng(seed);
  const auto& s = m.shape();
  Problem p;
  p.g.g1 = Eigen::MatrixXd::NullaryExpr(s.hidden, 4, [&] { return rng.uniform(2e-6, 20e-6); });
  p.g.g2 = Eigen::MatrixXd::NullaryExpr(s.outputs(), s.outputRows(),
                                        [&] { return rng.uniform(2e-6, 20e-6); });
  constexpr int kInputs = 48;
  p.x.resize(kInputs);
  p.target.resize(kInputs, s.outputs());
  for (int i = 0; i < kInputs; ++i) {
    p.x(i) = 1.2 * (i + 0.37) / kInputs;
    const int level = nnadc::adc::idealLevel(p.x(i), 0.0, 1.2, s.bits);
    for (int k = 0; k < s.outputs(); ++k) p.target(i, k) = s.code.bit(level, k) ? 1.0 : -1.0;
  }
  return p;
}

double loss(const nnadc::adc::StageModel& m, const StageConductances& g, const Problem& p,
            nnadc::adc::StageShiftGradient* shift = nullptr, Eigen::MatrixXd* d1 = nullptr,
            Eigen::MatrixXd* d2 = nullptr) {
  nnadc::adc::StageForward f;
  Eigen::MatrixXd a;
  Eigen::MatrixXd b;
  const double l = nnadc::adc::stageLossGradient(m, g, p.x, p.target, 100.0, f, a, b, shift);
  if (d1 != nullptr) *d1 = a;
  if (d2 != nullptr) *d2 = b;
  return l;
}

void zeroShifts(const nnadc::adc::StageModel& m, StageConductances& g) {
  g.shift_h = Eigen::VectorXd::Zero(m.shape().hidden);
  g.shift_hb = Eigen::VectorXd::Zero(m.shape().hidden);
  g.shift_o = Eigen::VectorXd::Zero(m.shape().outputs());
}

}  // namespace

TEST_SUITE("adc") {
  TEST_CASE("StageDrawsHaveTheRecipesSigmasAndRates") {
    const auto m = model();
    StageVariation v = recipe();
    v.rram.stuck_off_rate = 0.1;
    v.rram.stuck_on_rate = 0.05;
    nnadc::Rng rng(3);
    double log_sum = 0.0;
    double log_sq = 0.0;
    double cells = 0.0;
    double off = 0.0;
    double on = 0.0;
    double shift_sq = 0.0;
    double shifts = 0.0;
    constexpr int kDraws = 3000;
    for (int d = 0; d < kDraws; ++d) {
      const auto draw = nnadc::adc::drawStage(m.shape(), v, rng);
      for (const auto* f : {&draw.factor1, &draw.factor2}) {
        log_sum += f->log().sum();
        log_sq += f->log().square().sum();
        cells += static_cast<double>(f->size());
      }
      for (const auto* s : {&draw.stuck1, &draw.stuck2}) {
        off += static_cast<double>((*s == 1).count());
        on += static_cast<double>((*s == 2).count());
      }
      StageConductances g;
      g.g1 = Eigen::MatrixXd::Constant(m.shape().hidden, 4, 1e-5);
      g.g2 = Eigen::MatrixXd::Constant(m.shape().outputs(), m.shape().outputRows(), 1e-5);
      nnadc::adc::applyDraw(draw, m.shape(), 2e-5, v.sensitivity, g);
      shift_sq += g.shift_h.squaredNorm() + g.shift_hb.squaredNorm() + g.shift_o.squaredNorm();
      shifts += static_cast<double>(g.shift_h.size() + g.shift_hb.size() + g.shift_o.size());
    }
    // ~2e5 cells: the sample sigma's relative error is ~1/sqrt(2 n) = 0.16 %, the rates' absolute
    // error ~sqrt(p/n) < 0.07 %; 2 % and 0.5 % are > 6 standard errors.
    const double mean = log_sum / cells;
    CHECK(std::sqrt(log_sq / cells - mean * mean) == doctest::Approx(0.05).epsilon(0.02));
    CHECK(off / cells == doctest::Approx(0.1).epsilon(0.05));
    CHECK(on / cells == doctest::Approx(0.05).epsilon(0.05));
    // First-order threshold shift, from the sensitivities by hand (mismatch.h defaults):
    // sqrt((0.504 18m)^2 + (0.481 12m)^2 + (0.0176 0.03)^2 + (0.0180 0.02)^2) = 10.59 mV.
    const double expected = std::sqrt(std::pow(0.504 * 0.018, 2) + std::pow(0.481 * 0.012, 2) +
                                      std::pow(0.0176 * 0.03, 2) + std::pow(0.0180 * 0.02, 2));
    CHECK(v.thresholdSigma() == doctest::Approx(expected).epsilon(1e-12));
    // 3000 draws x 22 inverters: the sample sigma is within ~0.5 % (1/sqrt(2 n)); allow 3 %.
    CHECK(std::sqrt(shift_sq / shifts) == doctest::Approx(expected).epsilon(0.03));
  }

  TEST_CASE("ADrawLeavesEmptyCellsOpenAndPutsStuckCellsAtTheirRail") {
    const auto m = model(2, 1);
    nnadc::adc::StageDraw draw;
    draw.factor1 = Eigen::ArrayXXd::Constant(1, 4, 1.5);
    draw.stuck1.resize(1, 4);
    draw.stuck1 << 0, 1, 2, 2;
    draw.factor2 = Eigen::ArrayXXd::Constant(m.shape().outputs(), m.shape().outputRows(), 2.0);
    draw.stuck2 = Eigen::ArrayXXi::Zero(m.shape().outputs(), m.shape().outputRows());
    draw.inverters.resize(2 + static_cast<std::size_t>(m.shape().outputs()));
    StageConductances g;
    g.g1.resize(1, 4);
    g.g1 << 4e-6, 4e-6, 4e-6, 0.0;
    g.g2 = Eigen::MatrixXd::Constant(m.shape().outputs(), m.shape().outputRows(), 1e-6);
    nnadc::adc::applyDraw(draw, m.shape(), 2e-5, {}, g);
    CHECK(g.g1(0, 0) == doctest::Approx(6e-6));  // read factor 1.5
    CHECK(g.g1(0, 1) == 0.0);                    // stuck open
    CHECK(g.g1(0, 2) == doctest::Approx(2e-5));  // stuck at g_max
    CHECK(g.g1(0, 3) == 0.0);                    // no device: nothing to get stuck
    CHECK(g.g2(0, 0) == doctest::Approx(2e-6));
    CHECK(g.shift_h.size() == 1);
    CHECK(g.shift_h(0) == 0.0);  // zero mismatch, zero shift
  }

  TEST_CASE("ThresholdShiftGradientsMatchFiniteDifferences") {
    const auto m = model();
    Problem p = problem(m, 5);
    zeroShifts(m, p.g);
    nnadc::Rng rng(8);
    for (Eigen::Index j = 0; j < p.g.shift_h.size(); ++j) p.g.shift_h(j) = rng.normal(0, 0.01);
    nnadc::adc::StageShiftGradient analytic;
    (void)loss(m, p.g, p, &analytic);
    // Central differences with a 20 uV step: the VTC's curvature makes the truncation error
    // ~1e-4 relative; rounding ~1e-16 / 2e-5 is negligible.
    constexpr double kStep = 2e-5;
    const auto check = [&](Eigen::VectorXd& shift, const Eigen::VectorXd& grad) {
      for (Eigen::Index j = 0; j < shift.size(); ++j) {
        const double saved = shift(j);
        shift(j) = saved + kStep;
        const double up = loss(m, p.g, p);
        shift(j) = saved - kStep;
        const double down = loss(m, p.g, p);
        shift(j) = saved;
        const double numeric = (up - down) / (2 * kStep);
        CAPTURE(j);
        CHECK(grad(j) == doctest::Approx(numeric).epsilon(2e-3).scale(grad.cwiseAbs().maxCoeff()));
      }
    };
    check(p.g.shift_h, analytic.h);
    check(p.g.shift_hb, analytic.hb);
    check(p.g.shift_o, analytic.o);
    CHECK(analytic.h.cwiseAbs().maxCoeff() > 0.0);
  }

  TEST_CASE("ActivePenaltyGradientMatchesTheDerivativeOfThePenalty") {
    // P(G') = lambda sum s(G)^2 (dL/dp(G'))^2 with s held at G (as the trainer does); its
    // directional derivative by central differences of P itself is the second method.
    const auto m = model();
    const Problem p = problem(m, 9);
    StageVariation v = recipe();
    v.lambda = 3.0;
    v.fd_step = 0.01;
    const double sc = v.cellSigma();
    const double st = v.thresholdSigma();
    const auto penaltyAt = [&](const StageConductances& g) {
      Eigen::MatrixXd d1;
      Eigen::MatrixXd d2;
      nnadc::adc::StageShiftGradient sg;
      (void)loss(m, g, p, &sg, &d1, &d2);
      return v.lambda * ((sc * p.g.g1.array() * d1.array()).square().sum() +
                         (sc * p.g.g2.array() * d2.array()).square().sum() +
                         st * st * (sg.h.squaredNorm() + sg.hb.squaredNorm() + sg.o.squaredNorm()));
    };
    Eigen::MatrixXd e1;
    Eigen::MatrixXd e2;
    nnadc::adc::StageShiftGradient exact;
    (void)loss(m, p.g, p, &exact, &e1, &e2);
    Eigen::MatrixXd p1;
    Eigen::MatrixXd p2;
    const double penalty =
        nnadc::adc::activePenalty(m, p.g, p.x, p.target, 100.0, v, e1, e2, exact, p1, p2);
    CHECK(penalty == doctest::Approx(penaltyAt(p.g)).epsilon(1e-12));
    nnadc::Rng rng(4);
    for (int trial = 0; trial < 3; ++trial) {
      StageConductances d;
      d.g1 =
          Eigen::MatrixXd::NullaryExpr(p.g.g1.rows(), p.g.g1.cols(), [&] { return rng.normal(); });
      d.g2 =
          Eigen::MatrixXd::NullaryExpr(p.g.g2.rows(), p.g.g2.cols(), [&] { return rng.normal(); });
      // A step of 1e-8 S (5e-4 of g_max) on every cell. P holds the VTC's slope, which steps at
      // every table point, so P itself jumps by tiny amounts: a step spanning many table points
      // averages them (at 1e-9 S and below the difference quotient scatters by 10 % and more).
      constexpr double kStep = 1e-8;
      StageConductances up = p.g;
      StageConductances down = p.g;
      up.g1 += kStep * d.g1;
      up.g2 += kStep * d.g2;
      down.g1 -= kStep * d.g1;
      down.g2 -= kStep * d.g2;
      const double numeric = (penaltyAt(up) - penaltyAt(down)) / (2 * kStep);
      const double analytic = (p1.array() * d.g1.array()).sum() + (p2.array() * d.g2.array()).sum();
      CAPTURE(trial);
      // The gradient's Hessian-vector product is itself a central difference (error O(e^2) at
      // 1 % of a sigma), and the tabulated VTC's slope steps every 5 uV: 3 %.
      CHECK(analytic == doctest::Approx(numeric).epsilon(0.03));
    }
  }

  TEST_CASE("VariationScoreOfAStageWithoutVariationIsItsNominalEnob") {
    const auto m = model();
    const Problem p = problem(m, 2);
    nnadc::adc::StageCells cells;
    cells.hidden = Eigen::MatrixXi::NullaryExpr(m.shape().hidden, 4, [] { return 3; });
    nnadc::Rng rng(1);
    cells.hidden = cells.hidden.unaryExpr([&](int) { return static_cast<int>(rng.uniform(0, 8)); });
    cells.output = Eigen::MatrixXi::NullaryExpr(m.shape().outputs(), m.shape().outputRows(), [&] {
      return static_cast<int>(rng.uniform(0, 8));
    });
    const nnadc::adc::Decoder decoder(m.shape().code);
    StageVariation none;
    none.score_draws = 7;  // 48 inputs split over 7 draws of a stage that does not vary
    const nnadc::adc::VariationScore score(m.shape(), none, p.x, 11);
    CHECK(score.score(m, cells, decoder) ==
          doctest::Approx(nnadc::adc::inputsEnob(m, cells, decoder, p.x)).epsilon(1e-12));
    // With variation the same stage scores lower (its errors can only grow on average; this
    // design is far from robust).
    StageVariation big = recipe();
    big.score_draws = 7;
    const nnadc::adc::VariationScore varied(m.shape(), big, p.x, 11);
    CHECK(varied.score(m, cells, decoder) != score.score(m, cells, decoder));
  }

  TEST_CASE("TrainingAgainstARecipeRejectsASecondNoiseModel") {
    nnadc::adc::StageTrainOptions o;
    o.variation = recipe();
    o.variation.mode = nnadc::adc::VariationMode::kPassive;
    o.noise_sigma = 0.02;
    try {
      o.validate();
      FAIL("noise_sigma with a variation recipe was accepted");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-CFG-003");
      CHECK(std::string(e.what()).find("noise_sigma") != std::string::npos);
    }
    o.noise_sigma = 0.0;
    o.variation.score_draws = -1;
    CHECK_THROWS_AS(o.validate(), nnadc::InputError);
  }
}

TEST_SUITE("adc") {
  TEST_CASE("PassiveTrainingMakesAStageMoreRobustOnDrawsItNeverSaw") {
    // AxTrain's claim, on a small stage with a large spread: trained against the variation, the
    // stage converts better on held-out draws than the same stage trained plain, while paying a
    // little on the nominal stage. One training can land anywhere, so over three seeds (measured:
    // +0.44, +0.69, +0.02 bit held out; -0.07, -0.04, -0.18 bit nominal).
    const auto m = model(3, 8);
    Eigen::VectorXd x;
    std::vector<int> levels;
    nnadc::adc::makeRamp(m.shape(), 64, x, levels);
    StageVariation held_out = recipe();
    held_out.score_draws = 64;
    const nnadc::adc::VariationScore judge(m.shape(), held_out, x, 424242);
    const nnadc::adc::Decoder decoder(m.shape().code);
    double gain = 0.0;
    for (const std::uint64_t seed : {1, 2, 3}) {
      nnadc::adc::StageTrainOptions o;
      o.iterations = 600;
      o.eval_every = 50;
      o.refine_sweeps = 1;
      o.seed = seed;
      const auto plain = nnadc::adc::trainStage(m, o, nnadc::nullLogger());
      o.variation = recipe();
      o.variation.mode = nnadc::adc::VariationMode::kPassive;
      o.variation.score_draws = 16;
      const auto passive = nnadc::adc::trainStage(m, o, nnadc::nullLogger());
      gain += judge.score(m, passive.cells, decoder) - judge.score(m, plain.cells, decoder);
      CHECK(nnadc::adc::inputsEnob(m, passive.cells, decoder, x) > 2.7);  // still a 3-bit stage
    }
    CHECK(gain / 3 > 0.1);
  }

  TEST_CASE("YieldScoreEstimatesHowOftenATransitionLeavesTheMargin") {
    // A trained 3-bit stage under a large spread; the score's Gaussian-tail estimate of the
    // probability that some transition moves beyond the margin, against the count over the same
    // draws of those that do (transitions found here by a scan of our own, not the score's).
    const auto m = model(3, 8);
    nnadc::adc::StageTrainOptions o;
    o.iterations = 600;
    o.eval_every = 50;
    o.seed = 2;
    const auto trained = nnadc::adc::trainStage(m, o, nnadc::nullLogger());
    StageVariation v = recipe();
    v.score_draws = 400;
    const nnadc::adc::Decoder decoder(m.shape().code);
    const auto estimate = [&](double margin) {
      StageVariation w = v;
      w.margin_lsb = margin;
      const nnadc::adc::VariationScore score(m.shape(), w, Eigen::VectorXd(), 77);
      return std::pow(10.0, -score.score(m, trained.cells, decoder));
    };
    // The same draws as the score's (its constructor draws them in this order from this seed).
    nnadc::Rng rng(77);
    constexpr int kScan = 2400;  // 300 points per level
    Eigen::VectorXd x(kScan);
    for (int i = 0; i < kScan; ++i) x(i) = 1.2 * (i + 0.5) / kScan;
    std::vector<double> worst;  // per draw: the largest |transition error| [LSB]
    for (int d = 0; d < v.score_draws; ++d) {
      const auto draw = nnadc::adc::drawStage(m.shape(), v, rng);
      auto g = m.conductances(trained.cells);
      nnadc::adc::applyDraw(draw, m.shape(), m.levels().conductances().back(), v.sensitivity, g);
      const auto words = m.words(g, x);
      double w = 0.0;
      for (int t = 1; t < 8; ++t) {
        int below = 0;
        for (const auto word : words) below += decoder.decode(word) < t ? 1 : 0;
        w = std::max(w, std::fabs(below / 300.0 - t));
      }
      worst.push_back(w);
    }
    const auto counted = [&](double margin) {
      return static_cast<double>(
                 std::count_if(worst.begin(), worst.end(), [&](double w) { return w > margin; })) /
             static_cast<double>(worst.size());
    };
    // Measured: margin 1.0 LSB estimated 0.325, counted 0.365; 1.5 LSB 0.068 and 0.0675 (at
    // 0.6 LSB the union bound overshoots: 1.21 against 0.775). The estimate sums per-transition
    // probabilities and assumes Gaussian tails; a count of 400 draws has ~10-35 % error of its
    // own at these rates: allow a factor 1.5.
    for (const double margin : {1.0, 1.5}) {
      CAPTURE(margin);
      CHECK(counted(margin) > 0.02);
      CHECK(estimate(margin) < 1.5 * counted(margin));
      CHECK(estimate(margin) > counted(margin) / 1.5);
    }
    CHECK(estimate(2.0) < estimate(1.5));
  }
}
