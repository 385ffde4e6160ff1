#include "nnadc/core/vtc.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc {

namespace {
/// Range of drive-table entries. Voltages: twice the largest supply a VTC may have (20 V,
/// io::readVtc), since the grid may overshoot the rails. Currents: 1 MA. No on-chip inverter comes
/// near it (the shipped 130 nm one: ~100 uA); the bound only refuses overflow-scale garbage (1e300)
/// while leaving room for the very stiff synthetic drivers the model's ideal-source limit is
/// tested with (1000 S at 1.2 V: 1.2 kA).
constexpr double kMaxVoltageV = 40.0;
constexpr double kMaxDriveCurrentA = 1e6;
}  // namespace

Vtc analyzeVtc(std::vector<double> vin_v, std::vector<double> vout_v, double vdd_v) {
  const std::size_t n = vin_v.size();
  if (n < 3 || vout_v.size() != n) {
    throw InputError("NNADC-VTC-001", "VTC needs >= 3 points with as many outputs as inputs (got " +
                                          std::to_string(n) + " and " +
                                          std::to_string(vout_v.size()) + ")");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(vin_v[i]) || !std::isfinite(vout_v[i])) {
      throw InputError("NNADC-VTC-001", "VTC point " + std::to_string(i) + " is not finite");
    }
    if (i > 0 && !(vin_v[i] > vin_v[i - 1])) {
      throw InputError("NNADC-VTC-001", "VTC input voltages must increase strictly (point " +
                                            std::to_string(i) + ")");
    }
  }
  Vtc vtc;
  vtc.vdd_v = vdd_v;
  vtc.slope.resize(n);
  // Central differences inside, one-sided at the ends (second-order accurate on a uniform grid).
  vtc.slope[0] = (vout_v[1] - vout_v[0]) / (vin_v[1] - vin_v[0]);
  vtc.slope[n - 1] = (vout_v[n - 1] - vout_v[n - 2]) / (vin_v[n - 1] - vin_v[n - 2]);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    vtc.slope[i] = (vout_v[i + 1] - vout_v[i - 1]) / (vin_v[i + 1] - vin_v[i - 1]);
  }
  vtc.peak_gain = *std::min_element(vtc.slope.begin(), vtc.slope.end());
  // Every neuron is an inverter: the stage and residue models, the drive solve and the emitted
  // decks all assume vout falls as vin rises.
  if (!(vout_v.front() > vout_v.back()) || !(vtc.peak_gain < 0.0)) {
    throw InputError("NNADC-VTC-001", "VTC does not invert: vout goes from " +
                                          formatDouble(vout_v.front()) + " V to " +
                                          formatDouble(vout_v.back()) +
                                          " V as vin rises (an inverter's vout falls)");
  }
  bool crossed = false;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double d0 = vout_v[i] - vin_v[i];
    const double d1 = vout_v[i + 1] - vin_v[i + 1];
    if (d0 >= 0.0 && d1 <= 0.0 && d0 != d1) {
      const double t = d0 / (d0 - d1);
      vtc.threshold_v = vin_v[i] + t * (vin_v[i + 1] - vin_v[i]);
      crossed = true;
      break;
    }
  }
  if (!crossed) {
    throw InputError("NNADC-VTC-001",
                     "VTC never crosses vout = vin: the swept device does not behave as an "
                     "inverter");
  }
  vtc.vin_v = std::move(vin_v);
  vtc.vout_v = std::move(vout_v);
  return vtc;
}

void validateDrive(const InverterDrive& drive, const std::string& where) {
  const auto fail = [&](const std::string& what) {
    throw InputError("NNADC-VTC-002", where + ": inverter drive table " + what);
  };
  const auto uniform = [&](const std::vector<double>& v, const char* name) {
    if (v.size() < 2) fail(std::string("field '") + name + "' needs >= 2 points");
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i]) || std::abs(v[i]) > kMaxVoltageV) {
        fail(std::string("field '") + name + "' point " + std::to_string(i) + " = " +
             formatDouble(v[i]) + " V is outside [-" + formatDouble(kMaxVoltageV) + ", " +
             formatDouble(kMaxVoltageV) + "] V");
      }
    }
    const double step = (v.back() - v.front()) / static_cast<double>(v.size() - 1);
    if (!(step > 0.0)) fail(std::string("field '") + name + "' must increase");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double expect = v.front() + step * static_cast<double>(i);
      if (!std::isfinite(v[i]) || std::abs(v[i] - expect) > 1e-6 * step + 1e-12) {
        fail(std::string("field '") + name + "' must be a uniform grid (point " +
             std::to_string(i) + ")");
      }
    }
  };
  uniform(drive.vin_v, "vin");
  uniform(drive.vout_v, "vout");
  if (drive.current_a.size() != drive.vin_v.size() * drive.vout_v.size()) {
    fail("field 'current_a' must hold vin x vout = " +
         std::to_string(drive.vin_v.size() * drive.vout_v.size()) + " values, got " +
         std::to_string(drive.current_a.size()));
  }
  for (std::size_t i = 0; i < drive.current_a.size(); ++i) {
    if (!std::isfinite(drive.current_a[i])) {
      fail("field 'current_a' value " + std::to_string(i) + " is not finite");
    }
    if (std::abs(drive.current_a[i]) > kMaxDriveCurrentA) {
      fail("field 'current_a' value " + std::to_string(i) + " = " +
           formatDouble(drive.current_a[i]) + " A is outside [-" + formatDouble(kMaxDriveCurrentA) +
           ", " + formatDouble(kMaxDriveCurrentA) + "] A");
    }
  }
}

}  // namespace nnadc
