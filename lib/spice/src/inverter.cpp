#include "nnadc/spice/inverter.h"

#include <cmath>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/spice/netlist.h"

namespace nnadc::spice {

void InverterSpec::validate() const {
  requireInRange("NNADC-CFG-003", "vdd", vdd_v, 0.1, 20.0, "V");
  requireInRange("NNADC-CFG-003", "wn", wn_m, 1e-8, 1e-3, "m");
  requireInRange("NNADC-CFG-003", "wp", wp_m, 1e-8, 1e-3, "m");
  requireInRange("NNADC-CFG-003", "l", l_m, 1e-8, 1e-4, "m");
  // At least 10 points per sweep, at most ~1e6 (a larger table is never useful for training).
  requireInRange("NNADC-CFG-003", "step", step_v, vdd_v * 1e-6, vdd_v / 10.0, "V");
}

std::string inverterDriveDeck(const InverterSpec& spec, const ModelSource& models,
                              bool inline_models, double vin_step_v, double vout_step_v) {
  spec.validate();
  requireInRange("NNADC-CFG-003", "drive-step-in", vin_step_v, spec.vdd_v * 1e-4, spec.vdd_v / 4,
                 "V");
  requireInRange("NNADC-CFG-003", "drive-step-out", vout_step_v, spec.vdd_v * 1e-4, spec.vdd_v / 4,
                 "V");
  Netlist net("nnadc inverter drive: output current over a grid of input and output voltages");
  net.card(modelCards(models, inline_models));
  net.card("vdd vdd 0 " + spiceNumber(spec.vdd_v));
  net.card("vin in 0 0");
  net.card("vout out 0 0");
  const std::string prefix = spec.subckt_devices ? "x" : "m";
  net.card(prefix + "p out in vdd vdd " + models.pmos + " w=" + spiceNumber(spec.wp_m) +
           " l=" + spiceNumber(spec.l_m));
  net.card(prefix + "n out in 0 0 " + models.nmos + " w=" + spiceNumber(spec.wn_m) +
           " l=" + spiceNumber(spec.l_m));
  net.card(".dc vout 0 " + spiceNumber(spec.vdd_v + vout_step_v * 0.5) + " " +
           spiceNumber(vout_step_v) + " vin 0 " + spiceNumber(spec.vdd_v + vin_step_v * 0.5) + " " +
           spiceNumber(vin_step_v));
  return net.text();
}

std::string inverterDcDeck(const InverterSpec& spec, const ModelSource& models,
                           bool inline_models) {
  spec.validate();
  Netlist net("nnadc inverter characterisation: DC sweep of vin from 0 to VDD");
  net.card(modelCards(models, inline_models));
  net.card("vdd vdd 0 " + spiceNumber(spec.vdd_v));
  net.card("vin in 0 0");
  const std::string prefix = spec.subckt_devices ? "x" : "m";
  net.card(prefix + "p out in vdd vdd " + models.pmos + " w=" + spiceNumber(spec.wp_m) +
           " l=" + spiceNumber(spec.l_m));
  net.card(prefix + "n out in 0 0 " + models.nmos + " w=" + spiceNumber(spec.wn_m) +
           " l=" + spiceNumber(spec.l_m));
  // Half a step past VDD so rounding never drops the last point.
  net.card(".dc vin 0 " + spiceNumber(spec.vdd_v + spec.step_v * 0.5) + " " +
           spiceNumber(spec.step_v));
  return net.text();
}

}  // namespace nnadc::spice
