#include "nnadc/axtrain/study.h"

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::axtrain {

namespace {

constexpr double kMaxSyntheticSamples = 1e7;
constexpr double kMaxLimit = 1e9;

}  // namespace

void requireFieldInRange(std::string_view field, double value, double lo, double hi) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    throw InputError("NNADC-AXT-006", "field '" + std::string(field) +
                                          "' = " + formatDouble(value) + " is outside [" +
                                          formatDouble(lo) + ", " + formatDouble(hi) + "]");
  }
}

void DataOptions::validate() const {
  requireFieldInRange("synthetic", static_cast<double>(synthetic), 0, kMaxSyntheticSamples);
  requireFieldInRange("train-limit", static_cast<double>(train_limit), 0, kMaxLimit);
  requireFieldInRange("test-limit", static_cast<double>(test_limit), 0, kMaxLimit);
}

std::string DataOptions::source() const { return synthetic > 0 ? "synthetic" : directory; }

TrainTest loadData(const DataOptions& options, std::uint64_t seed) {
  TrainTest data;
  if (options.synthetic > 0) {
    const Eigen::Index test_samples = std::max<Eigen::Index>(1, options.synthetic / 4);
    const nn::Dataset all = syntheticDataset(options.synthetic + test_samples, kSyntheticFeatures,
                                             kSyntheticClasses, kSyntheticNoise, seed);
    data.train = nn::sliceDataset(all, 0, options.synthetic);
    data.test = nn::sliceDataset(all, options.synthetic, test_samples);
  } else {
    data = loadFashionMnist(options.directory);
  }
  if (options.train_limit > 0) data.train = nn::sliceDataset(data.train, 0, options.train_limit);
  if (options.test_limit > 0) data.test = nn::sliceDataset(data.test, 0, options.test_limit);
  return data;
}

void StudyOptions::validate() const {
  data.validate();
  experiment.validate();
}

Study runStudy(const StudyOptions& options, Logger& logger) {
  options.validate();
  const TrainTest data = loadData(options.data, options.experiment.seed);
  Study study;
  study.dataset.source = options.data.source();
  study.dataset.train_samples = data.train.size();
  study.dataset.test_samples = data.test.size();
  study.dataset.features = data.train.featureCount();
  study.dataset.classes = std::max(data.train.classes, data.test.classes);
  study.layer_sizes.push_back(study.dataset.features);
  study.layer_sizes.insert(study.layer_sizes.end(), options.experiment.hidden.begin(),
                           options.experiment.hidden.end());
  study.layer_sizes.push_back(study.dataset.classes);
  study.summary = runExperiment(data.train, data.test, options.experiment, logger);
  return study;
}

const ModeResult* plainMode(const ModelResult& model) {
  const ModeResult* plain = nullptr;
  for (const ModeResult& r : model.modes) {
    if (r.mode == Mode::kPlain) plain = &r;
  }
  return plain;
}

const ModeResult* bestMode(const ModelResult& model) {
  const ModeResult* best = nullptr;
  for (const ModeResult& r : model.modes) {
    // Strict '>' keeps the first of equals; a NaN mean is never best.
    if (r.mode != Mode::kPlain &&
        (best == nullptr ? r.evaluation.accuracy_mean > -1.0
                         : r.evaluation.accuracy_mean > best->evaluation.accuracy_mean)) {
      best = &r;
    }
  }
  return best;
}

}  // namespace nnadc::axtrain
