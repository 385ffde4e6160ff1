#include "nnadc/adc/residue.h"

#include <algorithm>
#include <cmath>

#include "nnadc/core/rng.h"

namespace nnadc::adc {

namespace {
constexpr double kMinColumnConductance = 1e-30;

struct Forward {
  Eigen::ArrayXXd u, h, dh, hb, dhb;
  Eigen::MatrixXd a;
  Eigen::VectorXd den1;
  double den2 = 1.0;
  Eigen::VectorXd r;
};
}  // namespace

ResidueModel::ResidueModel(int outputs, int hidden, double vdd_v, nn::TabulatedActivation vtc,
                           rram::LevelSet levels)
    : outputs_(outputs),
      hidden_(hidden),
      vdd_v_(vdd_v),
      vtc_(std::move(vtc)),
      levels_(std::move(levels)) {}

ResidueConductances ResidueModel::conductances(const ResidueNetworkDesign& d) const {
  const auto& table = levels_.conductances();
  ResidueConductances g;
  g.g1 = d.hidden_cells.unaryExpr([&](int k) { return table[static_cast<std::size_t>(k)]; });
  g.g2 = d.output_cells.unaryExpr([&](int k) { return table[static_cast<std::size_t>(k)]; });
  return g;
}

Eigen::MatrixXd ResidueModel::inputRowVoltages(const Eigen::VectorXd& x,
                                               const Eigen::MatrixXd& bits) const {
  Eigen::MatrixXd rows(x.size(), inputRows());
  rows.col(0) = x;
  rows.col(1) = (vdd_v_ - x.array()).matrix();
  rows.middleCols(2, outputs_) = vdd_v_ * bits;
  rows.middleCols(2 + outputs_, outputs_) = (vdd_v_ * (1.0 - bits.array())).matrix();
  rows.col(2 + 2 * outputs_).setConstant(vdd_v_);
  rows.col(3 + 2 * outputs_).setZero();
  return rows;
}

namespace {
void forwardPass(const ResidueConductances& g, const Eigen::MatrixXd& rows,
                 const nn::TabulatedActivation& vtc, int hidden, Forward& f) {
  f.den1 = g.g1.rowwise().sum().cwiseMax(kMinColumnConductance);
  f.u = (rows * g.g1.transpose()).array().rowwise() / f.den1.transpose().array();
  if (g.shift_h.size() == 0) {
    vtc.evaluate(f.u, f.h, f.dh);
    vtc.evaluate(f.h, f.hb, f.dhb);
  } else {  // a Monte-Carlo die's inverter threshold shifts (mismatch.h)
    vtc.evaluate(f.u.rowwise() - g.shift_h.transpose().array(), f.h, f.dh);
    vtc.evaluate(f.h.rowwise() - g.shift_hb.transpose().array(), f.hb, f.dhb);
  }
  f.a.resize(rows.rows(), 2 * hidden + rows.cols());
  f.a.leftCols(hidden) = f.h.matrix();
  f.a.middleCols(hidden, hidden) = f.hb.matrix();
  f.a.rightCols(rows.cols()) = rows;
  f.den2 = std::max(g.g2.sum(), kMinColumnConductance);
  f.r = f.a * g.g2.row(0).transpose() / f.den2;
}
}  // namespace

Eigen::VectorXd ResidueModel::evaluate(const ResidueConductances& g, const Eigen::VectorXd& x,
                                       const Eigen::MatrixXd& bits) const {
  Forward f;
  forwardPass(g, inputRowVoltages(x, bits), vtc_, hidden_, f);
  return f.r;
}

double ResidueModel::lossAndGradient(const ResidueConductances& g, const Eigen::MatrixXd& rows,
                                     const Eigen::VectorXd& target, Eigen::MatrixXd& dg1,
                                     Eigen::MatrixXd& dg2) const {
  Forward f;
  forwardPass(g, rows, vtc_, hidden_, f);
  const auto n = static_cast<double>(rows.rows());
  const Eigen::VectorXd err = f.r - target;
  const double loss = err.squaredNorm() / n;
  const Eigen::VectorXd dl_dr = 2.0 * err / n;
  // r = sum_m G_m a_m / D: dr/dG_m = (a_m - r) / D, dr/da_m = G_m / D.
  dg2 = ((f.a.transpose() * dl_dr) - Eigen::VectorXd::Constant(f.a.cols(), dl_dr.dot(f.r)))
            .transpose() /
        f.den2;
  const Eigen::MatrixXd dl_da = dl_dr * (g.g2.row(0) / f.den2);
  const Eigen::ArrayXXd dl_dh =
      dl_da.leftCols(hidden_).array() + dl_da.middleCols(hidden_, hidden_).array() * f.dhb;
  const Eigen::ArrayXXd dl_du = dl_dh * f.dh;
  const Eigen::ArrayXXd scaled = dl_du.rowwise() / f.den1.transpose().array();
  dg1 = scaled.matrix().transpose() * rows;
  dg1.colwise() -= (scaled * f.u).colwise().sum().transpose().matrix();
  return loss;
}

ResidueTrainResult trainResidue(const ResidueModel& model, const Eigen::VectorXd& x,
                                const Eigen::MatrixXd& bits, const Eigen::VectorXd& target,
                                const ResidueTrainOptions& options, Logger& /*logger*/) {
  const int top = model.levels().count() - 1;
  const auto& table = model.levels().conductances();
  const double gmax = model.levels().gMax();
  Rng rng(options.seed);
  const int h = model.hidden();
  const int rows_in = model.inputRows();
  Eigen::MatrixXd w1 = Eigen::MatrixXd::NullaryExpr(h, rows_in, [&] { return rng.uniform(0, 1); });
  Eigen::MatrixXd w2 =
      Eigen::MatrixXd::NullaryExpr(1, 2 * h + rows_in, [&] { return rng.uniform(0, 1); });
  const auto level = [top](double w) {
    return static_cast<int>(std::clamp(std::lround(w * top), 0L, static_cast<long>(top)));
  };
  const auto value = [&](double w) { return table[static_cast<std::size_t>(level(w))] / gmax; };
  const Eigen::MatrixXd rows = model.inputRowVoltages(x, bits);
  nn::Adam adam(w1.size() + w2.size(), options.adam);
  Eigen::VectorXd params(w1.size() + w2.size());
  Eigen::VectorXd grad(params.size());
  ResidueConductances g;
  Eigen::MatrixXd dg1;
  Eigen::MatrixXd dg2;
  const auto toDesign = [&] {
    ResidueNetworkDesign d;
    d.hidden = h;
    d.hidden_cells = w1.unaryExpr(level);
    d.output_cells = w2.unaryExpr(level);
    for (Eigen::Index j = 0; j < d.hidden_cells.rows(); ++j) {
      if (d.hidden_cells.row(j).sum() == 0) d.hidden_cells(j, rows_in - 1) = 1;
    }
    if (d.output_cells.sum() == 0) d.output_cells(0, d.output_cells.cols() - 1) = 1;
    return d;
  };
  const auto mse = [&](const ResidueNetworkDesign& d) {
    return (model.evaluate(model.conductances(d), x, bits) - target).squaredNorm() /
           static_cast<double>(x.size());
  };
  ResidueNetworkDesign best = toDesign();
  double best_mse = mse(best);
  for (int it = 0; it < options.iterations; ++it) {
    g.g1 = w1.unaryExpr(value);
    g.g2 = w2.unaryExpr(value);
    model.lossAndGradient(g, rows, target, dg1, dg2);
    // Straight-through: d g / d w = 1 for a linear level set in units of g_max.
    Eigen::Map<Eigen::MatrixXd>(grad.data(), h, rows_in) = dg1;
    Eigen::Map<Eigen::MatrixXd>(grad.data() + w1.size(), 1, w2.cols()) = dg2;
    Eigen::Map<Eigen::MatrixXd>(params.data(), h, rows_in) = w1;
    Eigen::Map<Eigen::MatrixXd>(params.data() + w1.size(), 1, w2.cols()) = w2;
    adam.step(params, grad);
    const double lo = -0.49 / top;
    const double hi = 1.0 + 0.49 / top;
    w1 = Eigen::Map<Eigen::MatrixXd>(params.data(), h, rows_in).cwiseMax(lo).cwiseMin(hi);
    w2 = Eigen::Map<Eigen::MatrixXd>(params.data() + w1.size(), 1, w2.cols())
             .cwiseMax(lo)
             .cwiseMin(hi);
    if (it % 200 == 199) {
      const ResidueNetworkDesign d = toDesign();
      const double e = mse(d);
      if (e < best_mse) {
        best_mse = e;
        best = d;
      }
    }
  }
  // Integer local search, as for the sub-ADC.
  for (int sweep = 0; sweep < options.refine_sweeps; ++sweep) {
    bool changed = false;
    for (Eigen::MatrixXi* m : {&best.hidden_cells, &best.output_cells}) {
      for (Eigen::Index i = 0; i < m->size(); ++i) {
        int& cell = m->data()[i];
        const int original = cell;
        int chosen = original;
        for (const int delta : {-1, 1}) {
          const int c = original + delta;
          if (c < 0 || c > top) continue;
          cell = c;
          if (m->row(i % m->rows()).sum() == 0) continue;
          const double e = mse(best);
          if (e < best_mse - 1e-18) {
            best_mse = e;
            chosen = c;
            break;
          }
        }
        cell = chosen;
        changed = changed || chosen != original;
      }
    }
    if (!changed) break;
  }
  ResidueTrainResult result;
  result.design = best;
  const Eigen::VectorXd err = model.evaluate(model.conductances(best), x, bits) - target;
  result.rms_error_v = std::sqrt(err.squaredNorm() / static_cast<double>(err.size()));
  result.max_error_v = err.cwiseAbs().maxCoeff();
  return result;
}

}  // namespace nnadc::adc
