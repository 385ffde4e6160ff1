#pragma once
/// Inverter characterisation deck: a DC sweep of one CMOS inverter's input from 0 to VDD.
#include <string>

#include "nnadc/spice/models.h"

namespace nnadc::spice {

struct InverterSpec {
  double vdd_v = 1.2;    ///< supply [V]
  double wn_m = 0.3e-6;  ///< NMOS width [m]
  double wp_m = 0.6e-6;  ///< PMOS width [m]; 2x NMOS puts the switching point near VDD/2
  double l_m = 0.13e-6;  ///< channel length of both [m]
  double step_v = 1e-3;  ///< sweep step [V]
  /// PDKs such as sky130 wrap their transistors in subcircuits: instantiate them as X, not M.
  bool subckt_devices = false;
  /// Throws InputError NNADC-CFG-003 naming the field and its allowed range.
  void validate() const;
};

/// Vectors the deck produces: the sweep scale "v-sweep", the output and the supply current.
inline constexpr const char* kInverterOutVector = "v(out)";
inline constexpr const char* kInverterSupplyVector = "i(vdd)";

/// Drive deck: the output forced by a source `vout`, a nested DC sweep of vout (inner) and vin
/// (outer) over [0, VDD]; i(vout) is the current the inverter delivers (core/vtc.h InverterDrive).
inline constexpr const char* kDriveCurrentVector = "i(vout)";
std::string inverterDriveDeck(const InverterSpec& spec, const ModelSource& models,
                              bool inline_models, double vin_step_v, double vout_step_v);

/// The characterisation deck (models inlined where possible, see modelCards).
std::string inverterDcDeck(const InverterSpec& spec, const ModelSource& models,
                           bool inline_models = true);

}  // namespace nnadc::spice
