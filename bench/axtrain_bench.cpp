// AxTrain benchmark (issues 7, 17): training throughput of the baseline 784-256-10 MLP (samples
// per second per epoch, exact arithmetic) on every core and on one, and the same epoch with
// passive (approximate-multiplier forward), active (sensitivity penalty) and both, as ratios to
// plain; evaluation on the multiplier tables; and, when python3-torch is installed, the PyTorch
// peer (bench/torch_peer.py) in the same run, with the ratio. Uses Fashion-MNIST when installed
// (Debian package dataset-fashion-mnist), else a synthetic set of the same shape: throughput does
// not depend on pixel values. Prints figures; never fails on timing.
// Every pass runs in float (nn::Precision::kFloat, what nnadc axtrain uses), its products on the
// AVX2/FMA kernel when the CPU has it; the plain case is repeated in double and on the SSE2
// baseline products in the same run for comparison.
// Usage: axtrain_bench [samples [only]] (NNADC_THREADS sets the thread count; default: every
// core). `only` (for profiling) runs just the training case whose name starts with it, or
// "eval" the evaluation alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "nnadc/axtrain/axtrain.h"
#include "nnadc/nn/parallel.h"

namespace {

using Clock = std::chrono::steady_clock;

double plainRate(const nnadc::nn::Dataset& train, const nnadc::nn::TrainOptions& options,
                 nnadc::nn::Precision precision) {
  nnadc::nn::Mlp net({train.featureCount(), 256, 10});
  net.setPrecision(precision);
  nnadc::Rng init(1);
  net.initialize(init);
  nnadc::Rng rng(2);
  return nnadc::nn::train(net, train, options, rng).history.front().samples_per_second;
}

// Runs the PyTorch peer at 1 and `threads` threads; returns its best rate (0 when skipped).
double torchPeer(long samples, int threads) {
  // Appended piece by piece (GCC 12 at -O3 warns, falsely, on `"literal" + std::string&&`).
  // Debian's python3-torch is installed for the system interpreter: prefer it to whatever
  // `python3` a PATH (pyenv, a venv) finds first.
  std::string command = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3 '" : "python3 '";
  command += NNADC_SOURCE_DIR;
  command += "/bench/torch_peer.py' ";
  command += std::to_string(samples);
  command += " 1";
  if (threads > 1) {
    command += " ";
    command += std::to_string(threads);
  }
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::printf("peer skipped: cannot run python3\n");
    return 0.0;
  }
  double best = 0.0;
  char line[512];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::fputs(line, stdout);
    const std::string text(line);
    const auto at = text.find("samples_per_second ");
    if (at != std::string::npos) best = std::max(best, std::atof(text.c_str() + at + 19));
  }
  if (pclose(pipe) != 0 && best == 0.0) std::printf("peer skipped: torch_peer.py failed\n");
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const long samples = argc > 1 ? std::atol(argv[1]) : 60000;
  if (argc > 3 || samples < 1) {
    std::fprintf(stderr,
                 "usage: axtrain_bench [samples (>= 1, default 60000) [only]]\n"
                 "  only: run just the training case whose name starts with it, or \"eval\"\n"
                 "  NNADC_THREADS: thread count (default: every core)\n");
    return argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") ? 0 : 2;
  }
  const std::string only = argc > 2 ? argv[2] : "";
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
  const int threads = nnadc::nn::threadCount();

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
      {"active (penalty, exact H v)", nnadc::axtrain::Mode::kActive, &rram},
      {"both rram:sigma=0.5", nnadc::axtrain::Mode::kBoth, &rram}};
  // Warm-up, untimed: the first epoch of a process pays for first-touch page faults of the
  // pass buffers, the allocator growing its heap and the CPU's clock ramp (measured: 33k
  // samples/s for a first 30k-sample plain epoch, 46k for the same epoch run later).
  plainRate(nnadc::nn::sliceDataset(train, 0, std::min<Eigen::Index>(train.size(), 8192)), options,
            nnadc::nn::Precision::kFloat);
  double plain_rate = 0.0;
  for (const Case& c : cases) {
    if (!only.empty() && std::string(c.name).rfind(only, 0) != 0) continue;
    nnadc::nn::Mlp net({kPixels, 256, kClasses});
    net.setPrecision(nnadc::nn::Precision::kFloat);
    nnadc::Rng init(1);
    net.initialize(init);
    nnadc::Rng rng(2);
    nnadc::axtrain::AxTrainHooks hooks(c.mode, *c.hw, nnadc::axtrain::PenaltyOptions{});
    const std::clock_t cpu_start = std::clock();
    const auto summary = nnadc::nn::train(net, train, options, rng, &hooks);
    const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const double rate = summary.history.front().samples_per_second;
    if (c.mode == nnadc::axtrain::Mode::kPlain) plain_rate = rate;
    // CPU time of all threads: on a machine shared with other jobs the wall rate depends on the
    // share the scheduler grants; samples per CPU-second and the CPUs used show the rest.
    std::printf("%-38s %9.0f samples/s  (%.2fx plain, %d threads; %.0f per CPU-s, %.2f CPUs)\n",
                c.name, rate, rate / plain_rate, threads, static_cast<double>(train.size()) / cpu_s,
                cpu_s * rate / static_cast<double>(train.size()));
  }
  if (!only.empty() && only != "eval") return 0;
  // Scaling: plain on one thread, and plain in double, in the same run.
  if (only.empty()) {
    nnadc::nn::setThreadCount(1);
    const double one_thread = plainRate(train, options, nnadc::nn::Precision::kFloat);
    nnadc::nn::setThreadCount(threads);
    std::printf("%-38s %9.0f samples/s  (%d threads: %.2fx one thread)\n", "plain, one thread",
                one_thread, threads, plain_rate / one_thread);
    const double in_double = plainRate(train, options, nnadc::nn::Precision::kDouble);
    std::printf("%-38s %9.0f samples/s  (float: %.2fx double)\n", "plain, double passes", in_double,
                plain_rate / in_double);
    if (nnadc::nn::vectorGemm()) {
      nnadc::nn::setVectorGemm(false);
      const double baseline = plainRate(train, options, nnadc::nn::Precision::kFloat);
      nnadc::nn::setVectorGemm(true);
      std::printf("%-38s %9.0f samples/s  (AVX2/FMA products: %.2fx this)\n",
                  "plain, SSE2 baseline products", baseline, plain_rate / baseline);
    }
  }
  nnadc::nn::Mlp net({kPixels, 256, kClasses});
  net.setPrecision(nnadc::nn::Precision::kFloat);
  nnadc::Rng init(1);
  net.initialize(init);
  const nnadc::nn::Dataset eval = nnadc::nn::sliceDataset(train, 0, 10000);
  nnadc::Rng rng(3);
  mult.draw(net, rng);
  // The lookups on the AVX2 nibble kernel when the CPU has AVX2, then the baseline loop (the
  // same results).
  const bool avx2 = mult.vectorKernels();
  for (const bool vector : {true, false}) {
    if (vector && !avx2) continue;
    mult.setVectorKernels(vector);
    const std::clock_t cpu_start = std::clock();
    const auto start = Clock::now();
    nnadc::nn::evaluate(net, eval, &mult);
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const auto n = static_cast<double>(eval.size());
    std::printf(
        "evaluation on the approximate multiplier (LUT, %s): %.0f samples/s (%.0f per CPU-s)\n",
        vector ? "AVX2 nibble kernel" : "baseline loop", n / s, n / cpu_s);
  }
  mult.setVectorKernels(avx2);
  if (!only.empty()) return 0;
  const double peer = torchPeer(static_cast<long>(train.size()), threads);
  if (peer > 0.0) {
    std::printf("plain / PyTorch peer (best of 1 and %d threads): %.2fx\n", threads,
                plain_rate / peer);
  }
  return 0;
}
