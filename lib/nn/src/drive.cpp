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
  inv_dvin_ = 1.0 / dvin_;
  inv_dvout_ = 1.0 / dvout_;
  i_ = drive.current_a;
  vout_grid_.resize(static_cast<std::size_t>(nout_));
  for (int j = 0; j < nout_; ++j) vout_grid_[static_cast<std::size_t>(j)] = vout0_ + dvout_ * j;
}

double DriveTable::current(double vin, double vout) const {
  int i = 0;
  int j = 0;
  double t = 0.0;
  double s = 0.0;
  detail::locate(vin, vin0_, dvin_, nin_, i, t);
  detail::locate(vout, vout0_, dvout_, nout_, j, s);
  const double* r0 = &i_[static_cast<std::size_t>(i) * static_cast<std::size_t>(nout_)];
  const double* r1 = r0 + nout_;
  return (1 - t) * ((1 - s) * r0[j] + s * r0[j + 1]) + t * ((1 - s) * r1[j] + s * r1[j + 1]);
}

}  // namespace nnadc::nn
