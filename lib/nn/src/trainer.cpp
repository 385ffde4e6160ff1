#include "nnadc/nn/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/progress.h"

namespace nnadc::nn {

void TrainOptions::validate() const {
  if (epochs < 0) {
    throw InputError("NNADC-CFG-003",
                     "field 'epochs' = " + std::to_string(epochs) + " is outside [0, inf)");
  }
  if (batch_size < 1) {
    throw InputError("NNADC-CFG-003",
                     "field 'batch_size' = " + std::to_string(batch_size) + " is outside [1, inf)");
  }
  adam.validate();
}

TrainSummary train(Mlp& net, const Dataset& data, const TrainOptions& options, Rng& rng,
                   TrainingHooks* hooks, Logger& logger) {
  options.validate();
  TrainSummary summary;
  Adam adam(net.parameterCount(), options.adam);
  Eigen::MatrixXd x;
  std::vector<int> labels;
  Eigen::VectorXd gradient;
  ProgressTask progress(logger.progress(), "training epochs",
                        static_cast<std::size_t>(std::max(0, options.epochs)));
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<Eigen::Index> order = shuffledIndices(data.size(), rng);
    double loss_sum = 0.0;
    double penalty_sum = 0.0;
    long batches = 0;
    for (std::size_t first = 0; first < order.size();
         first += static_cast<std::size_t>(options.batch_size)) {
      const std::size_t count =
          std::min(order.size() - first, static_cast<std::size_t>(options.batch_size));
      gatherBatch(data, std::span<const Eigen::Index>(order).subspan(first, count), x, labels);
      LinearEvaluator* hardware = hooks != nullptr ? hooks->stepHardware(net, rng) : nullptr;
      const double loss = net.lossAndGradient(x, labels, gradient, hardware);
      double penalty = 0.0;
      if (hooks != nullptr)
        penalty = hooks->addTerms(net, x, labels, hardware == nullptr, gradient);
      if (!std::isfinite(loss) || !std::isfinite(penalty) || !gradient.allFinite()) {
        summary.diverged = true;
        logger.warning("training diverged in epoch " + std::to_string(epoch + 1));
        return summary;
      }
      adam.step(net.parameters(), gradient);
      loss_sum += loss;
      penalty_sum += penalty;
      ++batches;
    }
    EpochRecord record;
    record.epoch = epoch + 1;
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record.loss = batches > 0 ? loss_sum / static_cast<double>(batches) : 0.0;
    record.penalty = batches > 0 ? penalty_sum / static_cast<double>(batches) : 0.0;
    record.samples_per_second =
        record.seconds > 0.0 ? static_cast<double>(data.size()) / record.seconds : 0.0;
    summary.history.push_back(record);
    progress.advance();
    logger.info("epoch " + std::to_string(record.epoch) + ": loss " + std::to_string(record.loss) +
                ", penalty " + std::to_string(record.penalty) + ", " +
                std::to_string(static_cast<long>(record.samples_per_second)) + " samples/s");
  }
  return summary;
}

Evaluation evaluate(const Mlp& net, const Dataset& data, LinearEvaluator* hardware,
                    Eigen::Index batch_size) {
  Evaluation result;
  if (data.size() == 0) return result;
  std::vector<Eigen::Index> indices;
  Eigen::MatrixXd x;
  std::vector<int> labels;
  Eigen::Index correct = 0;
  double loss_sum = 0.0;
  for (Eigen::Index first = 0; first < data.size(); first += batch_size) {
    const Eigen::Index count = std::min(batch_size, data.size() - first);
    indices.resize(static_cast<std::size_t>(count));
    for (Eigen::Index k = 0; k < count; ++k) indices[static_cast<std::size_t>(k)] = first + k;
    gatherBatch(data, indices, x, labels);
    const Mlp::BatchScore s = net.score(x, labels, hardware);
    correct += s.correct;
    loss_sum += s.loss * static_cast<double>(count);
  }
  result.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  result.loss = loss_sum / static_cast<double>(data.size());
  return result;
}

}  // namespace nnadc::nn
