#pragma once
/// Mini-batch training of an Mlp with Adam: the loop the ADC stages and AxTrain share. Hooks let
/// a caller inject hardware into the forward pass and add terms (penalties) to each gradient.
#include <Eigen/Core>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/core/rng.h"
#include "nnadc/nn/adam.h"
#include "nnadc/nn/dataset.h"
#include "nnadc/nn/mlp.h"

namespace nnadc::nn {

struct TrainOptions {
  int epochs = 10;
  Eigen::Index batch_size = 128;
  AdamOptions adam;
  /// Throws InputError NNADC-CFG-003 naming the field (epochs >= 0, batch_size >= 1, Adam's).
  void validate() const;
};

/// What a training run can customise per step.
class TrainingHooks {
 public:
  virtual ~TrainingHooks() = default;
  /// Called before every step: the hardware to run the forward pass on (null = exact), e.g.
  /// after drawing fresh noise with `rng`.
  virtual LinearEvaluator* stepHardware(const Mlp& /*net*/, Rng& /*rng*/) { return nullptr; }
  /// Adds extra terms to `gradient` (which holds the loss gradient on entry) and returns their
  /// value. `loss_gradient_is_exact` says whether the loss gradient came from exact arithmetic.
  /// `net` may be changed temporarily but must be restored bit for bit.
  virtual double addTerms(Mlp& /*net*/, const Eigen::MatrixXd& /*x*/,
                          const std::vector<int>& /*labels*/, bool /*loss_gradient_is_exact*/,
                          Eigen::VectorXd& /*gradient*/) {
    return 0.0;
  }
};

struct EpochRecord {
  int epoch = 0;
  double loss = 0.0;     ///< mean training loss over the epoch's batches
  double penalty = 0.0;  ///< mean of the hooks' extra terms
  double seconds = 0.0;
  double samples_per_second = 0.0;
};

/// Expected numerical outcomes are data: a non-finite loss stops training with `diverged` set.
struct TrainSummary {
  std::vector<EpochRecord> history;
  bool diverged = false;
};

/// Trains `net` on `data` (shuffled every epoch with `rng`; the last partial batch is kept).
TrainSummary train(Mlp& net, const Dataset& data, const TrainOptions& options, Rng& rng,
                   TrainingHooks* hooks = nullptr, Logger& logger = nullLogger());

/// Accuracy and mean loss over a whole dataset, evaluated in batches of `batch_size`.
struct Evaluation {
  double accuracy = 0.0;
  double loss = 0.0;
};
Evaluation evaluate(const Mlp& net, const Dataset& data, LinearEvaluator* hardware = nullptr,
                    Eigen::Index batch_size = 1000);

}  // namespace nnadc::nn
