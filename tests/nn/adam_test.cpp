#include "nnadc/nn/adam.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"

TEST_SUITE("nn") {
  TEST_CASE("AdamMinimisesAQuadraticBowl") {
    // f(w) = sum a_i (w_i - c_i)^2 with very different curvatures: Adam's per-coordinate scaling
    // must still reach the minimum c.
    Eigen::VectorXd a(3);
    a << 1.0, 100.0, 0.01;
    Eigen::VectorXd c(3);
    c << 1.0, -2.0, 0.5;
    Eigen::VectorXd w = Eigen::VectorXd::Zero(3);
    nnadc::nn::AdamOptions options;
    options.learning_rate = 0.05;
    options.decay_every = 1000;
    nnadc::nn::Adam adam(3, options);
    for (int i = 0; i < 5000; ++i) {
      const Eigen::VectorXd g = 2.0 * a.cwiseProduct(w - c);
      adam.step(w, g);
    }
    // After 5 halvings the step is ~1e-3 lr-scale; 1e-3 absolute covers Adam's residual jitter.
    for (int i = 0; i < 3; ++i) CHECK(w(i) == doctest::Approx(c(i)).epsilon(1e-3));
  }

  TEST_CASE("FirstAdamStepHasTheLearningRateAsMagnitude") {
    // With bias correction, step 1 moves each coordinate by lr * g/|g| (up to epsilon).
    nnadc::nn::AdamOptions options;
    options.learning_rate = 0.1;
    nnadc::nn::Adam adam(2, options);
    Eigen::VectorXd w = Eigen::VectorXd::Zero(2);
    Eigen::VectorXd g(2);
    g << 3.0, -0.001;
    adam.step(w, g);
    CHECK(w(0) == doctest::Approx(-0.1).epsilon(1e-6));
    CHECK(w(1) == doctest::Approx(0.1).epsilon(1e-4));  // epsilon 1e-8 vs |g| 1e-3
  }

  TEST_CASE("StepScheduleHalvesTheRate") {
    nnadc::nn::AdamOptions options;
    options.decay_every = 10;
    nnadc::nn::Adam adam(1, options);
    Eigen::VectorXd w = Eigen::VectorXd::Zero(1);
    for (int i = 0; i < 25; ++i) adam.step(w, Eigen::VectorXd::Ones(1));
    CHECK(adam.learningRate() == doctest::Approx(1e-3 * 0.25));
  }

  TEST_CASE("AdamStepsAreThePapersFormulaBitForBit") {
    // Kingma & Ba's update written out here, scalar, in the same operation order as documented
    // in adam.cpp (with weight decay): the SIMD pairs must give the same bits, the odd tail and
    // a vector long enough for the parallel chunks (2^16 + 3 elements) included.
    nnadc::nn::AdamOptions o;
    o.learning_rate = 3e-3;
    o.weight_decay = 1e-4;
    const Eigen::Index n = (Eigen::Index{1} << 16) + 3;
    nnadc::Rng rng(11);
    Eigen::VectorXd p(n);
    Eigen::VectorXd g(n);
    for (Eigen::Index i = 0; i < n; ++i) p(i) = rng.normal();
    Eigen::VectorXd q = p;
    Eigen::VectorXd m = Eigen::VectorXd::Zero(n);
    Eigen::VectorXd v = Eigen::VectorXd::Zero(n);
    nnadc::nn::Adam adam(n, o);
    for (int t = 1; t <= 3; ++t) {
      for (Eigen::Index i = 0; i < n; ++i) g(i) = rng.normal();
      adam.step(p, g);
      const double c1 = 1.0 - std::pow(o.beta1, t);
      const double c2 = 1.0 - std::pow(o.beta2, t);
      for (Eigen::Index i = 0; i < n; ++i) {
        const double gi = g(i) + o.weight_decay * q(i);
        m(i) = o.beta1 * m(i) + (1.0 - o.beta1) * gi;
        v(i) = o.beta2 * v(i) + (1.0 - o.beta2) * (gi * gi);
        q(i) -= o.learning_rate * (m(i) / c1) / (std::sqrt(v(i) / c2) + o.epsilon);
      }
    }
    CHECK(p == q);
  }

  TEST_CASE("BadAdamOptionsNameTheField") {
    nnadc::nn::AdamOptions options;
    options.learning_rate = -1;
    CHECK_THROWS_WITH_AS(options.validate(), doctest::Contains("learning_rate"), nnadc::InputError);
  }
}
