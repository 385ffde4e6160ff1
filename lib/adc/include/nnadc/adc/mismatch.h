#pragma once
/// CMOS mismatch of one die (Pelgrom): every transistor of every inverter a stage's netlist holds
/// gets a threshold shift dVT ~ N(0, A_VT / sqrt(W L)) and a current-factor ratio
/// beta / beta_0 = 1 + N(0, A_beta / sqrt(W L)). The behavioural model and the SPICE decks apply
/// the same draw (one source of truth): the decks as BSIM4 instance parameters (delvto, mulu0,
/// both accepted by ngspice 39 on level-54 instances), the model as a shift of each inverter's
/// characterised curve along its input, h = f(u - dV_M) (thresholdShift below; docs/montecarlo.md
/// "Variation sources" has the derivation and its check against ngspice).
#include <cstddef>
#include <string>
#include <vector>

#include "nnadc/core/rng.h"

namespace nnadc::adc {

struct Design;
struct InverterSizing;
struct Pipeline;
struct PipelineConductances;
struct StageConductances;

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
  /// Threshold shift [V], the BSIM4 instance parameter delvto: added to the card's vth0 as
  /// signed (an NMOS with +10 mV turns on later; a PMOS with -10 mV has |VT| 10 mV larger).
  double dvt_v = 0.0;
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

/// Logic buffers of a residue network's bit rows: this many characterised inverters in parallel
/// (the pipeline deck's nnadc_inv_buf, m=32); their mismatch sigma is 1/sqrt(32) of one inverter's.
inline constexpr int kBitBufferInverters = 32;

/// Where each inverter of a stage sits in StageMismatch::inverters (the draw order):
///   sub-ADC  h0 hb0 h1 hb1 ... h{H-1} hb{H-1}, then o0 .. o{M-1} (output inverters);
///   residue network (stages before the last whose residue is a network), prefixed "res.":
///   bn0 bp0 .. bn{M-1} bp{M-1} (bit-row buffers), then h0 hb0 .. (the network's hidden units).
/// Inverters a deck leaves out (a residue unit no output cell reads) are drawn all the same, so a
/// die's draws never depend on which devices a netlist prunes.
struct InverterLayout {
  int hidden = 0;          ///< sub-ADC H
  int outputs = 0;         ///< sub-ADC M
  int network_hidden = 0;  ///< residue-network H (0 = no network)
  [[nodiscard]] std::size_t h(int j) const { return 2 * static_cast<std::size_t>(j); }
  [[nodiscard]] std::size_t hb(int j) const { return h(j) + 1; }
  [[nodiscard]] std::size_t out(int k) const {
    return 2 * static_cast<std::size_t>(hidden) + static_cast<std::size_t>(k);
  }
  [[nodiscard]] std::size_t bufferN(int k) const { return out(outputs) + 2 * idx(k); }
  [[nodiscard]] std::size_t bufferP(int k) const { return bufferN(k) + 1; }
  [[nodiscard]] std::size_t networkH(int j) const { return bufferN(outputs) + 2 * idx(j); }
  [[nodiscard]] std::size_t networkHb(int j) const { return networkH(j) + 1; }
  [[nodiscard]] std::size_t size() const {
    return network_hidden > 0 ? networkH(network_hidden) : out(outputs);
  }

