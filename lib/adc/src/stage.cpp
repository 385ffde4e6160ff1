#include "nnadc/adc/stage.h"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>

#include "nnadc/nn/parallel.h"

namespace nnadc::adc {

namespace {
// A column whose cells are all open would float. Training never keeps such a column (the
// trainer repairs it), but the forward pass must not divide by zero on the way there.
constexpr double kMinColumnConductance = 1e-30;
}  // namespace

StageModel::StageModel(StageShape shape, nn::TabulatedActivation vtc, double threshold_v,
                       rram::LevelSet levels)
    : shape_(std::move(shape)),
      vtc_(std::move(vtc)),
      threshold_v_(threshold_v),
      levels_(std::move(levels)) {}

StageModel::StageModel(StageShape shape, const Vtc& vtc, rram::LevelSet levels)
    : StageModel(std::move(shape), nn::TabulatedActivation(vtc), vtc.threshold_v,
                 std::move(levels)) {
  if (!vtc.drive.empty()) drive_ = std::make_shared<const nn::DriveTable>(vtc.drive);
}

namespace {
// Newton on o stops when no output moves by more than this [V] (SPICE's own vntol: 1e-6 V).
constexpr double kSettleTolV = 1e-8;
constexpr int kSettleMaxIter = 60;
// Samples per unit of parallel work in the operating-point solve (fixed: see settle()).
constexpr Eigen::Index kSettleChunk = 64;
}  // namespace

void StageModel::settle(const StageConductances& g, const Eigen::ArrayXXd& u, Eigen::ArrayXXd& h,
                        Eigen::ArrayXXd& hb, Eigen::ArrayXXd& o, Eigen::ArrayXXd* dh,
                        Eigen::ArrayXXd* dhb) const {
  const Eigen::Index b = u.rows();
  const int hn = shape_.hidden;
  const int m = shape_.outputs();
  const double vdd = shape_.vdd_v;
  const Eigen::MatrixXd g2h = g.g2.leftCols(hn);
  const Eigen::MatrixXd g2b = g.g2.middleCols(hn, hn);
  const Eigen::VectorXd den2 = g.g2.rowwise().sum().cwiseMax(kMinColumnConductance);
  const Eigen::VectorXd o_vdd = (vdd * g.g2.col(2 * hn)).cwiseQuotient(den2);
  const Eigen::VectorXd s_h = g2h.colwise().sum().transpose();
  const Eigen::VectorXd s_b = g2b.colwise().sum().transpose();
  // Row-scaled copies: o = W_h h + W_b hb + o_vdd.
  const Eigen::MatrixXd w_h = den2.cwiseInverse().asDiagonal() * g2h;
  const Eigen::MatrixXd w_b = den2.cwiseInverse().asDiagonal() * g2b;
  const bool warm = o.rows() == b && o.cols() == m && o.allFinite();
  h.resize(b, hn);
  hb.resize(b, hn);
  if (!warm) o.resize(b, m);
  if (dh != nullptr) dh->resize(b, hn);
  if (dhb != nullptr) dhb->resize(b, hn);

  const Eigen::MatrixXd g2h_t = g2h.transpose();  // H x M
  const Eigen::MatrixXd g2b_t = g2b.transpose();
  // Solves samples [first, last) in order. With a warm start every sample starts from its own
  // previous solution; without, the range's first sample starts from its unloaded point and
  // every later one from its predecessor's solution. The batch is cut into fixed chunks of
  // kSettleChunk samples (never a function of the thread count) that run in parallel, so the
  // result is the same on any number of threads. (The grid hints only speed the table search
  // up: the root's cell is unique, so they never change a result.)
  const auto solve_range = [&](Eigen::Index first, Eigen::Index last) {
    Eigen::VectorXd oi(m);
    Eigen::VectorXd hi(hn);
    Eigen::VectorXd hbi(hn);
    Eigen::VectorXd ph(hn);   // dh_j/d(sum_k G o_k) given o
    Eigen::VectorXd pb(hn);   // dhb_j/d(sum_k G o_k) given h
    Eigen::VectorXd qb(hn);   // dhb_j/dh_j
    Eigen::VectorXd gin(hn);  // dI/dvin of the first inverter (for dh)
    Eigen::VectorXd c_h(hn);
    Eigen::VectorXd c_b(hn);
    Eigen::VectorXd phi(m);
    Eigen::VectorXd r(m);
    Eigen::VectorXd step(m);
    Eigen::MatrixXd dhdo(hn, m);
    Eigen::MatrixXd dhbdo(hn, m);
    Eigen::MatrixXd jac(m, m);
    Eigen::PartialPivLU<Eigen::MatrixXd> lu(m);
    // Output-grid cells of the last solution of each node: consecutive samples (ramps, sines,
    // training batches) sit close, so the next search starts there.
    std::vector<int> hint_h(static_cast<std::size_t>(hn), -1);
    std::vector<int> hint_b(static_cast<std::size_t>(hn), -1);
    std::vector<nn::DriveTable::InputCell> at_u(static_cast<std::size_t>(hn));
    for (Eigen::Index i = first; i < last; ++i) {
      // The first inverters' inputs u are fixed during the solve: locate them once.
      for (int j = 0; j < hn; ++j) at_u[static_cast<std::size_t>(j)] = drive_->inputCell(u(i, j));
      if (warm) {
        // The caller's previous solution (training reuses its buffers between small steps).
        for (int k = 0; k < m; ++k) oi(k) = o(i, k);
      } else if (i == first) {
        // Start from the unloaded point; later samples start from their predecessor's solution.
        for (int j = 0; j < hn; ++j) {
          hi(j) = vtc_.value(u(i, j));
          hbi(j) = vtc_.value(hi(j));
        }
        oi.noalias() = w_h * hi + w_b * hbi + o_vdd;
      }
      for (int it = 0; it < kSettleMaxIter; ++it) {
        c_h.noalias() = g2h_t * oi;
        c_b.noalias() = g2b_t * oi;
        for (int j = 0; j < hn; ++j) {
          const auto js = static_cast<std::size_t>(j);
          // dI/dvin of the first inverter only matters at the solution (for dh): computed there.
          const nn::LoadedPoint p =
              drive_->solveAt(at_u[js], s_h(j), c_h(j), &hint_h[js], /*want_di_dvin=*/false);
          hi(j) = p.vout;
          ph(j) = 1.0 / (s_h(j) - p.di_dvout);
          const nn::LoadedPoint q = drive_->solve(hi(j), s_b(j), c_b(j), &hint_b[js]);
          hbi(j) = q.vout;
          pb(j) = 1.0 / (s_b(j) - q.di_dvout);
          qb(j) = q.di_dvin * pb(j);
        }
        phi.noalias() = w_h * hi + w_b * hbi + o_vdd;
        r = oi - phi;
        if (r.cwiseAbs().maxCoeff() < kSettleTolV) {
          oi = phi;
          break;
        }
        // d phi_k / d o_l = sum_j W_h,kj dh_j/do_l + W_b,kj dhb_j/do_l with
        // dh_j/do_l = ph_j G_h,lj and dhb_j/do_l = qb_j dh_j/do_l + pb_j G_b,lj.
        dhdo.noalias() = ph.asDiagonal() * g2h_t;
        dhbdo.noalias() = qb.asDiagonal() * dhdo;
        dhbdo.noalias() += pb.asDiagonal() * g2b_t;
        jac.setIdentity();
        jac.noalias() -= w_h * dhdo;
        jac.noalias() -= w_b * dhbdo;
        lu.compute(jac);
        step.noalias() = lu.solve(r);
        // The map is piecewise linear (bilinear tables); Newton can overshoot across a kink, so
        // fall back to the plain fixed-point update when its step is not finite or too large.
        if (step.allFinite() && step.cwiseAbs().maxCoeff() < vdd) {
          oi -= step;
        } else {
          oi = phi;
        }
      }
      for (int j = 0; j < hn; ++j) {
        h(i, j) = hi(j);
        hb(i, j) = hbi(j);
        if (dh != nullptr) {
          const auto js = static_cast<std::size_t>(j);
          gin(j) = drive_->diDvin(at_u[js], hi(j), hint_h[js]);
          (*dh)(i, j) = gin(j) * ph(j);
        }
        if (dhb != nullptr) (*dhb)(i, j) = qb(j);
      }
      for (int k = 0; k < m; ++k) o(i, k) = oi(k);
    }
  };
  if (b > kSettleChunk) {
    const auto chunks = static_cast<int>((b + kSettleChunk - 1) / kSettleChunk);
    nn::parallelFor(chunks, [&](int k) {
      const Eigen::Index first = k * kSettleChunk;
      solve_range(first, std::min(b, first + kSettleChunk));
    });
  } else {
    solve_range(0, b);
  }
}

StageConductances StageModel::conductances(const StageCells& cells) const {
  StageConductances g;
  const auto& table = levels_.conductances();
  g.g1 = cells.hidden.unaryExpr([&](int k) { return table[static_cast<std::size_t>(k)]; });
  g.g2 = cells.output.unaryExpr([&](int k) { return table[static_cast<std::size_t>(k)]; });
  return g;
}

void StageModel::forward(const StageConductances& g, const Eigen::VectorXd& x,
                         StageForward& f) const {
  const Eigen::Index b = x.size();
  const int hn = shape_.hidden;
  const double vdd = shape_.vdd_v;
  f.v1.resize(b, kInputRows);
  f.v1.col(0) = x;
  f.v1.col(1) = (vdd - x.array()).matrix();
  f.v1.col(2).setConstant(vdd);
  f.v1.col(3).setZero();
  f.den1 = g.g1.rowwise().sum().cwiseMax(kMinColumnConductance);
  f.u = ((f.v1 * g.g1.transpose()).array().rowwise() / f.den1.transpose().array());
  Eigen::ArrayXXd loaded_o;
  if (drive_) {
    loaded_o.swap(f.o);  // the previous pass's outputs start the solve
    settle(g, f.u, f.h, f.hb, loaded_o, &f.dh, &f.dhb);
  } else {
    vtc_.evaluate(f.u, f.h, f.dh);
    vtc_.evaluate(f.h, f.hb, f.dhb);
  }
  f.a.resize(b, shape_.outputRows());
  f.a.leftCols(hn) = f.h.matrix();
  f.a.middleCols(hn, hn) = f.hb.matrix();
  f.a.col(2 * hn).setConstant(vdd);
  f.a.col(2 * hn + 1).setZero();
  f.den2 = g.g2.rowwise().sum().cwiseMax(kMinColumnConductance);
  if (drive_) {
    f.o = std::move(loaded_o);
  } else {
    f.o = ((f.a * g.g2.transpose()).array().rowwise() / f.den2.transpose().array());
  }
}

void StageModel::backward(const StageConductances& g, const StageForward& f,
                          const Eigen::ArrayXXd& dl_do, Eigen::MatrixXd& dl_dg1,
                          Eigen::MatrixXd& dl_dg2) const {
  const int hn = shape_.hidden;
  // o_k = sum_m G_km a_m / D_k  =>  do_k/dG_km = (a_m - o_k) / D_k, do_k/da_m = G_km / D_k.
  const Eigen::ArrayXXd scaled = dl_do.rowwise() / f.den2.transpose().array();  // B x M
  dl_dg2 = scaled.matrix().transpose() * f.a;
  const Eigen::VectorXd so = (scaled * f.o).colwise().sum().transpose();  // M
  dl_dg2.colwise() -= so;
  const Eigen::MatrixXd dl_da = scaled.matrix() * g.g2;  // B x (2H+2)
  // h feeds layer 2 directly and through the second inverter.
  const Eigen::ArrayXXd dl_dh =
      dl_da.leftCols(hn).array() + dl_da.middleCols(hn, hn).array() * f.dhb;
  const Eigen::ArrayXXd dl_du = dl_dh * f.dh;
  const Eigen::ArrayXXd scaled1 = dl_du.rowwise() / f.den1.transpose().array();  // B x H
  dl_dg1 = scaled1.matrix().transpose() * f.v1;
  const Eigen::VectorXd su = (scaled1 * f.u).colwise().sum().transpose();
  dl_dg1.colwise() -= su;
}

std::vector<Word> StageModel::words(const StageConductances& g, const Eigen::VectorXd& x) const {
  // The forward pass without derivatives: conversion is the hot path of every evaluation and
  // Monte-Carlo run.
  const Eigen::Index b = x.size();
  const int hn = shape_.hidden;
  const double vdd = shape_.vdd_v;
  Eigen::MatrixXd v1(b, kInputRows);
  v1.col(0) = x;
  v1.col(1) = (vdd - x.array()).matrix();
  v1.col(2).setConstant(vdd);
  v1.col(3).setZero();
  const Eigen::VectorXd den1 = g.g1.rowwise().sum().cwiseMax(kMinColumnConductance);
  const Eigen::ArrayXXd u = (v1 * g.g1.transpose()).array().rowwise() / den1.transpose().array();
  Eigen::ArrayXXd h;
  Eigen::ArrayXXd hb;
  std::vector<Word> out(static_cast<std::size_t>(b), 0);
  if (drive_) {
    Eigen::ArrayXXd o;
    settle(g, u, h, hb, o, nullptr, nullptr);
    for (int k = 0; k < shape_.outputs(); ++k) {
      const Word bit = Word{1} << k;
      for (Eigen::Index i = 0; i < b; ++i) {
        if (o(i, k) < threshold_v_) out[static_cast<std::size_t>(i)] |= bit;
      }
    }
    return out;
  }
  vtc_.values(u, h);
  vtc_.values(h, hb);
  const Eigen::VectorXd den2 = g.g2.rowwise().sum().cwiseMax(kMinColumnConductance);
  // o = (h G2_h^T + hb G2_hb^T + VDD g_vdd) / den2; the ground row adds nothing.
  Eigen::MatrixXd o = h.matrix() * g.g2.leftCols(hn).transpose() +
                      hb.matrix() * g.g2.middleCols(hn, hn).transpose();
  o.rowwise() += (vdd * g.g2.col(2 * hn)).transpose();
  // o_k < threshold  <=>  raw_k < threshold * den2_k (den2 > 0).
  const Eigen::RowVectorXd limit = (threshold_v_ * den2).transpose();
  for (int k = 0; k < shape_.outputs(); ++k) {
    const double lim = limit(k);
    const Word bit = Word{1} << k;
    for (Eigen::Index i = 0; i < b; ++i) {
      if (o(i, k) < lim) out[static_cast<std::size_t>(i)] |= bit;
    }
  }
  return out;
}

int idealLevel(double x, double lo, double hi, int bits) {
  const int n = 1 << bits;
  const auto level = static_cast<int>(std::floor((x - lo) / (hi - lo) * n));
  return std::clamp(level, 0, n - 1);
}

}  // namespace nnadc::adc
