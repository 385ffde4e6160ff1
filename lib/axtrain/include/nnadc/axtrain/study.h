#pragma once
/// One AxTrain study as the `axtrain` command runs it: load (or generate) the data, run the
/// experiment (axtrain.h) and keep what a report needs. A caller other than the command line (a
/// flow, a test) gets the same study from the same options.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnadc/axtrain/axtrain.h"
#include "nnadc/core/log.h"

namespace nnadc::axtrain {

/// The synthetic set of DataOptions::synthetic (CI-sized): 64 features, 4 classes, per-feature
/// noise 0.35 around uniform prototypes (see syntheticDataset).
inline constexpr Eigen::Index kSyntheticFeatures = 64;
inline constexpr int kSyntheticClasses = 4;
inline constexpr double kSyntheticNoise = 0.35;

/// Throws InputError NNADC-AXT-006 "field 'FIELD' = VALUE is outside [LO, HI]" unless `value` is
/// finite and lo <= value <= hi.
void requireFieldInRange(std::string_view field, double value, double lo, double hi);

/// Where the study's samples come from.
struct DataOptions {
  std::string directory = kFashionMnistDirectory;  ///< Fashion-MNIST IDX files
  /// > 0: this many generated training samples instead of `directory`, plus max(1, synthetic / 4)
  /// test samples cut from the same generated set (so both share the prototypes).
  Eigen::Index synthetic = 0;
  Eigen::Index train_limit = 0;  ///< > 0: keep only the first N training samples
  Eigen::Index test_limit = 0;   ///< > 0: keep only the first N test samples
  /// InputError NNADC-AXT-006 naming the field: synthetic in [0, 1e7], limits in [0, 1e9].
  void validate() const;
  /// "synthetic" or the directory.
  [[nodiscard]] std::string source() const;
};

/// The training and test sets of `options`; `seed` draws the synthetic set.
TrainTest loadData(const DataOptions& options, std::uint64_t seed);

struct StudyOptions {
  DataOptions data;
  ExperimentOptions experiment;  ///< its seed also draws the synthetic set
  /// Validates both parts (data first).
  void validate() const;
};

struct DatasetInfo {
  std::string source;  ///< DataOptions::source()
  Eigen::Index train_samples = 0;
  Eigen::Index test_samples = 0;
  Eigen::Index features = 0;
  int classes = 0;  ///< the larger class count of the two sets
};

struct Study {
  DatasetInfo dataset;
  std::vector<Eigen::Index> layer_sizes;  ///< features, the hidden sizes, classes
  ExperimentSummary summary;
};

/// Validates `options`, loads the data and runs the experiment.
Study runStudy(const StudyOptions& options, Logger& logger = nullLogger());

/// The plain mode's result of `model` (the last one if listed twice), or nullptr if plain did not
/// run: the reference of sensitivity_change and of a report's "plain" accuracy.
const ModeResult* plainMode(const ModelResult& model);
/// The mode other than plain with the highest mean hardware accuracy (the first of equals), or
/// nullptr if there is none.
const ModeResult* bestMode(const ModelResult& model);

}  // namespace nnadc::axtrain
