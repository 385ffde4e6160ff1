// The MLP against independent expectations: hand-computed forward values, finite-difference
// gradients for every parameter of every layer, and a small learnable problem.
#include "nnadc/nn/mlp.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>

#include "nnadc/core/error.h"
#include "nnadc/nn/parallel.h"
#include "nnadc/nn/trainer.h"

namespace {

using nnadc::nn::Mlp;

Mlp randomNet(std::vector<Eigen::Index> sizes, std::uint64_t seed) {
  Mlp net(std::move(sizes));
  nnadc::Rng rng(seed);
  net.initialize(rng);
  // Nonzero biases so their gradient is exercised at a generic point.
  for (int l = 0; l < net.layerCount(); ++l) {
    for (Eigen::Index i = 0; i < net.bias(l).size(); ++i) net.bias(l)(i) = 0.1 * rng.normal();
  }
  return net;
}

Eigen::MatrixXd randomBatch(Eigen::Index features, Eigen::Index batch, nnadc::Rng& rng) {
  Eigen::MatrixXd x(features, batch);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = rng.normal();
  return x;
}

double loss(const Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& y) {
  nnadc::nn::ForwardCache cache;
  return nnadc::nn::softmaxCrossEntropy(net.forward(x, cache), y, nullptr);
}

// Runs f() with each float product kernel (Eigen's baseline, then the AVX2/FMA one where the
// CPU has it), CAPTUREd for failures, and restores the process-wide choice.
template <typename F>
void forEachFloatKernel(F f) {
  const bool saved = nnadc::nn::vectorGemm();
  for (const bool vector : {false, true}) {
    nnadc::nn::setVectorGemm(vector);
    if (vector && !nnadc::nn::vectorGemm()) continue;  // no AVX2/FMA here
    CAPTURE(vector);
    f();
  }
  nnadc::nn::setVectorGemm(saved);
}

}  // namespace

