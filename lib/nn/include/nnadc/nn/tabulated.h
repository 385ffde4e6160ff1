#pragma once
/// A transfer curve given as a table (e.g. the inverter VTC from `nnadc characterize`), used as a
/// neuron activation: piecewise-linear value, and the segment's slope as its derivative (NeuADC:
/// "the VTC as a piecewise-linear table with its local slope as derivative"). Outside the table
/// the end values hold (slope 0), as a real inverter's output saturates at the rails.
#include <Eigen/Core>
#include <vector>

#include "nnadc/core/vtc.h"

namespace nnadc::nn {

class TabulatedActivation {
 public:
  /// x strictly increasing, >= 2 points (validated: InputError NNADC-VTC-001).
  TabulatedActivation(std::vector<double> x, std::vector<double> y);
  explicit TabulatedActivation(const Vtc& vtc);

  [[nodiscard]] double value(double x) const;
  /// d value / dx: the slope of the segment holding x (0 outside the table).
  [[nodiscard]] double derivative(double x) const;
  /// Both at once, element-wise.
  void evaluate(const Eigen::ArrayXXd& x, Eigen::ArrayXXd& value,
                Eigen::ArrayXXd& derivative) const;
  /// Values only, element-wise (the inference path: no derivative stores).
  void values(const Eigen::ArrayXXd& x, Eigen::ArrayXXd& value) const;

  [[nodiscard]] double xMin() const { return x0_; }
  [[nodiscard]] double xMax() const { return x0_ + dx_ * static_cast<double>(y_.size() - 1); }

 private:
  // Resampled onto a uniform grid so lookup is O(1) (training evaluates it millions of times).
  double x0_ = 0.0;
  double dx_ = 1.0;
  std::vector<double> y_;
  std::vector<double> slope_;  // slope_[i] of segment [i, i+1]
  [[nodiscard]] std::size_t segment(double x) const;
};

}  // namespace nnadc::nn
