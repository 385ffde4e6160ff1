#pragma once
/// One NeuADC-style NN sub-ADC stage, modelled exactly as the netlist will build it.
///
/// Layer 1 (hidden): H columns of RRAM cells. Rows carry x, its complement VDD - x, VDD and
/// ground (dual path: all conductances are positive, the sign comes from the complement). Each
/// column is a resistive divider: u_j = sum_i G_ji V_i / sum_i G_ji. Its node drives an inverter
/// h_j = f(u_j) and a second inverter gives the complement hb_j = f(h_j) (f = the inverter VTC).
/// Layer 2 (output): M columns over rows [h_1..h_H, hb_1..hb_H, VDD, ground]; node o_k drives an
/// output inverter, so bit k is 1 when o_k is below the inverter's switching threshold.
///
/// Cells are integer level indices of the RRAM level set (0 = no device).
///
/// Loading. Layer 1 drives only inverter gates, so its dividers are exact. Layer 2 is not: its
/// cells draw current from the hidden inverters, whose outputs therefore sit off the unloaded VTC
/// (a minimum-size inverter has kOhms of output resistance and ~0 drive in its transition, the
/// 50 kOhm cells pull h by tenths of a volt). When the VTC carries the inverter's drive table
/// I(vin, vout) (core/vtc.h), the model solves Kirchhoff's current law at every h_j, hb_j and o_k:
///   I(u_j, h_j) = sum_k G_kj (h_j - o_k),  I(h_j, hb_j) = sum_k G_k,H+j (hb_j - o_k),
///   o_k = sum_m G_km a_m / sum_m G_km,
/// by Newton's method on o (each h_j, hb_j is the exact root of its node's equation given o).
/// The conductances are then absolute (siemens, from the level set). Without a drive table the
/// inverters are ideal sources (h = f(u)): only ratios matter and g_max drops out. The backward
/// pass treats o as fixed when differentiating h (the loaded local slope dI/dvin / (S - dI/dvout)
/// stands in for f'), a straight-through approximation; forward values are exact.
#include <Eigen/Core>
#include <memory>
#include <vector>

#include "nnadc/adc/code.h"
#include "nnadc/core/rng.h"
#include "nnadc/nn/drive.h"
#include "nnadc/nn/tabulated.h"
#include "nnadc/rram/levels.h"

namespace nnadc::adc {

/// Row order of layer 1.
inline constexpr int kInputRows = 4;  // x, VDD - x, VDD, ground

struct StageShape {
  int bits = 4;
  int hidden = 16;
  OutputCode code;
  double vdd_v = 1.2;
  double input_lo_v = 0.0;  ///< input window [V]
  double input_hi_v = 1.2;
  /// A nonlinear target (issue #16, trained directly, NeuADC style): the 2^bits - 1 transition
  /// levels between the stage's levels, fractions of the window, rising strictly; empty = the
  /// uniform quantiser.
  std::vector<double> target_thresholds;
  [[nodiscard]] int outputs() const { return code.outputs; }
  [[nodiscard]] int outputRows() const { return 2 * hidden + 2; }
};

/// Integer cell levels of a stage: the design.
struct StageCells {
  Eigen::MatrixXi hidden;  ///< H x 4
  Eigen::MatrixXi output;  ///< M x (2H + 2)
};

/// Intermediate values of one forward pass over a batch (kept for backward).
struct StageForward {
  Eigen::MatrixXd v1;    ///< B x 4 layer-1 row voltages
  Eigen::ArrayXXd u;     ///< B x H hidden column voltages
  Eigen::ArrayXXd h;     ///< B x H first inverter outputs
  Eigen::ArrayXXd dh;    ///< f'(u)
  Eigen::ArrayXXd hb;    ///< B x H second inverter outputs (complements)
  Eigen::ArrayXXd dhb;   ///< f'(h)
  Eigen::MatrixXd a;     ///< B x (2H+2) layer-2 row voltages
  Eigen::ArrayXXd o;     ///< B x M output column voltages
  Eigen::VectorXd den1;  ///< H column conductance sums
  Eigen::VectorXd den2;  ///< M
};

/// Conductances (any unit; only ratios matter) of both layers for one evaluation.
struct StageConductances {
  Eigen::MatrixXd g1;  ///< H x 4
  Eigen::MatrixXd g2;  ///< M x (2H+2)
  /// One die's inverter switching-threshold shifts dV_M [V] (CMOS mismatch, adc/mismatch.h
  /// thresholdShift), each empty = nominal: h_j = f(u_j - shift_h_j), hb_j = f(h_j - shift_hb_j)
  /// (with a drive table, I(vin - shift, vout)), bit k = 1 when o_k < threshold + shift_o_k.
  /// shift_h and shift_hb are set together (adc::applyThresholdShifts sets all of them).
  Eigen::VectorXd shift_h;   ///< H
  Eigen::VectorXd shift_hb;  ///< H
  Eigen::VectorXd shift_o;   ///< M
  /// The NMOS and PMOS threshold parts of shift_h / shift_hb (dV_M/dVT_n dVT_n, dV_M/dVT_p dVT_p;
  /// the rest is the current-factor part). A loaded inverter does not sit at its switching point:
  /// where one device is (nearly) off, the other's dVT shifts the curve alone. With a drive table
  /// the model weights each part by that device's share of the transconductance at the actual
  /// input, gm_n(vin) / (gm_n + gm_p), relative to the share at the switching point (see
  /// mismatchShift in stage.cpp); empty = shift_h / shift_hb applied uniformly.
  Eigen::VectorXd shift_h_n, shift_h_p;    ///< H
  Eigen::VectorXd shift_hb_n, shift_hb_p;  ///< H
};

/// Instruction set of the loaded operating-point solve's vector kernels (x86-64). Every choice
/// gives the same bits: the kernels do each element's IEEE multiplies and adds in the scalar
/// order, only more elements per instruction. kWidest takes the widest the CPU runs. The default
/// is kAvx2: with the node-vectorised table solve it trains the shipped stages 8-12 % faster than
/// AVX-512 on an AMD EPYC (Zen 4 runs 512-bit operations as two 256-bit halves, and the 12-node
/// stages of training/adc14.json fill two AVX-512 vectors only to three quarters). A choice the
/// CPU lacks falls back to the widest it has.
enum class SolveIsa { kWidest, kSse2, kAvx2, kAvx512 };

class StageModel {
 public:
  /// Ideal-source inverters (no loading): h = f(u).
  StageModel(StageShape shape, nn::TabulatedActivation vtc, double threshold_v,
             rram::LevelSet levels);
  /// From a characterised VTC: loading-aware when the VTC carries a drive table.
  StageModel(StageShape shape, const Vtc& vtc, rram::LevelSet levels);