TEST_SUITE("nn") {
  TEST_CASE("SoftmaxCrossEntropyOfEqualLogitsIsLogOfClassCount") {
    const Eigen::MatrixXd logits = Eigen::MatrixXd::Constant(5, 3, 2.5);
    Eigen::MatrixXd d;
    const double l = nnadc::nn::softmaxCrossEntropy(logits, {0, 3, 4}, &d);
    CHECK(l == doctest::Approx(std::log(5.0)).epsilon(1e-14));  // exact up to rounding
    // d = (softmax - onehot) / batch = (0.2 - [label]) / 3.
    CHECK(d(0, 0) == doctest::Approx((0.2 - 1.0) / 3.0).epsilon(1e-14));
    CHECK(d(1, 0) == doctest::Approx(0.2 / 3.0).epsilon(1e-14));
  }

  TEST_CASE("ForwardPassMatchesAHandComputedNetwork") {
    Mlp net({2, 2, 2});
    // Layer 0: W = [1 -1; 2 0.5], b = [0.5, -3]; layer 1: W = [1 2; -1 1], b = [0, 1].
    net.weights(0) << 1.0, -1.0, 2.0, 0.5;
    net.bias(0) << 0.5, -3.0;
    net.weights(1) << 1.0, 2.0, -1.0, 1.0;
    net.bias(1) << 0.0, 1.0;
    Eigen::MatrixXd x(2, 1);
    x << 1.0, 2.0;
    // z0 = [1 - 2 + 0.5, 2 + 1 - 3] = [-0.5, 0] -> relu [0, 0] -> logits = b1 = [0, 1].
    nnadc::nn::ForwardCache cache;
    const Eigen::MatrixXd& logits = net.forward(x, cache);
    CHECK(logits(0, 0) == 0.0);
    CHECK(logits(1, 0) == 1.0);
    CHECK(net.parameterCount() == 2 * 3 + 2 * 3);
  }

  TEST_CASE("GradientOfEveryLayerMatchesCentralDifferences") {
    // Three dense layers, so the first layer's gradient passes through two ReLUs.
    Mlp net = randomNet({6, 5, 4, 3}, 11);
    nnadc::Rng rng(12);
    const Eigen::MatrixXd x = randomBatch(6, 7, rng);
    const std::vector<int> y = {0, 1, 2, 2, 1, 0, 1};
    Eigen::VectorXd g;
    net.lossAndGradient(x, y, g);
    REQUIRE(g.size() == net.parameterCount());
    // Central difference error O(h^2 L''') ~ 1e-10 for h = 1e-5; rounding ~ 1e-16 / h = 1e-11.
    // ReLU kinks are hit with probability ~ h per unit, negligible here; 1e-6 absolute leaves a
    // wide margin while still catching any wrong term (gradients are ~1e-2..1).
    constexpr double kStep = 1e-5;
    constexpr double kTolerance = 1e-6;
    for (Eigen::Index k = 0; k < net.parameterCount(); ++k) {
      const double saved = net.parameters()(k);
      net.parameters()(k) = saved + kStep;
      const double up = loss(net, x, y);
      net.parameters()(k) = saved - kStep;
      const double down = loss(net, x, y);
      net.parameters()(k) = saved;
      const double numeric = (up - down) / (2.0 * kStep);
      CHECK_MESSAGE(std::abs(g(k) - numeric) < kTolerance, "parameter " << k);
    }
  }

  TEST_CASE("WideLayersSplitOverThreadsGiveTheCentralDifferenceGradientAndTheSameBits") {
    // 150 hidden units: three row chunks of the pool's fixed 64. The gradient must still match
    // central differences (sampled parameters of both layers, biases included), and 1 and 2
    // threads must give the same bits (issue 17: reproducible whatever the thread count).
    Mlp net = randomNet({20, 150, 3}, 17);
    nnadc::Rng rng(18);
    const Eigen::MatrixXd x = randomBatch(20, 9, rng);
    const std::vector<int> y = {0, 1, 2, 2, 1, 0, 1, 2, 0};
    const int saved_threads = nnadc::nn::threadCount();
    Eigen::VectorXd g1;
    Eigen::VectorXd g2;
    nnadc::nn::setThreadCount(1);
    const double l1 = net.lossAndGradient(x, y, g1);
    nnadc::nn::setThreadCount(2);
    const double l2 = net.lossAndGradient(x, y, g2);
    nnadc::nn::setThreadCount(saved_threads);
    CHECK(l1 == l2);
    CHECK(g1 == g2);
    constexpr double kStep = 1e-5;
    for (Eigen::Index k = 0; k < net.parameterCount(); k += 37) {
      const double saved = net.parameters()(k);
      net.parameters()(k) = saved + kStep;
      const double up = loss(net, x, y);
      net.parameters()(k) = saved - kStep;
      const double down = loss(net, x, y);
      net.parameters()(k) = saved;
      CHECK_MESSAGE(std::abs(g2(k) - (up - down) / (2.0 * kStep)) < 1e-6, "parameter " << k);
    }
  }

  TEST_CASE("ParallelForRunsEveryChunkOnceAndRethrowsTheLowestFailure") {
    const int saved_threads = nnadc::nn::threadCount();
    nnadc::nn::setThreadCount(2);
    std::vector<int> hits(100, 0);
    nnadc::nn::parallelFor(100, [&](int k) {
      ++hits[static_cast<std::size_t>(k)];
      // Nested use runs inline (the pool is busy): no deadlock, every inner chunk once.
      int inner = 0;
      nnadc::nn::parallelFor(3, [&](int) { ++inner; });
      CHECK(inner == 3);
    });
    CHECK(std::count(hits.begin(), hits.end(), 1) == 100);
    CHECK_THROWS_WITH(nnadc::nn::parallelFor(8,
                                             [](int k) {
                                               if (k == 5 || k == 6)
                                                 throw std::runtime_error(std::to_string(k));
                                             }),
                      "5");
    nnadc::nn::setThreadCount(saved_threads);
  }

  TEST_CASE("FirstJobAfterAThreadCountChangeRunsOnEveryThread") {
    // Two chunks that each wait for the other to start can only both see it when two threads run
    // them at the same time. The first job after the pool is resized is the one that a worker
    // started late could miss (its caller would then run both chunks alone, one after the other).
    const int saved_threads = nnadc::nn::threadCount();
    nnadc::nn::setThreadCount(3);
    nnadc::nn::parallelFor(3, [](int) {});  // the pool now has 2 workers
    nnadc::nn::setThreadCount(2);           // the next call resizes it to 1
    std::atomic<int> started{0};
    std::array<bool, 2> saw_other{};
    nnadc::nn::parallelFor(2, [&](int k) {
      ++started;
      // Generous: a loaded CI machine may take a while to schedule the worker.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (started.load() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      saw_other[static_cast<std::size_t>(k)] = started.load() == 2;
    });
    CHECK(saw_other[0]);
    CHECK(saw_other[1]);
    nnadc::nn::setThreadCount(saved_threads);
  }

  TEST_CASE("HardwareEvaluatorReplacesTheLinearPartButGradientsAreStraightThrough") {
    // An evaluator that adds 1 to every pre-activation: the forward pass changes, the gradient
    // equals the exact gradient evaluated where the forward pass went (straight-through).
    struct AddOne final : nnadc::nn::LinearEvaluator {
      void apply(int /*layer*/, const Eigen::Ref<const Eigen::MatrixXd>& w,
                 const Eigen::Ref<const Eigen::VectorXd>& b, const Eigen::MatrixXd& in,
                 Eigen::MatrixXd& z) override {
        z = w * in;
        z.colwise() += b;
        z.array() += 1.0;
      }
    } add_one;
    Mlp net = randomNet({3, 4, 2}, 5);
    nnadc::Rng rng(6);
    const Eigen::MatrixXd x = randomBatch(3, 4, rng);
    const std::vector<int> y = {0, 1, 1, 0};
    Mlp shifted = net;  // same network with every bias + 1 computes the same forward pass
    for (int l = 0; l < shifted.layerCount(); ++l) shifted.bias(l).array() += 1.0;
    Eigen::VectorXd g_hw;
    Eigen::VectorXd g_shift;
    const double l_hw = net.lossAndGradient(x, y, g_hw, &add_one);
    const double l_shift = shifted.lossAndGradient(x, y, g_shift);
    CHECK(l_hw == doctest::Approx(l_shift).epsilon(1e-12));  // same arithmetic, reordered adds
    CHECK((g_hw - g_shift).cwiseAbs().maxCoeff() < 1e-12);
  }

  TEST_CASE("BadLayerSizesNameTheEntry") {
    CHECK_THROWS_WITH_AS(Mlp({784}), doctest::Contains("NNADC-NN-001"), nnadc::InputError);
    try {
      Mlp bad({784, 0, 10});
      FAIL("no error");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-NN-001");
      CHECK(e.message() == "layer size 1 = 0 must be >= 1");
    }
  }

  TEST_CASE("TrainerLearnsALinearlySeparableProblemAndIsReproducible") {
    // Two Gaussian blobs at +-1 in 4-D: any sane trainer reaches > 95% in a few epochs.
    nnadc::nn::Dataset data;
    data.classes = 2;
    data.features.resize(4, 400);
    data.labels.resize(400);
    nnadc::Rng rng(3);
    for (Eigen::Index s = 0; s < 400; ++s) {
      const int label = static_cast<int>(s % 2);
      data.labels[static_cast<std::size_t>(s)] = label;
      for (Eigen::Index f = 0; f < 4; ++f) {
        data.features(f, s) = static_cast<float>((label == 1 ? 1.0 : -1.0) + 0.7 * rng.normal());
      }
    }
    nnadc::nn::TrainOptions options;
    options.epochs = 5;
    options.batch_size = 32;
    options.adam.learning_rate = 1e-2;
    auto run = [&] {
      Mlp net = randomNet({4, 8, 2}, 9);
      nnadc::Rng shuffle(10);
      const auto summary = nnadc::nn::train(net, data, options, shuffle);
      CHECK_FALSE(summary.diverged);
      CHECK(summary.history.size() == 5);
      return net;
    };
    const Mlp a = run();
    const Mlp b = run();
    CHECK(a.parameters() == b.parameters());  // same seeds -> bit-identical weights
    CHECK(nnadc::nn::evaluate(a, data).accuracy > 0.95);
  }

  TEST_CASE("FloatPassesGiveTheDoubleGradientToFloatRounding") {
    // The same network and batch through float and double passes (issue 17). The double
    // gradient is checked against central differences above; float keeps about 7 digits per
    // operation and the longest sum here has 150 terms, so 1e-4 of the largest component bounds
    // the difference while still catching any wrong term (those are O(1) of it).
    Mlp net = randomNet({20, 150, 3}, 31);
    nnadc::Rng rng(32);
    const Eigen::MatrixXd x = randomBatch(20, 9, rng);
    const std::vector<int> y = {0, 1, 2, 2, 1, 0, 1, 2, 0};
    Eigen::VectorXd gd;
    const double ld = net.lossAndGradient(x, y, gd);
    const double scale = gd.cwiseAbs().maxCoeff();
    REQUIRE(scale > 0.0);
    net.setPrecision(nnadc::nn::Precision::kFloat);
    // Both float product kernels (the AVX2/FMA one where the CPU has it): every product shape of
    // the passes, W a, W^T dz and dz a^T, on blocks of rows and columns.
    forEachFloatKernel([&] {
      Eigen::VectorXd gf;
      const double lf = net.lossAndGradient(x, y, gf);
      CHECK(lf == doctest::Approx(ld).epsilon(1e-5));  // float logits, double softmax
      CHECK((gf - gd).cwiseAbs().maxCoeff() < 1e-4 * scale);
    });
  }

  TEST_CASE("HessianVectorProductMatchesCentralDifferencesOfTheGradient") {
    // Independent: H v = (g(w + h v) - g(w - h v)) / (2 h) + O(h^2) away from ReLU kinks. Two
    // hidden layers, so the R-operator's dz R{a}^T terms of inner layers are exercised; 150
    // units give several row chunks. Then the float product agrees with the double one.
    Mlp net = randomNet({12, 150, 7, 3}, 41);
    nnadc::Rng rng(42);
    const Eigen::MatrixXd x = randomBatch(12, 10, rng);
    const std::vector<int> y = {0, 1, 2, 2, 1, 0, 1, 2, 0, 1};
    Eigen::VectorXd v(net.parameterCount());
    for (Eigen::Index k = 0; k < v.size(); ++k) v(k) = rng.normal();
    Eigen::VectorXd hv;
    net.hessianVectorProduct(x, y, v, hv);
    const Eigen::VectorXd saved = net.parameters();
    constexpr double kStep = 1e-6;  // |h v| per weight ~1e-6: no kink crossed at this point
    Eigen::VectorXd up;
    Eigen::VectorXd down;
    net.parameters() = saved + kStep * v;
    net.lossAndGradient(x, y, up);
    net.parameters() = saved - kStep * v;
    net.lossAndGradient(x, y, down);
    net.parameters() = saved;
    const Eigen::VectorXd numeric = (up - down) / (2.0 * kStep);
    const double scale = numeric.cwiseAbs().maxCoeff();
    REQUIRE(scale > 0.0);
    // Truncation O(h^2) ~1e-12; rounding of the difference ~1e-16 / 1e-6 = 1e-10 relative.
    CHECK((hv - numeric).cwiseAbs().maxCoeff() < 1e-6 * scale);
    // Reusing the forward pass of the last exact gradient gives the same bits as a fresh one.
    Eigen::VectorXd g;
    net.lossAndGradient(x, y, g);
    Eigen::VectorXd hv_reused;
    net.hessianVectorProduct(x, y, v, hv_reused);
    CHECK(hv_reused == hv);
    net.setPrecision(nnadc::nn::Precision::kFloat);
    forEachFloatKernel([&] {
      Eigen::VectorXd hv_float;
      net.hessianVectorProduct(x, y, v, hv_float);
      CHECK((hv_float - hv).cwiseAbs().maxCoeff() < 1e-4 * scale);  // float rounding, as above
    });
  }

  TEST_CASE("AddedHessianVectorProductIsTheProductScaledAndAdded") {
    // addHessianVectorProduct(x, y, v, s, t) is t + (H v) * s element by element, the same bits
    // as hessianVectorProduct() followed by the scaling and the sum, in both precisions.
    Mlp net = randomNet({9, 70, 6, 3}, 43);
    nnadc::Rng rng(44);
    const Eigen::MatrixXd x = randomBatch(9, 8, rng);
    const std::vector<int> y = {0, 1, 2, 2, 1, 0, 1, 2};
    Eigen::VectorXd v(net.parameterCount());
    Eigen::VectorXd start(net.parameterCount());
    for (Eigen::Index k = 0; k < v.size(); ++k) {
      v(k) = rng.normal();
      start(k) = rng.normal();
    }
    for (const auto precision : {nnadc::nn::Precision::kDouble, nnadc::nn::Precision::kFloat}) {
      net.setPrecision(precision);
      Eigen::VectorXd hv;
      net.hessianVectorProduct(x, y, v, hv);
      const Eigen::VectorXd expected = start + hv * 0.7;
      Eigen::VectorXd target = start;
      net.addHessianVectorProduct(x, y, v, 0.7, target);
      CHECK(target == expected);
    }
  }

  TEST_CASE("HessianVectorProductNoticesChangedWeightsAndBatch") {
    // The product reuses the last exact forward pass only when weights and batch are the same:
    // after a gradient at w, a product at w' (one weight moved, or another batch) must equal the
    // product computed after a gradient at w' itself.
    Mlp net = randomNet({9, 70, 3}, 45);
    nnadc::Rng rng(46);
    const Eigen::MatrixXd x = randomBatch(9, 6, rng);
    Eigen::MatrixXd x2 = x;
    x2(4, 2) += 0.25;
    const std::vector<int> y = {0, 1, 2, 2, 1, 0};
    Eigen::VectorXd v(net.parameterCount());
    for (Eigen::Index k = 0; k < v.size(); ++k) v(k) = rng.normal();
    for (const auto precision : {nnadc::nn::Precision::kDouble, nnadc::nn::Precision::kFloat}) {
      net.setPrecision(precision);
      const Eigen::VectorXd saved = net.parameters();
      Eigen::VectorXd g;
      Eigen::VectorXd after_change;
      Eigen::VectorXd fresh;
      // A first-layer weight, a last-layer bias.
      for (const Eigen::Index k : {Eigen::Index{17}, net.parameterCount() - 1}) {
        CAPTURE(k);
        net.lossAndGradient(x, y, g);
        net.parameters()(k) += 0.05;
        net.hessianVectorProduct(x, y, v, after_change);
        net.lossAndGradient(x, y, g);
        net.hessianVectorProduct(x, y, v, fresh);
        CHECK(after_change == fresh);
        net.parameters() = saved;
        Eigen::VectorXd at_saved;
        net.lossAndGradient(x, y, g);
        net.hessianVectorProduct(x, y, v, at_saved);
        CHECK(at_saved != fresh);  // the change mattered
      }
      net.lossAndGradient(x, y, g);
      net.hessianVectorProduct(x2, y, v, after_change);
      net.lossAndGradient(x2, y, g);
      net.hessianVectorProduct(x2, y, v, fresh);
      CHECK(after_change == fresh);
    }
  }

  TEST_CASE("FloatTrainingIsTheSameOnOneAndTwoThreads") {
    // 130 hidden units: three row chunks per layer pass. Whole training runs (shuffling, passes,
    // Adam) must give the same bits for any thread count (issue 17).
    nnadc::nn::Dataset data;
    data.classes = 3;
    data.features.resize(16, 300);
    data.labels.resize(300);
    nnadc::Rng rng(5);
    for (Eigen::Index s = 0; s < 300; ++s) {
      data.labels[static_cast<std::size_t>(s)] = static_cast<int>(s % 3);
      for (Eigen::Index f = 0; f < 16; ++f) {
        data.features(f, s) =
            static_cast<float>(0.3 * static_cast<double>(s % 3 == f % 3) + 0.2 * rng.normal());
      }
    }
    nnadc::nn::TrainOptions options;
    options.epochs = 3;
    options.batch_size = 64;
    options.adam.learning_rate = 1e-2;
    const int saved_threads = nnadc::nn::threadCount();
    auto run = [&](int threads) {
      nnadc::nn::setThreadCount(threads);
      Mlp net = randomNet({16, 130, 3}, 6);
      net.setPrecision(nnadc::nn::Precision::kFloat);
      nnadc::Rng shuffle(7);
      nnadc::nn::train(net, data, options, shuffle);
      return net;
    };
    forEachFloatKernel([&] {
      const Mlp one = run(1);
      const Mlp two = run(2);
      CHECK(one.parameters() == two.parameters());
      CHECK(nnadc::nn::evaluate(one, data).accuracy > 0.8);  // and it learned
    });
    nnadc::nn::setThreadCount(saved_threads);
  }

  TEST_CASE("BadTrainOptionsNameTheField") {
    nnadc::nn::TrainOptions options;
    options.batch_size = 0;
    try {
      options.validate();
      FAIL("no error");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-CFG-003");
      CHECK(e.message() == "field 'batch_size' = 0 is outside [1, inf)");
    }
  }
}
