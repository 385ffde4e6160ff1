#pragma once
/// An inverter voltage-transfer curve (VTC) table: produced by SPICE characterisation (`spice`,
/// `sim`), consumed by training as the neuron activation (`nn`). It lives in core because both
/// sides use it and neither may include the other.
#include <string>
#include <vector>

namespace nnadc {

/// The inverter's output drive: the current it delivers into its output node when the input is
/// held at vin and the output is forced to vout, I(vin, vout) [A] (> 0 sources, < 0 sinks). The
/// VTC is where I = 0; a resistive load moves the output to where I equals the load current.
/// Uniform grids; current_a[i * vout_v.size() + j] belongs to (vin_v[i], vout_v[j]). Empty when
/// the characterisation did not measure it (then models treat the inverter as an ideal source).
struct InverterDrive {
  std::vector<double> vin_v;      ///< uniform, increasing [V]
  std::vector<double> vout_v;     ///< uniform, increasing [V]
  std::vector<double> current_a;  ///< row-major over (vin, vout) [A]
  [[nodiscard]] bool empty() const { return current_a.empty(); }
};

/// Checks an InverterDrive: >= 2 points per axis, uniform increasing grids, sizes consistent,
/// finite currents. Throws InputError NNADC-VTC-002 naming `where` and what is wrong.
void validateDrive(const InverterDrive& drive, const std::string& where);

struct Vtc {
  std::vector<double> vin_v;   ///< input voltages, strictly increasing [V]
  std::vector<double> vout_v;  ///< output voltages [V]
  std::vector<double> slope;   ///< dVout/dVin at each point (central differences) [V/V]
  double vdd_v = 0.0;          ///< supply [V]
  double threshold_v = 0.0;    ///< switching point: where vout = vin [V]
  double peak_gain = 0.0;      ///< most negative slope [V/V] (an inverter's gain is negative)
  InverterDrive drive;         ///< output drive under load (optional, see InverterDrive)
};

/// Builds a Vtc from a sweep: computes slope, switching point and peak gain. Throws InputError
/// NNADC-VTC-001 if the sweep is too short (< 3 points), not strictly increasing, has non-finite
/// values, or never crosses vout = vin (not an inverter).
Vtc analyzeVtc(std::vector<double> vin_v, std::vector<double> vout_v, double vdd_v);

}  // namespace nnadc
