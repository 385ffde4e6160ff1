#include "nnadc/nn/tabulated.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnadc/core/error.h"

namespace nnadc::nn {

TabulatedActivation::TabulatedActivation(const Vtc& vtc)
    : TabulatedActivation(vtc.vin_v, vtc.vout_v) {}

TabulatedActivation::TabulatedActivation(std::vector<double> x, std::vector<double> y) {
  if (x.size() < 2 || x.size() != y.size()) {
    throw InputError("NNADC-VTC-001",
                     "a transfer table needs >= 2 points and as many outputs as "
                     "inputs (got " +
                         std::to_string(x.size()) + " and " + std::to_string(y.size()) + ")");
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || (i > 0 && !(x[i] > x[i - 1]))) {
      throw InputError("NNADC-VTC-001", "transfer table point " + std::to_string(i) +
                                            " is not finite or its input does not increase");
    }
  }
  // Resample at the table's finest spacing (at most 65536 points): exact for the uniform sweeps
  // characterize writes, and a faithful piecewise-linear copy otherwise.
  double finest = x.back() - x.front();
  for (std::size_t i = 1; i < x.size(); ++i) finest = std::min(finest, x[i] - x[i - 1]);
  const double span = x.back() - x.front();
  const auto n =
      static_cast<std::size_t>(std::clamp(std::ceil(span / finest - 1e-9), 1.0, 65535.0)) + 1;
  x0_ = x.front();
  dx_ = span / static_cast<double>(n - 1);
  y_.resize(n);
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x0_ + dx_ * static_cast<double>(i);
    while (j + 2 < x.size() && x[j + 1] < xi) ++j;
    const double t = std::clamp((xi - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0);
    y_[i] = y[j] + t * (y[j + 1] - y[j]);
  }
  slope_.resize(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) slope_[i] = (y_[i + 1] - y_[i]) / dx_;
}

std::size_t TabulatedActivation::segment(double x) const {
  const double u = (x - x0_) / dx_;
  if (!(u > 0.0)) return 0;
  const auto i = static_cast<std::size_t>(u);
  return std::min(i, slope_.size() - 1);
}

double TabulatedActivation::value(double x) const {
  if (x <= x0_) return y_.front();
  if (x >= xMax()) return y_.back();
  const std::size_t i = segment(x);
  return y_[i] + slope_[i] * (x - (x0_ + dx_ * static_cast<double>(i)));
}

double TabulatedActivation::derivative(double x) const {
  if (x <= x0_ || x >= xMax()) return 0.0;
  return slope_[segment(x)];
}

void TabulatedActivation::evaluate(const Eigen::ArrayXXd& x, Eigen::ArrayXXd& value_out,
                                   Eigen::ArrayXXd& derivative_out) const {
  value_out.resize(x.rows(), x.cols());
  derivative_out.resize(x.rows(), x.cols());
  const double x_max = xMax();
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double xv = x(k);
    if (xv <= x0_) {
      value_out(k) = y_.front();
      derivative_out(k) = 0.0;
    } else if (xv >= x_max) {
      value_out(k) = y_.back();
      derivative_out(k) = 0.0;
    } else {
      const std::size_t i = segment(xv);
      value_out(k) = y_[i] + slope_[i] * (xv - (x0_ + dx_ * static_cast<double>(i)));
      derivative_out(k) = slope_[i];
    }
  }
}

void TabulatedActivation::values(const Eigen::ArrayXXd& x, Eigen::ArrayXXd& value_out) const {
  value_out.resize(x.rows(), x.cols());
  const double x_max = xMax();
  const double inv_dx = 1.0 / dx_;
  const auto last = static_cast<double>(slope_.size() - 1);
  const double* in = x.data();
  double* out = value_out.data();
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double xv = in[k];
    if (xv <= x0_) {
      out[k] = y_.front();
    } else if (xv >= x_max) {
      out[k] = y_.back();
    } else {
      const double u = (xv - x0_) * inv_dx;
      const double f = std::min(std::floor(u), last);
      const auto i = static_cast<std::size_t>(f);
      out[k] = y_[i] + slope_[i] * (u - f) * dx_;
    }
  }
}

}  // namespace nnadc::nn
