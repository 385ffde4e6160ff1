#include "nnadc/axtrain/axtrain.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::axtrain {

namespace {

constexpr int kMaxDraws = 100000;
/// Largest hidden layer: 8192 units take 784 x 8192 = 6.4 M weights after a Fashion-MNIST image,
/// 51 MB per copy; training holds four copies (weights, gradient, two Adam moments).
constexpr Eigen::Index kMaxHiddenUnits = 8192;
/// Most weights between two consecutive hidden layers: 2^24 = 16.8 M, 128 MiB per copy.
constexpr Eigen::Index kMaxLayerWeights = Eigen::Index{1} << 24;

}  // namespace

std::string modeName(Mode mode) {
  switch (mode) {
    case Mode::kPlain:
      return "plain";
    case Mode::kPassive:
      return "passive";
    case Mode::kActive:
      return "active";
    case Mode::kBoth:
      return "both";
  }
  return "?";
}

Mode parseMode(std::string_view text) {
  for (const Mode m : {Mode::kPlain, Mode::kPassive, Mode::kActive, Mode::kBoth}) {
    if (text == modeName(m)) return m;
  }
  throw InputError("NNADC-AXT-005",
                   "mode '" + std::string(text) + "' is not one of plain, passive, active, both");
}

void PenaltyOptions::validate() const {
  requireInRange("NNADC-AXT-006", "lambda", lambda, 0.0, 1e6);
  if (!(fd_step > 0.0)) {
    throw InputError("NNADC-AXT-006",
                     "field 'fd_step' = " + formatDouble(fd_step) + " is outside (0, 1]");
  }
  requireInRange("NNADC-AXT-006", "fd_step", fd_step, 0.0, 1.0);
}

double sensitivityPenalty(nn::Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& labels,
                          const Eigen::VectorXd& error_scale_squared, const PenaltyOptions& options,
                          const Eigen::VectorXd* loss_gradient, Eigen::VectorXd* penalty_gradient) {
  // Per-thread buffers: a training step allocates nothing once the sizes are known.
  thread_local Eigen::VectorXd own_gradient;
  thread_local Eigen::VectorXd v;
  if (loss_gradient == nullptr) {
    net.lossAndGradient(x, labels, own_gradient);
    loss_gradient = &own_gradient;
  }
  const double mean_s2 = error_scale_squared.mean();
  if (!(mean_s2 > 0.0)) {
    if (penalty_gradient != nullptr) penalty_gradient->setZero(net.parameterCount());
    return 0.0;
  }
  v = (error_scale_squared / mean_s2).cwiseProduct(*loss_gradient);
  const double penalty = options.lambda * v.dot(*loss_gradient);
  if (penalty_gradient == nullptr) return penalty;
  // grad P = 2 lambda H v, H v exact (R-operator) in the network's precision.
  net.hessianVectorProduct(x, labels, v, *penalty_gradient);
  *penalty_gradient *= 2.0 * options.lambda;
  return penalty;
}

AxTrainHooks::AxTrainHooks(Mode mode, HardwareModel& hardware, const PenaltyOptions& penalty)
    : mode_(mode), hardware_(&hardware), penalty_(penalty) {
  penalty_.validate();
}

nn::LinearEvaluator* AxTrainHooks::stepHardware(const nn::Mlp& net, Rng& rng) {
  if (mode_ != Mode::kPassive && mode_ != Mode::kBoth) return nullptr;
  hardware_->draw(net, rng);
  return hardware_;
}

