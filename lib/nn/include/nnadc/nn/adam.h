#pragma once
/// Adam optimiser over a flat parameter vector, with a step learning-rate schedule and L2 weight
/// decay (NeuADC authors' recipe: Adam, lr 1e-3 with step decay, weight decay 1e-4..1e-5).
#include <Eigen/Core>

namespace nnadc::nn {

struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 0.0;  ///< L2 coefficient added to the gradient (lambda * w)
  int decay_every = 0;  ///< multiply the rate by decay_factor every this many steps; 0 = never
  double decay_factor = 0.5;
  /// Throws InputError NNADC-CFG-003 naming the field and its range.
  void validate() const;
};

class Adam {
 public:
  Adam(Eigen::Index parameter_count, const AdamOptions& options);
  /// One update of `params` (in place) from `gradient`.
  void step(Eigen::Ref<Eigen::VectorXd> params, const Eigen::Ref<const Eigen::VectorXd>& gradient);
  [[nodiscard]] double learningRate() const;
  [[nodiscard]] long iteration() const { return t_; }

 private:
  AdamOptions options_;
  Eigen::VectorXd m_;
  Eigen::VectorXd v_;
  long t_ = 0;
};

}  // namespace nnadc::nn
