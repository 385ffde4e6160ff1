#pragma once
/// The paper's residue network: an RRAM/inverter network whose inputs are the stage input and the
/// stage's output bits, trained by regression to the amplified residue.
///
/// Input rows: x, VDD - x, bit_k VDD and (1 - bit_k) VDD for the sub-ADC's M outputs, VDD, ground.
/// Hidden: H divider columns over the input rows, each driving an inverter h = f(u) and a second
/// inverter hb = f(h). Output: one divider column over [h, hb, input rows] whose node voltage is
/// the residue. A divider alone has |d out / d x| <= 1; any gain must come from the inverters,
/// which is why such a network struggles to be both high-gain and accurate.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/nn/adam.h"
#include "nnadc/nn/tabulated.h"
#include "nnadc/rram/levels.h"

namespace nnadc::adc {

struct ResidueNetworkDesign {
  int hidden = 0;                ///< 0 = no network
  Eigen::MatrixXi hidden_cells;  ///< H x (4 + 2M)
  Eigen::MatrixXi output_cells;  ///< 1 x (2H + 4 + 2M)
};

struct ResidueConductances {
  Eigen::MatrixXd g1;
  Eigen::MatrixXd g2;
  /// One die's inverter threshold shifts [V] (as StageConductances'); empty = nominal.
  Eigen::VectorXd shift_h;   ///< H
  Eigen::VectorXd shift_hb;  ///< H
};

class ResidueModel {
 public:
  ResidueModel(int outputs, int hidden, double vdd_v, nn::TabulatedActivation vtc,
               rram::LevelSet levels);
  [[nodiscard]] int inputRows() const { return 4 + 2 * outputs_; }
  [[nodiscard]] int hidden() const { return hidden_; }
  [[nodiscard]] ResidueConductances conductances(const ResidueNetworkDesign& d) const;
  /// Residue voltages for inputs x [V] and the sub-ADC bits (samples x M, 0/1).
  [[nodiscard]] Eigen::VectorXd evaluate(const ResidueConductances& g, const Eigen::VectorXd& x,
                                         const Eigen::MatrixXd& bits) const;
  /// MSE loss against `target` and its gradient wrt the conductances.
  double lossAndGradient(const ResidueConductances& g, const Eigen::MatrixXd& rows,
                         const Eigen::VectorXd& target, Eigen::MatrixXd& dg1,
                         Eigen::MatrixXd& dg2) const;
  /// The input-row voltages (samples x inputRows()).
  [[nodiscard]] Eigen::MatrixXd inputRowVoltages(const Eigen::VectorXd& x,
                                                 const Eigen::MatrixXd& bits) const;
  [[nodiscard]] const rram::LevelSet& levels() const { return levels_; }

 private:
  int outputs_;
  int hidden_;
  double vdd_v_;
  nn::TabulatedActivation vtc_;
  rram::LevelSet levels_;
};

struct ResidueTrainOptions {
  int iterations = 6000;
  std::uint64_t seed = 1;
  nn::AdamOptions adam = [] {
    nn::AdamOptions a;
    a.learning_rate = 0.01;
    a.decay_every = 2000;
    a.decay_factor = 0.5;
    return a;
  }();
  int refine_sweeps = 2;
};

struct ResidueTrainResult {
  ResidueNetworkDesign design;
  double rms_error_v = 0.0;  ///< on the training set, after refinement
  double max_error_v = 0.0;
};

/// Trains a residue network (STE on the RRAM levels, then integer local search) to map
/// (x, bits) to `target` [V].
ResidueTrainResult trainResidue(const ResidueModel& model, const Eigen::VectorXd& x,
                                const Eigen::MatrixXd& bits, const Eigen::VectorXd& target,
                                const ResidueTrainOptions& options, Logger& logger);

}  // namespace nnadc::adc