double AxTrainHooks::addTerms(nn::Mlp& net, const Eigen::MatrixXd& x,
                              const std::vector<int>& labels, bool loss_gradient_is_exact,
                              Eigen::VectorXd& gradient) {
  if (mode_ != Mode::kActive && mode_ != Mode::kBoth) return 0.0;
  // sensitivityPenalty() with s^2 never formed: s_i^2 = a_l w_i^2 + c_l on layer l's weights, so
  // mean(s^2) comes from each layer's sum of squares, v from one pass over the weights, and
  // 2 lambda H v is added straight into `gradient` (it is read for v before, so needs no copy).
  const Eigen::VectorXd* g = &gradient;
  if (!loss_gradient_is_exact) {
    net.lossAndGradient(x, labels, own_gradient_);
    g = &own_gradient_;
  }
  hardware_->errorScaleLayers(net, scale_layers_);
  double s2_sum = 0.0;
  for (int l = 0; l < net.layerCount(); ++l) {
    const auto& c = scale_layers_[static_cast<std::size_t>(l)];
    const auto w = net.weights(l);
    s2_sum += c.weight_factor * w.squaredNorm() + c.floor * static_cast<double>(w.size());
  }
  const double mean_s2 = s2_sum / static_cast<double>(net.parameterCount());
  if (!(mean_s2 > 0.0)) return 0.0;
  direction_.resize(net.parameterCount());
  for (int l = 0; l < net.layerCount(); ++l) {
    const auto& c = scale_layers_[static_cast<std::size_t>(l)];
    const auto w = net.weights(l);
    const Eigen::Index offset = net.weightOffset(l);
    const auto w2 = Eigen::Map<const Eigen::ArrayXd>(w.data(), w.size()).square();
    direction_.segment(offset, w.size()).array() =
        (c.weight_factor * w2 + c.floor) / mean_s2 * g->segment(offset, w.size()).array();
    direction_.segment(net.biasOffset(l), w.rows()).setZero();
  }
  const double penalty = penalty_.lambda * direction_.dot(*g);
  net.addHessianVectorProduct(x, labels, direction_, 2.0 * penalty_.lambda, gradient);
  return penalty;
}

double gradientSensitivity(const nn::Mlp& net, const nn::Dataset& data,
                           const HardwareModel& hardware, Eigen::Index batch_size) {
  const Eigen::VectorXd s2 = hardware.errorScaleSquared(net);
  std::vector<Eigen::Index> indices;
  Eigen::MatrixXd x;
  std::vector<int> labels;
  Eigen::VectorXd g;
  double sum = 0.0;
  long batches = 0;
  for (Eigen::Index first = 0; first < data.size(); first += batch_size) {
    const Eigen::Index count = std::min(batch_size, data.size() - first);
    indices.resize(static_cast<std::size_t>(count));
    for (Eigen::Index k = 0; k < count; ++k) indices[static_cast<std::size_t>(k)] = first + k;
    nn::gatherBatch(data, indices, x, labels);
    net.lossAndGradient(x, labels, g);
    sum += s2.dot(g.cwiseProduct(g));
    ++batches;
  }
  return batches > 0 ? sum / static_cast<double>(batches) : 0.0;
}

HardwareEvaluation evaluateUnderError(const nn::Mlp& net, const nn::Dataset& data,
                                      HardwareModel& hardware, int draws, std::uint64_t seed) {
  HardwareEvaluation result;
  const nn::Evaluation exact = nn::evaluate(net, data);
  result.exact_accuracy = exact.accuracy;
  result.exact_loss = exact.loss;
  double loss_sum = 0.0;
  for (int k = 0; k < draws; ++k) {
    Rng rng(Rng::sampleSeed(seed, static_cast<std::uint64_t>(k)));
    hardware.draw(net, rng);
    const nn::Evaluation e = nn::evaluate(net, data, &hardware);
    result.accuracies.push_back(e.accuracy);
    loss_sum += e.loss;
  }
  const auto n = static_cast<double>(result.accuracies.size());
  if (n > 0) {
    double sum = 0.0;
    for (const double a : result.accuracies) sum += a;
    result.accuracy_mean = sum / n;
    double squares = 0.0;
    for (const double a : result.accuracies) {
      squares += (a - result.accuracy_mean) * (a - result.accuracy_mean);
    }
    const auto [lo, hi] = std::minmax_element(result.accuracies.begin(), result.accuracies.end());
    // Identical draws (deterministic hardware) give exactly 0, not the mean's rounding residue.
    result.accuracy_std = n > 1 && *lo != *hi ? std::sqrt(squares / (n - 1)) : 0.0;
    result.loss_mean = loss_sum / n;
    result.loss_increase = result.loss_mean - result.exact_loss;
  }
  return result;
}

