// Hardware error models: spec parsing and errors, the NTV table, and each model's forward pass
// against a brute-force or statistical expectation.
#include "nnadc/axtrain/error_model.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/nn/parallel.h"

using nnadc::axtrain::ErrorModelKind;
using nnadc::axtrain::ErrorModelSpec;
using nnadc::axtrain::HardwareModel;

namespace {

nnadc::nn::Mlp randomNet(std::vector<Eigen::Index> sizes, std::uint64_t seed) {
  nnadc::nn::Mlp net(std::move(sizes));
  nnadc::Rng rng(seed);
  net.initialize(rng);
  return net;
}

// The hardware weights of layer 0 after a draw: apply() to the identity, zero bias.
Eigen::MatrixXd hardwareWeights(HardwareModel& hw, const nnadc::nn::Mlp& net) {
  const auto w = net.weights(0);
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(w.cols(), w.cols());
  Eigen::MatrixXd z;
  hw.apply(0, w, Eigen::VectorXd::Zero(w.rows()), eye, z);
  return z;
}

}  // namespace

TEST_SUITE("axtrain") {
  TEST_CASE("ErrorModelSpecsParseAndPrintCanonically") {
    CHECK(ErrorModelSpec::parse("none").kind == ErrorModelKind::kNone);
    const auto m = ErrorModelSpec::parse("mult:trunc8");
    CHECK(m.kind == ErrorModelKind::kMultiplier);
    CHECK(m.name() == "mult:trunc8");
    const auto v = ErrorModelSpec::parse("ntv:0.6V");
    CHECK(v.bit_error_rate == doctest::Approx(1e-3).epsilon(1e-12));  // a table point
    CHECK(v.name() == "ntv:0.6V");
    CHECK(ErrorModelSpec::parse("ntv:ber=0.01").bit_error_rate == 0.01);
    const auto r = ErrorModelSpec::parse("rram:sigma=0.3,bits=3");
    CHECK(r.rram_sigma == 0.3);
    CHECK(r.rram_bits == 3);
    CHECK(ErrorModelSpec::parse("rram:sigma=0.1").rram_bits == 4);  // documented default
  }

  TEST_CASE("NtvTableInterpolatesLogLinearly") {
    // Between 0.60 V (1e-3) and 0.65 V (1e-4), halfway is the geometric mean sqrt(1e-7).
    CHECK(nnadc::axtrain::bitErrorRateAt(0.625) ==
          doctest::Approx(std::sqrt(1e-7)).epsilon(1e-9));  // exp/log round trip only
    CHECK(nnadc::axtrain::bitErrorRateAt(1.0) == 0.0);
    try {
      nnadc::axtrain::bitErrorRateAt(0.4);
      FAIL("no error");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-AXT-004");
      CHECK(e.message() == "ntv voltage 0.4 V is outside the BER table [0.5, 1] V");
    }
  }

  TEST_CASE("BadErrorModelSpecsGiveAxt002WordForWord") {
    const std::string accepted =
        " (accepted: none, mult:<design>, ntv:<V>V, ntv:ber=<p>, rram:sigma=<s>[,bits=<b>])";
    struct Bad {
      const char* text;
      const char* why;
    };
    for (const Bad& bad : {Bad{"foo", "missing '<kind>:'"}, Bad{"foo:1", "unknown kind 'foo'"},
                           Bad{"ntv:fast", "ntv needs a voltage like 0.6V or ber=<p>"},
                           Bad{"ntv:ber=2", "ber must be a number in [0, 0.5]"},
                           Bad{"rram:bits=3", "rram needs sigma=<s>"},
                           Bad{"rram:sigma=0.1,bits=9", "bits must be an integer in [1, 8]"},
                           Bad{"rram:sigma=0.1,x=1", "unknown rram parameter 'x=1'"}}) {
      CAPTURE(bad.text);
      try {
        ErrorModelSpec::parse(bad.text);
        FAIL("no error");
      } catch (const nnadc::InputError& e) {
        CHECK(e.id() == "NNADC-AXT-002");
        CHECK(e.message() == "error model '" + std::string(bad.text) + "': " + bad.why + accepted);
      }
    }
  }

  TEST_CASE("MultiplierLayerEqualsABruteForceSumOfApproximateProducts") {
    const auto net = randomNet({7, 5, 2}, 21);
    HardwareModel hw(ErrorModelSpec::parse("mult:bam2-10"));
    nnadc::Rng rng(1);
    hw.draw(net, rng);
    Eigen::MatrixXd x(7, 4);
    nnadc::Rng data(2);
    for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = data.normal();  // signed inputs
    const Eigen::VectorXd bias = Eigen::VectorXd::LinSpaced(5, -1.0, 1.0);
    Eigen::MatrixXd z;
    hw.apply(0, net.weights(0), bias, x, z);
    // Independent: quantise each operand to sign-magnitude 8 bits and multiply bit-level.
    const auto w = net.weights(0);
    const double sw = w.cwiseAbs().maxCoeff() / 255.0;
    const double sa = x.cwiseAbs().maxCoeff() / 255.0;
    for (Eigen::Index s = 0; s < x.cols(); ++s) {
      for (Eigen::Index i = 0; i < w.rows(); ++i) {
        double acc = 0.0;
        for (Eigen::Index j = 0; j < w.cols(); ++j) {
          const auto a = static_cast<std::uint32_t>(std::round(std::abs(x(j, s)) / sa));
          const auto b = static_cast<std::uint32_t>(std::round(std::abs(w(i, j)) / sw));
          const double sign = (x(j, s) < 0) == (w(i, j) < 0) ? 1.0 : -1.0;
          acc += sign * nnadc::axtrain::approximateProduct(hw.spec().multiplier, a, b);
        }
        // Same integer sum, scaled once: agree to rounding of one product and one sum (1e-12).
        CHECK(z(i, s) == doctest::Approx(acc * sw * sa + bias(i)).epsilon(1e-12));
      }
    }
  }

  TEST_CASE("MultiplierLayerOverManySamplesIsTheSameOnOneAndTwoThreads") {
    // 70 samples: three column chunks of 32, each quantised and looked up on its own. The
    // activation scale is the whole batch's, so every chunk must agree with the brute force.
    const auto net = randomNet({9, 80, 3}, 23);
    HardwareModel hw(ErrorModelSpec::parse("mult:udm"));
    nnadc::Rng rng(1);
    hw.draw(net, rng);
    Eigen::MatrixXd x(9, 70);
    nnadc::Rng data(3);
    for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = data.normal();
    const Eigen::VectorXd bias = Eigen::VectorXd::Zero(80);
    const int saved_threads = nnadc::nn::threadCount();
    Eigen::MatrixXd z1;
    Eigen::MatrixXd z2;
    nnadc::nn::setThreadCount(1);
    hw.apply(0, net.weights(0), bias, x, z1);
    nnadc::nn::setThreadCount(2);
    hw.apply(0, net.weights(0), bias, x, z2);
    nnadc::nn::setThreadCount(saved_threads);
    CHECK(z1 == z2);
    const auto w = net.weights(0);
    const double sw = w.cwiseAbs().maxCoeff() / 255.0;
    const double sa = x.cwiseAbs().maxCoeff() / 255.0;
    for (const Eigen::Index s :
         {Eigen::Index{0}, Eigen::Index{31}, Eigen::Index{32}, Eigen::Index{69}}) {
      for (Eigen::Index i = 0; i < w.rows(); i += 13) {
        double acc = 0.0;
        for (Eigen::Index j = 0; j < w.cols(); ++j) {
          const auto a = static_cast<std::uint32_t>(std::round(std::abs(x(j, s)) / sa));
          const auto b = static_cast<std::uint32_t>(std::round(std::abs(w(i, j)) / sw));
          const double sign = (x(j, s) < 0) == (w(i, j) < 0) ? 1.0 : -1.0;
          acc += sign * nnadc::axtrain::approximateProduct(hw.spec().multiplier, a, b);
        }
        CHECK(z2(i, s) == doctest::Approx(acc * sw * sa).epsilon(1e-12));
      }
    }
  }

  TEST_CASE("FloatMultiplierLayerIsTheDoubleLayerRoundedToFloat") {
    // The float pass's multiplier layer sums the same integers (inputs that float holds exactly
    // quantise to the same codes), scales them in double and rounds once: the double layer's
    // values rounded to float, bit for bit. 37 samples: a 32-sample chunk and a partial one,
    // groups of 4 and a partial group.
    const auto net = randomNet({30, 70, 3}, 29);
    HardwareModel hw(ErrorModelSpec::parse("mult:trunc11"));
    nnadc::Rng rng(1);
    hw.draw(net, rng);
    Eigen::MatrixXf xf(30, 37);
    nnadc::Rng data(4);
    for (Eigen::Index k = 0; k < xf.size(); ++k) {
      xf.data()[k] = static_cast<float>(std::max(0.0, data.normal()));  // ReLU-like: many zeros
    }
    const Eigen::MatrixXd xd = xf.cast<double>();
    const Eigen::VectorXd bias = Eigen::VectorXd::LinSpaced(70, -0.5, 0.5);
    Eigen::MatrixXd zd;
    Eigen::MatrixXf zf;
    hw.apply(0, net.weights(0), bias, xd, zd);
    hw.applyFloat(0, net.weights(0), bias, xf, zf);
    CHECK(zf == zd.cast<float>());
  }

  TEST_CASE("NibbleKernelGivesTheBaselineLoopsBitsForEveryDesign") {
    // The AVX2 nibble kernel (run-time dispatch) against the baseline lookup loop: both sum the
    // same integers, so the layer must agree bit for bit. 300 inputs (int16 partial sums widened
    // many times), 70 outputs (a padded block), signed inputs with zeros.
    const auto net = randomNet({300, 70, 3}, 37);
    Eigen::MatrixXd x(300, 9);
    nnadc::Rng data(5);
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      x.data()[k] = k % 5 == 0 ? 0.0 : data.normal();
    }
    const Eigen::VectorXd bias = Eigen::VectorXd::Zero(70);
    for (const char* design : {"mult:exact", "mult:udm", "mult:trunc11", "mult:bam4-12"}) {
      CAPTURE(design);
      HardwareModel hw(ErrorModelSpec::parse(design));
      if (!hw.vectorKernels()) {
        MESSAGE("no AVX2 on this CPU: only the baseline loop runs");
        continue;
      }
      nnadc::Rng rng(1);
      hw.draw(net, rng);
      Eigen::MatrixXd vector_z;
      Eigen::MatrixXd baseline_z;
      hw.apply(0, net.weights(0), bias, x, vector_z);
      hw.setVectorKernels(false);
      CHECK_FALSE(hw.vectorKernels());
      hw.apply(0, net.weights(0), bias, x, baseline_z);
      CHECK(vector_z == baseline_z);
    }
  }

  TEST_CASE("NtvFlipsBitsAtTheRequestedRate") {
    const auto net = randomNet({200, 100}, 3);
    HardwareModel hw(ErrorModelSpec::parse("ntv:ber=0.01"));
    nnadc::Rng rng(4);
    hw.draw(net, rng);
    const Eigen::MatrixXd flipped = hardwareWeights(hw, net);
    const auto w = net.weights(0);
    const double step = w.cwiseAbs().maxCoeff() / 127.0;
    long flips = 0;
    for (Eigen::Index k = 0; k < w.size(); ++k) {
      const auto clean = static_cast<std::int8_t>(std::round(w.data()[k] / step));
      const auto hard = static_cast<std::int8_t>(std::round(flipped.data()[k] / step));
      flips += std::popcount(static_cast<std::uint8_t>(clean ^ hard));
    }
    // 160,000 bits at p = 0.01: mean 1600, std sqrt(1600 * 0.99) ~ 40; 5 sigma = 200.
    CHECK(std::abs(static_cast<double>(flips) - 1600.0) < 200.0);
  }

  TEST_CASE("RramVariationIsLognormalAroundTheQuantisedLevels") {
    const auto net = randomNet({400, 100}, 5);
    HardwareModel hw(ErrorModelSpec::parse("rram:sigma=0.2,bits=8"));
    nnadc::Rng rng(6);
    hw.draw(net, rng);
    const Eigen::MatrixXd varied = hardwareWeights(hw, net);
    const auto w = net.weights(0);
    const double step = w.cwiseAbs().maxCoeff() / 255.0;
    double sum = 0.0;
    double sum2 = 0.0;
    long n = 0;
    for (Eigen::Index k = 0; k < w.size(); ++k) {
      const double level = std::round(std::abs(w.data()[k]) / step) * step;
      if (level == 0.0) continue;
      CHECK((varied.data()[k] < 0) == (w.data()[k] < 0));
      const double log_ratio = std::log(std::abs(varied.data()[k]) / level);
      sum += log_ratio;
      sum2 += log_ratio * log_ratio;
      ++n;
    }
    const double mean = sum / static_cast<double>(n);
    const double sd = std::sqrt(sum2 / static_cast<double>(n) - mean * mean);
    // ~39,000 samples of N(0, 0.2^2): std error of the mean 0.001 and of the sd 0.0007;
    // 0.006 is > 5 standard errors.
    CHECK(std::abs(mean) < 0.006);
    CHECK(std::abs(sd - 0.2) < 0.006);
  }

  TEST_CASE("ErrorScaleMatchesTheMonteCarloDeviationOfTheWeights") {
    const auto net = randomNet({300, 100}, 7);
    for (const char* spec : {"ntv:ber=0.005", "rram:sigma=0.3,bits=4"}) {
      CAPTURE(spec);
      HardwareModel hw(ErrorModelSpec::parse(spec));
      const Eigen::VectorXd s2 = hw.errorScaleSquared(net);
      const double predicted = s2.segment(net.weightOffset(0), net.weights(0).size()).mean();
      CHECK(s2.segment(net.biasOffset(0), 100).cwiseAbs().maxCoeff() == 0.0);  // exact biases
      double measured = 0.0;
      constexpr int kDraws = 20;
      for (int d = 0; d < kDraws; ++d) {
        nnadc::Rng rng(100 + static_cast<std::uint64_t>(d));
        hw.draw(net, rng);
        measured += (hardwareWeights(hw, net) - net.weights(0)).squaredNorm();
      }
      measured /= kDraws * static_cast<double>(net.weights(0).size());
      // The formula neglects double flips (O(p) relative) and treats rounding as uniform; 600k
      // samples of a heavy-tailed square (MSB flips): 8% covers the sampling error (~3%).
      CHECK(measured == doctest::Approx(predicted).epsilon(0.08));
    }
  }

  TEST_CASE("MultiplierModelIsDeterministicAcrossDraws") {
    const auto net = randomNet({20, 6}, 8);
    HardwareModel hw(ErrorModelSpec::parse("mult:udm"));
    Eigen::MatrixXd x = Eigen::MatrixXd::Ones(20, 3);
    Eigen::MatrixXd z1;
    Eigen::MatrixXd z2;
    nnadc::Rng a(1);
    hw.draw(net, a);
    hw.apply(0, net.weights(0), net.bias(0), x, z1);
    nnadc::Rng b(2);
    hw.draw(net, b);
    hw.apply(0, net.weights(0), net.bias(0), x, z2);
    CHECK(z1 == z2);
    REQUIRE(hw.multiplierStats().has_value());
  }
}
