#include "nnadc/adc/stage.h"

#include <algorithm>
#include <cmath>

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
  vtc_.evaluate(f.u, f.h, f.dh);
  vtc_.evaluate(f.h, f.hb, f.dhb);
  f.a.resize(b, shape_.outputRows());
  f.a.leftCols(hn) = f.h.matrix();
  f.a.middleCols(hn, hn) = f.hb.matrix();
  f.a.col(2 * hn).setConstant(vdd);
  f.a.col(2 * hn + 1).setZero();
  f.den2 = g.g2.rowwise().sum().cwiseMax(kMinColumnConductance);
  f.o = ((f.a * g.g2.transpose()).array().rowwise() / f.den2.transpose().array());
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
  vtc_.values(u, h);
  vtc_.values(h, hb);
  const Eigen::VectorXd den2 = g.g2.rowwise().sum().cwiseMax(kMinColumnConductance);
  // o = (h G2_h^T + hb G2_hb^T + VDD g_vdd) / den2; the ground row adds nothing.
  Eigen::MatrixXd o = h.matrix() * g.g2.leftCols(hn).transpose() +
                      hb.matrix() * g.g2.middleCols(hn, hn).transpose();
  o.rowwise() += (vdd * g.g2.col(2 * hn)).transpose();
  std::vector<Word> out(static_cast<std::size_t>(b), 0);
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