void ExperimentOptions::validate() const {
  for (std::size_t i = 0; i < hidden.size(); ++i) {
    if (hidden[i] < 1 || hidden[i] > kMaxHiddenUnits) {
      throw InputError("NNADC-AXT-006", "field 'hidden' entry " + std::to_string(i) + " = " +
                                            std::to_string(hidden[i]) + " is outside [1, " +
                                            std::to_string(kMaxHiddenUnits) + "]");
    }
    if (i > 0 && hidden[i - 1] * hidden[i] > kMaxLayerWeights) {
      throw InputError("NNADC-AXT-006",
                       "field 'hidden' entries " + std::to_string(i - 1) + " and " +
                           std::to_string(i) + " (" + std::to_string(hidden[i - 1]) + " x " +
                           std::to_string(hidden[i]) + ") need more than " +
                           std::to_string(kMaxLayerWeights) + " weights between them");
    }
  }
  pretrain.validate();
  finetune.validate();
  penalty.validate();
  requireInRange("NNADC-AXT-006", "draws", draws, 1, kMaxDraws);
  if (modes.empty()) throw InputError("NNADC-AXT-006", "field 'modes' is empty");
}

ExperimentSummary runExperiment(const nn::Dataset& train, const nn::Dataset& test,
                                const ExperimentOptions& options, Logger& logger) {
  options.validate();
  if (train.size() == 0 || test.size() == 0 || train.featureCount() != test.featureCount()) {
    throw InputError("NNADC-AXT-007",
                     "training and test sets must be non-empty with the same "
                     "feature count (got " +
                         std::to_string(train.size()) + "x" + std::to_string(train.featureCount()) +
                         " and " + std::to_string(test.size()) + "x" +
                         std::to_string(test.featureCount()) + ")");
  }
  const int classes = std::max(train.classes, test.classes);
  std::vector<Eigen::Index> sizes = {train.featureCount()};
  sizes.insert(sizes.end(), options.hidden.begin(), options.hidden.end());
  sizes.push_back(classes);

  ExperimentSummary summary;
  nn::Mlp base(sizes);
  base.setPrecision(options.precision);  // copies (plain, every mode's net) inherit it
  {
    Rng init(Rng::sampleSeed(options.seed, 0));
    base.initialize(init);
    Rng shuffle(Rng::sampleSeed(options.seed, 1));
    logger.info("pre-training (plain, exact arithmetic)");
    summary.pretraining = nn::train(base, train, options.pretrain, shuffle, nullptr, logger);
  }
  summary.baseline_accuracy = nn::evaluate(base, test).accuracy;
  logger.info("baseline test accuracy " + std::to_string(summary.baseline_accuracy));

  // Every mode's fine-tuning uses the same shuffling seed, every evaluation the same error draws
  // (common random numbers: the modes are compared on identical conditions).
  const std::uint64_t finetune_seed = Rng::sampleSeed(options.seed, 2);
  const std::uint64_t draw_seed = Rng::sampleSeed(options.seed, 1000);
  auto finetune = [&](Mode mode, HardwareModel& hardware, nn::Mlp& net) {
    Rng rng(finetune_seed);
    AxTrainHooks hooks(mode, hardware, options.penalty);
    return nn::train(net, train, options.finetune, rng, &hooks, logger);
  };

  const bool want_plain =
      std::find(options.modes.begin(), options.modes.end(), Mode::kPlain) != options.modes.end();
  nn::Mlp plain = base;
  nn::TrainSummary plain_training;
  {
    HardwareModel none(ErrorModelSpec{});
    logger.info("fine-tuning: plain");
    plain_training = finetune(Mode::kPlain, none, plain);
  }
  summary.plain_accuracy = nn::evaluate(plain, test).accuracy;

  for (const ErrorModelSpec& spec : options.models) {
    ModelResult model;
    model.spec = spec;
    HardwareModel hardware(spec);
    model.multiplier_stats = hardware.multiplierStats();
    const HardwareEvaluation plain_eval =
        evaluateUnderError(plain, test, hardware, options.draws, draw_seed);
    for (const Mode mode : options.modes) {
      ModeResult r;
      r.mode = mode;
      nn::Mlp net = plain;
      if (mode == Mode::kPlain) {
        r.training = plain_training;
        r.evaluation = plain_eval;
      } else {
        net = base;
        logger.info("fine-tuning: " + modeName(mode) + " on " + spec.name());
        r.training = finetune(mode, hardware, net);
        r.evaluation = evaluateUnderError(net, test, hardware, options.draws, draw_seed);
      }
      r.sensitivity = gradientSensitivity(net, test, hardware, options.finetune.batch_size);
      const double lost = plain_eval.exact_accuracy - plain_eval.accuracy_mean;
      if (lost > 0.0) {
        r.recovered_share = (r.evaluation.accuracy_mean - plain_eval.accuracy_mean) / lost;
      }
      logger.info(spec.name() + " " + modeName(mode) + ": exact " +
                  std::to_string(r.evaluation.exact_accuracy) + ", hardware " +
                  std::to_string(r.evaluation.accuracy_mean) + " +- " +
                  std::to_string(r.evaluation.accuracy_std));
      model.modes.push_back(std::move(r));
    }
    if (!want_plain) {
      // The recovered share needs plain's result; report it even when plain was not requested.
      ModeResult r;
      r.mode = Mode::kPlain;
      r.training = plain_training;
      r.evaluation = plain_eval;
      r.sensitivity = gradientSensitivity(plain, test, hardware, options.finetune.batch_size);
      model.modes.insert(model.modes.begin(), std::move(r));
    }
    summary.models.push_back(std::move(model));
  }
  return summary;
}

