#include "nnadc/nn/adam.h"

#include <cmath>
#include <string>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::nn {

void AdamOptions::validate() const {
  requireInRange("NNADC-CFG-003", "learning_rate", learning_rate, 0.0, 10.0);
  requireInRange("NNADC-CFG-003", "beta1", beta1, 0.0, 0.999999);
  requireInRange("NNADC-CFG-003", "beta2", beta2, 0.0, 0.999999999);
  requireInRange("NNADC-CFG-003", "epsilon", epsilon, 1e-300, 1.0);
  requireInRange("NNADC-CFG-003", "weight_decay", weight_decay, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "decay_every", decay_every, 0, 1e12);
  requireInRange("NNADC-CFG-003", "decay_factor", decay_factor, 1e-6, 1.0);
}

Adam::Adam(Eigen::Index parameter_count, const AdamOptions& options)
    : options_(options),
      m_(Eigen::VectorXd::Zero(parameter_count)),
      v_(Eigen::VectorXd::Zero(parameter_count)) {
  options_.validate();
}

double Adam::learningRate() const {
  if (options_.decay_every <= 0) return options_.learning_rate;
  const long drops = t_ / options_.decay_every;
  return options_.learning_rate * std::pow(options_.decay_factor, static_cast<double>(drops));
}

void Adam::step(Eigen::Ref<Eigen::VectorXd> params,
                const Eigen::Ref<const Eigen::VectorXd>& gradient) {
  const double lr = learningRate();
  ++t_;
  const Eigen::VectorXd g = gradient + options_.weight_decay * params;
  m_ = options_.beta1 * m_ + (1.0 - options_.beta1) * g;
  v_ = options_.beta2 * v_ + (1.0 - options_.beta2) * g.cwiseProduct(g);
  const double c1 = 1.0 - std::pow(options_.beta1, static_cast<double>(t_));
  const double c2 = 1.0 - std::pow(options_.beta2, static_cast<double>(t_));
  params.array() -= lr * (m_.array() / c1) / ((v_.array() / c2).sqrt() + options_.epsilon);
}

}  // namespace nnadc::nn