 private:
  static std::size_t idx(int i) { return static_cast<std::size_t>(i); }
};
InverterLayout inverterLayout(const Design& design, std::size_t stage);
InverterLayout inverterLayout(const Pipeline& pipeline, std::size_t stage);

/// Names of a stage's inverters in draw order (e.g. "h3", "hb3", "o0", "res.bn0", "res.h2"), as
/// the decks name their instances (x<name> in nnadc_stage<i>, x<name> in nnadc_res<i>).
std::vector<std::string> inverterNames(const Design& design, std::size_t stage);

/// Pelgrom sigmas [V] and [1] of one transistor of width w_m, length l_m, `parallel` copies
/// (area N W L), scaled by `scale`.
double sigmaVt(const PelgromCoefficients& c, double w_m, double l_m, int parallel, double scale);
double sigmaBeta(const PelgromCoefficients& c, double w_m, double l_m, int parallel, double scale);

/// Pelgrom sigmas of one inverter's two transistors.
struct InverterSigmas {
  double vt_n_v = 0.0;  ///< sigma of the NMOS delvto [V]
  double beta_n = 0.0;  ///< sigma of the NMOS current factor (mulu0 - 1) [1]
  double vt_p_v = 0.0;
  double beta_p = 0.0;
};
/// The sigmas of an inverter of `sizing`, `parallel` copies, scaled by `scale`.
InverterSigmas inverterSigmas(const MismatchCoefficients& c, const InverterSizing& sizing,
                              int parallel, double scale);
/// One inverter's draw: 4 standard normals from `rng`, in the order n dVT, n beta, p dVT, p beta
/// (drawCmosMismatch's order).
InverterMismatch drawInverter(const InverterSigmas& sigmas, Rng& rng);

/// Draws every stage's inverters in stage order, then inverter order (InverterLayout), each
/// inverter n then p, each transistor dVT then beta: 4 standard normals per inverter from `rng`,
/// always (also for zero coefficients), so the stream a caller draws after this does not depend on
/// the coefficients. Sigmas are scaled by `scale` (1 = the card's coefficients); hidden, complement
/// and output inverters are single characterised inverters (DeckOptions::driver_multiplier = 1:
/// a deck with m=N drivers applies the same per-instance draws to all N copies), bit-row buffers
/// kBitBufferInverters in parallel. Result into die.cmos (one StageMismatch per stage).
void drawCmosMismatch(const Design& design, const MismatchCoefficients& coefficients, double scale,
                      Rng& rng, PipelineConductances& die);

/// How an inverter's switching threshold V_M moves with its transistors' mismatch, to first order:
///   dV_M = dvm_dvtn dVT_n + dvm_dvtp dVT_p + dvm_dbetan (beta_n - 1) + dvm_dbetap (beta_p - 1)
/// (dVT as delvto, signed as BSIM4 applies it). Square law at the switching point, with overdrives
/// ov_n = V_M - VT_n and ov_p = VDD - V_M - |VT_p|: dV_M/dVT_n = ov_p / (ov_n + ov_p),
/// dV_M/ddelvto_p = ov_n / (ov_n + ov_p), dV_M/dbeta_n = -dV_M/dbeta_p = -ov_n ov_p / (2 (ov_n +
/// ov_p)). The defaults are measured instead (ngspice 39, models/cmos130.lib, the default
/// 0.3/0.6/0.13 um inverter, central +-10 mV and 1.1x steps; tests/sim mismatch_test re-measures
/// them): the threshold terms agree with the square law (0.51 / 0.49 from vth0 and V_M = 0.596 V;
/// linear within 1 % up to +-40 mV), the mulu0 terms are 3x smaller than square law because the 130
/// nm devices are velocity-saturated.
struct ThresholdSensitivity {
  double dvm_dvtn = 0.504;
  double dvm_dvtp = 0.481;
  double dvm_dbetan_v = -0.0176;  ///< [V] per unit beta_n - 1
  double dvm_dbetap_v = 0.0180;   ///< [V] per unit beta_p - 1
};

/// dV_M [V] of one inverter.
double thresholdShift(const InverterMismatch& m, const ThresholdSensitivity& s = {});

/// The behavioural side of a die's CMOS mismatch: sets every stage's StageConductances::shift_h,
/// shift_hb, shift_o and (residue networks) ResidueConductances::shift_h, shift_hb to the
/// thresholdShift of the matching inverter of die.cmos (InverterLayout). The residue networks'
/// bit-row buffers are logic gates driven rail to rail: a few mV of threshold does not move their
/// outputs, so the model (whose bit rows are ideal 0 / VDD) has nothing to shift there. No-op when
/// die.cmos is empty.
void applyThresholdShifts(const Pipeline& pipeline, PipelineConductances& die,
                          const ThresholdSensitivity& s = {});

/// One stage's part of applyThresholdShifts: sets g.shift_h, shift_hb, their NMOS/PMOS parts and
/// shift_o from `inverters` (at least layout.size(), InverterLayout order). Residue-network units
/// are not touched.
void applyStageShifts(const std::vector<InverterMismatch>& inverters, const InverterLayout& layout,
                      StageConductances& g, const ThresholdSensitivity& s = {});

}  // namespace nnadc::adc
