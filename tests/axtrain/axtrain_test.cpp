// AxTrain: the active penalty's value and gradient against independent computations, and the
// training modes doing what the paper claims on a small synthetic problem.
#include "nnadc/axtrain/axtrain.h"

#include <doctest/doctest.h>

#include <cmath>

#include "../test_paths.h"
#include "nnadc/core/error.h"
#include "nnadc/nn/parallel.h"

using nnadc::axtrain::ErrorModelSpec;
using nnadc::axtrain::HardwareModel;
using nnadc::axtrain::Mode;

namespace {

struct Problem {
  nnadc::nn::Mlp net{std::vector<Eigen::Index>{6, 5, 3}};
  Eigen::MatrixXd x;
  std::vector<int> y = {0, 1, 2, 1, 0};
  Eigen::VectorXd s2;
};

Problem smallProblem() {
  Problem p;
  nnadc::Rng rng(31);
  p.net.initialize(rng);
  p.x.resize(6, 5);
  for (Eigen::Index k = 0; k < p.x.size(); ++k) p.x.data()[k] = rng.normal();
  p.s2.resize(p.net.parameterCount());
  for (Eigen::Index k = 0; k < p.s2.size(); ++k) p.s2(k) = 0.5 + rng.uniform();
  return p;
}

}  // namespace

