#pragma once
/// CMOS mismatch of one die (Pelgrom): every transistor of every inverter a stage's netlist holds
/// gets a threshold shift dVT ~ N(0, A_VT / sqrt(W L)) and a current-factor ratio
/// beta / beta_0 = 1 + N(0, A_beta / sqrt(W L)). The behavioural model and the SPICE decks apply
/// the same draw (one source of truth): the decks as BSIM4 instance parameters, the model through
/// the inverters' characterised curves (see mismatch.cpp for how).
#include <string>
#include <vector>

#include "nnadc/core/rng.h"

namespace nnadc::adc {

struct Design;
struct PipelineConductances;

/// Pelgrom coefficients of one device type (models/<card>.mismatch.json).
struct PelgromCoefficients {
  double a_vt_v_m = 0.0;  ///< A_VT [V m]   (3.5 mV um = 3.5e-9 V m)
  double a_beta_m = 0.0;  ///< A_beta [m]   (1 % um = 1e-8 m)
};

struct MismatchCoefficients {
  PelgromCoefficients nmos;
  PelgromCoefficients pmos;
};

struct TransistorMismatch {
  double dvt_v = 0.0;        ///< threshold shift [V] (BSIM4 instance delvto)
  double beta_factor = 1.0;  ///< current-factor ratio (BSIM4 instance mulu0)
};

struct InverterMismatch {
  TransistorMismatch n;
  TransistorMismatch p;
};

/// One stage's inverters, in the order inverterNames(stage) lists them.
struct StageMismatch {
  std::vector<InverterMismatch> inverters;
};

/// Names of a stage's inverters in draw order (e.g. "h3", "hb3", ...), as the decks name them.
std::vector<std::string> inverterNames(const Design& design, std::size_t stage);

/// Draws every stage's inverters in stage order, then inverter order (n then p, dVT then beta),
/// from `rng`, with sigmas scaled by `scale` (1 = the card's coefficients), into die.cmos.
void drawCmosMismatch(const Design& design, const MismatchCoefficients& coefficients, double scale,
                      Rng& rng, PipelineConductances& die);

}  // namespace nnadc::adc