  [[nodiscard]] bool loaded() const { return drive_ != nullptr; }

  [[nodiscard]] const StageShape& shape() const { return shape_; }
  [[nodiscard]] const rram::LevelSet& levels() const { return levels_; }
  [[nodiscard]] double threshold() const { return threshold_v_; }
  [[nodiscard]] const nn::TabulatedActivation& vtc() const { return vtc_; }

  /// Conductances of integer cells (level table lookup), optionally with programming variation.
  [[nodiscard]] StageConductances conductances(const StageCells& cells) const;

  /// Forward pass for inputs x [V]. With a loading-aware model, `out.o` from a previous call on
  /// the same batch size seeds the operating-point solve (the result does not depend on it beyond
  /// the solver tolerance, 1e-8 V).
  void forward(const StageConductances& g, const Eigen::VectorXd& x, StageForward& out) const;
  /// Backward pass: given dL/do (B x M), the gradients wrt the conductances of both layers, and
  /// optionally wrt the hidden inverters' threshold shifts (g.shift_h, g.shift_hb; exact for
  /// ideal-source inverters, the uniform-shift approximation with a drive table).
  void backward(const StageConductances& g, const StageForward& f, const Eigen::ArrayXXd& dl_do,
                Eigen::MatrixXd& dl_dg1, Eigen::MatrixXd& dl_dg2,
                Eigen::VectorXd* dl_dshift_h = nullptr,
                Eigen::VectorXd* dl_dshift_hb = nullptr) const;

  /// Output words for inputs x (bit k = 1 when o_k < threshold).
  [[nodiscard]] std::vector<Word> words(const StageConductances& g, const Eigen::VectorXd& x) const;

  /// Instruction set of the operating-point solve (see SolveIsa; results do not depend on it).
  void setSolveIsa(SolveIsa isa);
  /// Doubles per vector register the solve uses on this CPU with the chosen SolveIsa (2, 4, 8).
  [[nodiscard]] int solveWidth() const;

 private:
  StageShape shape_;
  nn::TabulatedActivation vtc_;
  double threshold_v_;
  rram::LevelSet levels_;
  std::shared_ptr<const nn::DriveTable> drive_;
  // With a drive table: the NMOS share of the transconductance gm_n / (gm_n + gm_p) on the drive
  // table's input grid (each device's gm from the table's rail columns, where the other device
  // carries no current), and its value at the switching point.
  std::vector<double> share_n_;
  double share_vin0_ = 0.0;
  double share_dvin_ = 1.0;
  double share_at_threshold_ = 0.5;
  SolveIsa isa_ = SolveIsa::kAvx2;

  /// Share of the NMOS in the transconductance at vin (linear in the table, clamped to it).
  [[nodiscard]] double shareN(double vin) const;
  /// A die's threshold shift of inverter j at input vin [V] (see StageConductances::shift_h_n).
  [[nodiscard]] double mismatchShift(const Eigen::VectorXd& total, const Eigen::VectorXd& n,
                                     const Eigen::VectorXd& p, int j, double vin) const;

  /// Loaded operating point of every sample: h, hb, o from u (see the file comment); dh, dhb
  /// (optional) get the loaded local slopes. An `o` already sized B x M on entry is the initial
  /// guess (forward() passes its previous outputs: training steps move them little). Samples are
  /// solved in fixed chunks of 64 on the training pool (nn/parallel.h): the same bits on any
  /// number of threads.
  void settle(const StageConductances& g, const Eigen::ArrayXXd& u, Eigen::ArrayXXd& h,
              Eigen::ArrayXXd& hb, Eigen::ArrayXXd& o, Eigen::ArrayXXd* dh,
              Eigen::ArrayXXd* dhb) const;
};

/// Ideal level of input x for an N-bit quantiser over [lo, hi].
int idealLevel(double x, double lo, double hi, int bits);
/// Ideal level of input x [V] for the stage's target (the uniform quantiser without one).
int idealLevel(double x, const StageShape& shape);
/// Ideal continuous level of x [V], in [0, 2^bits]: (x - lo) / LSB for the uniform quantiser;
/// with a target, level c spans [c, c + 1) linearly over [t_c, t_{c+1}) of the window (t_0 = 0,
/// t_{2^bits} = 1), so a decoded level's error reads in LSB of the code it falls in.
double idealContinuousLevel(double x, const StageShape& shape);

}  // namespace nnadc::adc
