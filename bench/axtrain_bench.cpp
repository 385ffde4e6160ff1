// AxTrain benchmark (issue 7): training throughput of the baseline 784-256-10 MLP (samples per
// second per epoch, exact arithmetic), and the same epoch with passive (approximate-multiplier
// forward), active (sensitivity penalty) and both, as ratios to plain. Uses Fashion-MNIST when
// installed (Debian package dataset-fashion-mnist), else a synthetic set of the same shape:
// throughput does not depend on pixel values. Prints figures; never fails on timing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "nnadc/axtrain/axtrain.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  const long samples = argc > 1 ? std::atol(argv[1]) : 60000;
  constexpr Eigen::Index kPixels = 784;
  constexpr int kClasses = 10;
  nnadc::nn::Dataset train;
  const char* source = "synthetic (784 features, 10 classes)";
  if (std::filesystem::exists(std::filesystem::path(nnadc::axtrain::kFashionMnistDirectory) /
                              "train-images-idx3-ubyte.gz")) {
    train = nnadc::axtrain::loadFashionMnist(nnadc::axtrain::kFashionMnistDirectory).train;
    source = "Fashion-MNIST";
  } else {
    train = nnadc::axtrain::syntheticDataset(samples, kPixels, kClasses, 0.3, 1);
  }
  train = nnadc::nn::sliceDataset(train, 0, samples);
  std::printf("data: %s, %ld training samples; MLP 784-256-10, batch 128, Adam, 1 epoch each\n",
              source, static_cast<long>(train.size()));

  nnadc::nn::TrainOptions options;
  options.epochs = 1;
  options.batch_size = 128;
  nnadc::axtrain::HardwareModel mult(nnadc::axtrain::ErrorModelSpec::parse("mult:bam4-12"));
  nnadc::axtrain::HardwareModel rram(nnadc::axtrain::ErrorModelSpec::parse("rram:sigma=0.5"));
  struct Case {
    const char* name;
    nnadc::axtrain::Mode mode;
    nnadc::axtrain::HardwareModel* hw;
  };
  const Case cases[] = {
      {"plain", nnadc::axtrain::Mode::kPlain, &mult},
      {"passive mult:bam4-12 (LUT forward)", nnadc::axtrain::Mode::kPassive, &mult},
      {"passive rram:sigma=0.5", nnadc::axtrain::Mode::kPassive, &rram},
      {"active (penalty, 3 gradients/step)", nnadc::axtrain::Mode::kActive, &rram},
      {"both rram:sigma=0.5", nnadc::axtrain::Mode::kBoth, &rram}};
  double plain_rate = 0.0;
  for (const Case& c : cases) {
    nnadc::nn::Mlp net({kPixels, 256, kClasses});
    nnadc::Rng init(1);
    net.initialize(init);
    nnadc::Rng rng(2);
    nnadc::axtrain::AxTrainHooks hooks(c.mode, *c.hw, nnadc::axtrain::PenaltyOptions{});
    const auto summary = nnadc::nn::train(net, train, options, rng, &hooks);
    const double rate = summary.history.front().samples_per_second;
    if (c.mode == nnadc::axtrain::Mode::kPlain) plain_rate = rate;
    std::printf("%-38s %9.0f samples/s  (%.2fx plain)\n", c.name, rate, rate / plain_rate);
  }
  nnadc::nn::Mlp net({kPixels, 256, kClasses});
  nnadc::Rng init(1);
  net.initialize(init);
  const nnadc::nn::Dataset eval = nnadc::nn::sliceDataset(train, 0, 10000);
  nnadc::Rng rng(3);
  mult.draw(net, rng);
  const auto start = Clock::now();
  nnadc::nn::evaluate(net, eval, &mult);
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("evaluation on the approximate multiplier (LUT): %.0f samples/s\n",
              static_cast<double>(eval.size()) / s);
  return 0;
}
