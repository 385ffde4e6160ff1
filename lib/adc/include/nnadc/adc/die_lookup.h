#pragma once
/// One die's pipeline as lookup tables: the fast path of Monte-Carlo campaigns (issue #13).
///
/// A stage's output word depends only on its own input v (given the die's conductances), and is
/// piecewise constant in v. The lookup scans each stage's words on a grid over [0, vdd]
/// (kScanPoints points) and bisects every change of word down to kToleranceV, so that a conversion
/// becomes a binary search per stage plus the residue (the model's own amplifier transfer or
/// residue network). Exactness: the lookup's word equals StageModel::words() for every input
/// except (a) inputs within kToleranceV of a transition and (b) a word "bubble" narrower than
/// the scan spacing (vdd / kScanPoints, 0.29 mV at 1.2 V), which the scan cannot see.
/// tests/mc/lookup_test.cpp measures the agreement against the direct model on real dies.
/// Noiseless only (no residue-amplifier noise); inputs outside [0, vdd] take the end words.
#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "nnadc/adc/code.h"
#include "nnadc/adc/pipeline.h"

namespace nnadc::adc {

class DieLookup {
 public:
  static constexpr int kScanPoints = 1024;
  static constexpr double kToleranceV = 1e-11;  ///< bisection width of every transition [V]

  /// Tabulates every stage of `model` (which must outlive the lookup) for the die `g`.
  DieLookup(const PipelineModel& model, const PipelineConductances& g,
            int scan_points = kScanPoints);

  /// Stage decisions of inputs x (samples x stages), as PipelineModel::trace without noise.
  [[nodiscard]] Eigen::MatrixXi decisions(const Eigen::VectorXd& x) const;
  /// Word transitions of one stage [V], ascending: word k holds on [t_{k-1}, t_k).
  [[nodiscard]] const std::vector<double>& transitions(std::size_t stage) const {
    return stages_[stage].at;
  }

 private:
  struct StageTable {
    std::vector<double> at;  ///< transition inputs, ascending
    std::vector<Word> word;  ///< at.size() + 1 words
  };
  [[nodiscard]] Word wordAt(std::size_t stage, double v) const;

  const PipelineModel& model_;
  PipelineConductances g_;  ///< the die (a copy: the lookup may outlive the caller's)
  std::vector<StageTable> stages_;
};

}  // namespace nnadc::adc
