#pragma once
/// An inverter voltage-transfer curve (VTC) table: produced by SPICE characterisation (`spice`,
/// `sim`), consumed by training as the neuron activation (`nn`). It lives in core because both
/// sides use it and neither may include the other.
#include <vector>

namespace nnadc {

struct Vtc {
  std::vector<double> vin_v;   ///< input voltages, strictly increasing [V]
  std::vector<double> vout_v;  ///< output voltages [V]
  std::vector<double> slope;   ///< dVout/dVin at each point (central differences) [V/V]
  double vdd_v = 0.0;          ///< supply [V]
  double threshold_v = 0.0;    ///< switching point: where vout = vin [V]
  double peak_gain = 0.0;      ///< most negative slope [V/V] (an inverter's gain is negative)
};

/// Builds a Vtc from a sweep: computes slope, switching point and peak gain. Throws InputError
/// NNADC-VTC-001 if the sweep is too short (< 3 points), not strictly increasing, has non-finite
/// values, or never crosses vout = vin (not an inverter).
Vtc analyzeVtc(std::vector<double> vin_v, std::vector<double> vout_v, double vdd_v);

}  // namespace nnadc