TEST_SUITE("axtrain") {
  TEST_CASE("PenaltyValueIsTheWeightedSquaredGradient") {
    Problem p = smallProblem();
    Eigen::VectorXd g;
    p.net.lossAndGradient(p.x, p.y, g);
    nnadc::axtrain::PenaltyOptions options;
    options.lambda = 2.5;
    double expected = 0.0;
    for (Eigen::Index k = 0; k < g.size(); ++k) expected += p.s2(k) / p.s2.mean() * g(k) * g(k);
    expected *= 2.5;
    const double got =
        nnadc::axtrain::sensitivityPenalty(p.net, p.x, p.y, p.s2, options, nullptr, nullptr);
    CHECK(got == doctest::Approx(expected).epsilon(1e-12));  // same sum, different order
  }

  TEST_CASE("PenaltyGradientMatchesFiniteDifferencesOfThePenalty") {
    Problem p = smallProblem();
    nnadc::axtrain::PenaltyOptions options;
    options.lambda = 1.0;
    options.fd_step = 1e-5;
    const Eigen::VectorXd saved = p.net.parameters();
    Eigen::VectorXd grad;
    nnadc::axtrain::sensitivityPenalty(p.net, p.x, p.y, p.s2, options, nullptr, &grad);
    CHECK(p.net.parameters() == saved);  // restored bit for bit
    // Independent check: central differences of P itself, coordinate by coordinate.
    constexpr double kStep = 1e-5;
    const double scale = grad.cwiseAbs().maxCoeff();
    REQUIRE(scale > 0.0);
    for (Eigen::Index k = 0; k < p.net.parameterCount(); ++k) {
      p.net.parameters()(k) = saved(k) + kStep;
      const double up =
          nnadc::axtrain::sensitivityPenalty(p.net, p.x, p.y, p.s2, options, nullptr, nullptr);
      p.net.parameters()(k) = saved(k) - kStep;
      const double down =
          nnadc::axtrain::sensitivityPenalty(p.net, p.x, p.y, p.s2, options, nullptr, nullptr);
      p.net.parameters() = saved;
      // Both sides are second-order accurate (steps 1e-5: truncation ~1e-10 relative); rounding
      // of gradient differences over a 1e-5 step is ~1e-11 / 1e-5 = 1e-6 of the scale; 1e-4 of
      // the largest component is a safe bound that still catches a factor or sign error.
      CHECK_MESSAGE(std::abs((up - down) / (2.0 * kStep) - grad(k)) < 1e-4 * scale,
                    "parameter " << k);
    }
  }

  TEST_CASE("HooksAddThePenaltyAndItsGradientAsSensitivityPenaltyComputesThem") {
    // The training hooks' fused path (s^2 per layer, H v added in place) against the reference
    // sensitivityPenalty() with the hardware's s^2 vector, in both precisions; active mode adds
    // to the exact gradient, "both" recomputes the exact one for v and adds to the noisy one.
    Problem p = smallProblem();
    HardwareModel hw(ErrorModelSpec::parse("rram:sigma=0.4"));
    nnadc::axtrain::PenaltyOptions options;
    options.lambda = 1.7;
    const Eigen::VectorXd s2 = hw.errorScaleSquared(p.net);
    for (const auto precision : {nnadc::nn::Precision::kDouble, nnadc::nn::Precision::kFloat}) {
      p.net.setPrecision(precision);
      Eigen::VectorXd g;
      p.net.lossAndGradient(p.x, p.y, g);
      Eigen::VectorXd penalty_gradient;
      const double expected =
          nnadc::axtrain::sensitivityPenalty(p.net, p.x, p.y, s2, options, &g, &penalty_gradient);
      REQUIRE(expected > 0.0);
      const double scale = penalty_gradient.cwiseAbs().maxCoeff();
      {
        nnadc::axtrain::AxTrainHooks hooks(Mode::kActive, hw, options);
        Eigen::VectorXd gradient = g;
        const double got = hooks.addTerms(p.net, p.x, p.y, true, gradient);
        CHECK(got == doctest::Approx(expected).epsilon(1e-12));
        CHECK((gradient - (g + penalty_gradient)).cwiseAbs().maxCoeff() < 1e-12 * scale);
      }
      {
        nnadc::axtrain::AxTrainHooks hooks(Mode::kBoth, hw, options);
        Eigen::VectorXd noisy = Eigen::VectorXd::Constant(g.size(), 0.125);
        const double got = hooks.addTerms(p.net, p.x, p.y, false, noisy);
        CHECK(got == doctest::Approx(expected).epsilon(1e-12));
        CHECK((noisy - (Eigen::VectorXd::Constant(g.size(), 0.125) + penalty_gradient))
                  .cwiseAbs()
                  .maxCoeff() < 1e-12 * scale);
      }
    }
  }

  TEST_CASE("PenaltyOptionsAreValidatedWithTheirField") {
    nnadc::axtrain::PenaltyOptions options;
    options.lambda = -1.0;
    try {
      options.validate();
      FAIL("no error");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-AXT-006");
      CHECK(e.message() == "field 'lambda' = -1 is outside the allowed range [0, 1e+06]");
    }
    CHECK_THROWS_WITH_AS(
        nnadc::axtrain::parseMode("fast"),
        "error[NNADC-AXT-005]: mode 'fast' is not one of plain, passive, active, both",
        nnadc::InputError);
  }

  TEST_CASE("EveryTrainingModeGivesTheSameWeightsOnOneAndTwoThreads") {
    // Issue 17: float passes in fixed row chunks (150 hidden units: three), the multiplier layer
    // in fixed 32-sample chunks (batch 100: four), the rram draw in fixed blocks of weights
    // (120 x 150 weights: two), the exact Hessian-vector product: one epoch of each mode on 1
    // and on 2 threads must end with the same bits.
    const nnadc::nn::Dataset data = nnadc::axtrain::syntheticDataset(300, 120, 3, 0.5, 8);
    nnadc::nn::TrainOptions options;
    options.epochs = 1;
    options.batch_size = 100;
    struct Case {
      Mode mode;
      const char* model;
    };
    const Case cases[] = {{Mode::kPassive, "mult:bam4-12"},
                          {Mode::kPassive, "rram:sigma=0.5"},
                          {Mode::kActive, "rram:sigma=0.5"},
                          {Mode::kBoth, "ntv:ber=0.01"}};
    const int saved_threads = nnadc::nn::threadCount();
    for (const Case& c : cases) {
      CAPTURE(c.model);
      CAPTURE(nnadc::axtrain::modeName(c.mode));
      auto run = [&](int threads) {
        nnadc::nn::setThreadCount(threads);
        nnadc::nn::Mlp net({120, 150, 3});
        net.setPrecision(nnadc::nn::Precision::kFloat);
        nnadc::Rng init(1);
        net.initialize(init);
        HardwareModel hardware(ErrorModelSpec::parse(c.model));
        nnadc::axtrain::AxTrainHooks hooks(c.mode, hardware, nnadc::axtrain::PenaltyOptions{});
        nnadc::Rng rng(2);
        const auto summary = nnadc::nn::train(net, data, options, rng, &hooks);
        CHECK_FALSE(summary.diverged);
        return net;
      };
      const nnadc::nn::Mlp one = run(1);
      const nnadc::nn::Mlp two = run(2);
      CHECK(one.parameters() == two.parameters());
    }
    nnadc::nn::setThreadCount(saved_threads);
  }

  TEST_CASE("ExperimentRecoversAccuracyAndReducesSensitivityOnSyntheticData") {
    // CI-sized: 64 features, 4 classes, a 32-unit hidden layer; NTV at BER 2% (MSB flips are
    // what hurts plain training) and RRAM at sigma 0.5 with 3-bit levels.
    const nnadc::nn::Dataset all = nnadc::axtrain::syntheticDataset(2500, 64, 4, 0.6, 17);
    const nnadc::nn::Dataset train = nnadc::nn::sliceDataset(all, 0, 2000);
    const nnadc::nn::Dataset test = nnadc::nn::sliceDataset(all, 2000, 500);
    nnadc::axtrain::ExperimentOptions options;
    options.hidden = {32};
    options.pretrain.epochs = 8;
    options.pretrain.batch_size = 50;
    options.pretrain.adam.learning_rate = 3e-3;
    options.finetune = options.pretrain;
    options.finetune.epochs = 6;
    options.finetune.adam.learning_rate = 1e-3;
    options.models = {ErrorModelSpec::parse("ntv:ber=0.02"), ErrorModelSpec::parse("mult:bam4-12")};
    options.draws = 10;
    options.penalty.lambda = 1.0;
    const auto summary = nnadc::axtrain::runExperiment(train, test, options);
    CHECK(summary.baseline_accuracy > 0.8);  // the problem is learnable
    REQUIRE(summary.models.size() == 2);
    for (const auto& model : summary.models) {
      CAPTURE(model.spec.name());
      REQUIRE(model.modes.size() == 4);
      const auto& plain = model.modes[0];
      const auto& passive = model.modes[1];
      const auto& active = model.modes[2];
      const auto& both = model.modes[3];
      CHECK(plain.mode == Mode::kPlain);
      CHECK(plain.evaluation.accuracies.size() == 10);
      // Plain training loses accuracy on this hardware; passive training wins a clear share of
      // it back (the paper's claim; 25% is a loose floor for a noisy 500-sample test set).
      CHECK(plain.evaluation.accuracy_mean < plain.evaluation.exact_accuracy - 0.02);
      REQUIRE(passive.recovered_share.has_value());
      CHECK(*passive.recovered_share > 0.25);
      CHECK(*both.recovered_share > 0.25);
      // Active training lowers the weight sensitivity it penalises.
      CHECK(active.sensitivity < plain.sensitivity);
    }
    // Multipliers are deterministic: every draw is the same; bit flips are not.
    CHECK(summary.models[1].modes[0].evaluation.accuracy_std == 0.0);
    CHECK(summary.models[0].modes[0].evaluation.accuracy_std > 0.0);
  }

  TEST_CASE("MissingFashionMnistNamesTheDebianPackage") {
    const auto dir = nnadc::test::scratchDir("axtrain_nodata");
    try {
      nnadc::axtrain::loadFashionMnist(dir);
      FAIL("no error");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-AXT-001");
      CHECK(e.message() ==
            "Fashion-MNIST file 'train-images-idx3-ubyte[.gz]' not found in '" + dir.string() +
                "': install the Debian package dataset-fashion-mnist (apt-get install "
                "dataset-fashion-mnist, files in /usr/share/datasets/fashion-mnist), pass --data "
                "DIR, or use --synthetic");
    }
  }
}