TrainTest loadFashionMnist(const std::filesystem::path& directory) {
  auto find = [&](const std::string& stem) {
    for (const std::string& name : {stem + ".gz", stem}) {
      const auto path = directory / name;
      if (std::filesystem::is_regular_file(path)) return path;
    }
    throw InputError("NNADC-AXT-001",
                     "Fashion-MNIST file '" + stem + "[.gz]' not found in '" + directory.string() +
                         "': install the Debian package dataset-fashion-mnist (apt-get install "
                         "dataset-fashion-mnist, files in " +
                         kFashionMnistDirectory + "), pass --data DIR, or use --synthetic");
  };
  TrainTest data;
  // Look every file up first (in a fixed order) so a partial install fails before any reading.
  const auto train_images = find("train-images-idx3-ubyte");
  const auto train_labels = find("train-labels-idx1-ubyte");
  const auto test_images = find("t10k-images-idx3-ubyte");
  const auto test_labels = find("t10k-labels-idx1-ubyte");
  data.train = nn::readIdxDataset(train_images, train_labels);
  data.test = nn::readIdxDataset(test_images, test_labels);
  return data;
}

nn::Dataset syntheticDataset(Eigen::Index samples, Eigen::Index features, int classes, double noise,
                             std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd prototypes(features, classes);
  for (Eigen::Index k = 0; k < prototypes.size(); ++k) prototypes.data()[k] = rng.uniform();
  nn::Dataset data;
  data.classes = classes;
  data.features.resize(features, samples);
  data.labels.resize(static_cast<std::size_t>(samples));
  for (Eigen::Index s = 0; s < samples; ++s) {
    const int label = static_cast<int>(rng.below(static_cast<std::uint64_t>(classes)));
    data.labels[static_cast<std::size_t>(s)] = label;
    for (Eigen::Index f = 0; f < features; ++f) {
      const double v = prototypes(f, label) + noise * rng.normal();
      data.features(f, s) = static_cast<float>(std::clamp(v, 0.0, 1.0));
    }
  }
  return data;
}

}  // namespace nnadc::axtrain
