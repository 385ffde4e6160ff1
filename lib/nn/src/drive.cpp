#include "nnadc/nn/drive.h"

#include <algorithm>
#include <cmath>

namespace nnadc::nn {

DriveTable::DriveTable(const InverterDrive& drive) {
  validateDrive(drive, "inverter drive");
  nin_ = static_cast<int>(drive.vin_v.size());
  nout_ = static_cast<int>(drive.vout_v.size());
  vin0_ = drive.vin_v.front();
  dvin_ = (drive.vin_v.back() - vin0_) / (nin_ - 1);
  vout0_ = drive.vout_v.front();
  dvout_ = (drive.vout_v.back() - vout0_) / (nout_ - 1);
  i_ = drive.current_a;
}

namespace {
// Cell index and fraction of x on a uniform grid of n points, clamped to the table.
inline void locate(double x, double x0, double dx, int n, int& cell, double& t) {
  const double u = std::clamp((x - x0) / dx, 0.0, static_cast<double>(n - 1));
  cell = std::min(static_cast<int>(u), n - 2);
  t = u - cell;
}
}  // namespace

double DriveTable::current(double vin, double vout) const {
  int i = 0;
  int j = 0;
  double t = 0.0;
  double s = 0.0;
  locate(vin, vin0_, dvin_, nin_, i, t);
  locate(vout, vout0_, dvout_, nout_, j, s);
  const double* r0 = &i_[static_cast<std::size_t>(i) * static_cast<std::size_t>(nout_)];
  const double* r1 = r0 + nout_;
  return (1 - t) * ((1 - s) * r0[j] + s * r0[j + 1]) + t * ((1 - s) * r1[j] + s * r1[j + 1]);
}

LoadedPoint DriveTable::solve(double vin, double s, double c, int* hint) const {
  int i = 0;
  double t = 0.0;
  locate(vin, vin0_, dvin_, nin_, i, t);
  const double* r0 = &i_[static_cast<std::size_t>(i) * static_cast<std::size_t>(nout_)];
  const double* r1 = r0 + nout_;
  // F(v) = I(vin, v) - s v + c, linear between grid columns and decreasing: bisect on columns.
  const auto f_at = [&](int j) {
    return (1 - t) * r0[j] + t * r1[j] - s * (vout0_ + dvout_ * j) + c;
  };
  LoadedPoint p;
  int lo = 0;
  int hi = nout_ - 1;
  double f_lo = 0.0;
  double f_hi = 0.0;
  bool walked = false;
  if (hint != nullptr && *hint >= 0 && *hint <= nout_ - 2) {
    // Walk a few cells from the hint to the sign change (F decreases along the grid); a hint
    // further off than that is cheaper to replace by bisection.
    constexpr int kMaxWalk = 4;
    lo = *hint;
    f_lo = f_at(lo);
    f_hi = f_at(lo + 1);
    int steps = 0;
    while (f_lo <= 0.0 && lo > 0 && steps < kMaxWalk) {
      --lo;
      ++steps;
      f_hi = f_lo;
      f_lo = f_at(lo);
    }
    while (f_hi > 0.0 && lo < nout_ - 2 && steps < kMaxWalk) {
      ++lo;
      ++steps;
      f_lo = f_hi;
      f_hi = f_at(lo + 1);
    }
    walked = (f_lo > 0.0 || lo == 0) && (f_hi <= 0.0 || lo == nout_ - 2);
  }
  if (!walked) {
    lo = 0;
    hi = nout_ - 1;
    f_lo = f_at(lo);
    f_hi = f_at(hi);
    if (f_lo > 0.0 && f_hi < 0.0) {
      while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        const double fm = f_at(mid);
        if (fm > 0.0) {
          lo = mid;
          f_lo = fm;
        } else {
          hi = mid;
          f_hi = fm;
        }
      }
    } else if (f_lo <= 0.0) {
      hi = 1;
      f_hi = f_at(hi);
    } else {
      lo = nout_ - 2;
      f_lo = f_at(lo);
    }
  }
  // Root inside [lo, lo + 1] when F changes sign there; otherwise the table's end (the load
  // would pull the node past the rail the inverter can reach: it clamps there).
  if (f_lo <= 0.0) {
    p.vout = vout0_ + dvout_ * lo;
  } else if (f_hi > 0.0) {
    p.vout = vout0_ + dvout_ * (lo + 1);
  } else {
    p.vout = vout0_ + dvout_ * (lo + f_lo / (f_lo - f_hi));
  }
  if (hint != nullptr) *hint = lo;
  const double a = (1 - t) * r0[lo] + t * r1[lo];
  const double b = (1 - t) * r0[lo + 1] + t * r1[lo + 1];
  p.di_dvout = (b - a) / dvout_;
  const double sv = std::clamp((p.vout - (vout0_ + dvout_ * lo)) / dvout_, 0.0, 1.0);
  p.di_dvin = ((1 - sv) * (r1[lo] - r0[lo]) + sv * (r1[lo + 1] - r0[lo + 1])) / dvin_;
  return p;
}

}  // namespace nnadc::nn
