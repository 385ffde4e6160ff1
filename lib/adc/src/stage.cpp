#include "nnadc/adc/stage.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "nnadc/nn/parallel.h"
// settle_kernel.h's vector helpers are always inlined: no wide vector crosses a call (GCC reports
// -Wpsabi for them where the templates are instantiated, in it and at the end of this file).
#pragma GCC diagnostic ignored "-Wpsabi"
#include "settle_kernel.h"

#include "nnadc/core/assert.h"

namespace nnadc::adc {

namespace {
// A column whose cells are all open would float. Training never keeps such a column (the
// trainer repairs it), but the forward pass must not divide by zero on the way there.
constexpr double kMinColumnConductance = 1e-30;
// Below this total transconductance [S] (both devices off: outside any used input range) the
// mismatch weights fall back to equal shares; shares are kept off 0 and 1 at the threshold.
constexpr double kMinShareGm = 1e-12;
constexpr double kMinShare = 0.05;
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
  if (vtc.drive.empty()) return;
  drive_ = std::make_shared<const nn::DriveTable>(vtc.drive);
  // gm_n = -dI(vin, VDD)/dvin (only the NMOS conducts into a node at VDD), gm_p = -dI(vin, 0)/dvin.
  const auto& grid = vtc.drive.vin_v;
  const double lo_out = vtc.drive.vout_v.front();
  const double hi_out = vtc.drive.vout_v.back();
  share_vin0_ = grid.front();
  share_dvin_ = grid[1] - grid[0];
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double a = grid[i == 0 ? 0 : i - 1];
    const double b = grid[std::min(i + 1, grid.size() - 1)];
    const double gm_n = (drive_->current(a, hi_out) - drive_->current(b, hi_out)) / (b - a);
    const double gm_p = (drive_->current(a, lo_out) - drive_->current(b, lo_out)) / (b - a);
    const double sum = std::max(gm_n, 0.0) + std::max(gm_p, 0.0);
    share_n_.push_back(sum > kMinShareGm ? std::max(gm_n, 0.0) / sum : 0.5);
  }
  share_at_threshold_ = std::clamp(shareN(threshold_v_), kMinShare, 1.0 - kMinShare);
}

double StageModel::shareN(double vin) const {
  const double t =
      std::clamp((vin - share_vin0_) / share_dvin_, 0.0, static_cast<double>(share_n_.size() - 1));
  const auto i = std::min(static_cast<std::size_t>(t), share_n_.size() - 2);
  const double f = t - static_cast<double>(i);
  return (1.0 - f) * share_n_[i] + f * share_n_[i + 1];
}

double StageModel::mismatchShift(const Eigen::VectorXd& total, const Eigen::VectorXd& n,
                                 const Eigen::VectorXd& p, int j, double vin) const {
  if (total.size() == 0) return 0.0;
  if (n.size() == 0 || share_n_.size() < 2) return total(j);
  const double w = shareN(vin);
  return total(j) - n(j) - p(j) + n(j) * w / share_at_threshold_ +
         p(j) * (1.0 - w) / (1.0 - share_at_threshold_);
}

namespace {
// Samples per unit of parallel work in the operating-point solve (fixed: see settle()).
constexpr Eigen::Index kSettleChunk = 64;

// The widest vector width this CPU runs (checked once; the OS must save the registers too,
// which __builtin_cpu_supports checks). Every width gives the same bits (settle_kernel.h).
int widestWidth() {
  static const int width = [] {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("avx512f")) return detail::kWidthAvx512;
    if (__builtin_cpu_supports("avx2")) return detail::kWidthAvx2;
#endif
    return detail::kWidthSse2;
  }();
  return width;
}

int widthOf(SolveIsa isa) {
  switch (isa) {
    case SolveIsa::kSse2:
      return detail::kWidthSse2;
    case SolveIsa::kAvx2:
      return detail::kWidthAvx2;
    case SolveIsa::kAvx512:
    case SolveIsa::kWidest:
      break;
  }
  return detail::kWidthAvx512;
}

// One entry per (width, output count): the body of settle_kernel.h compiled for the width's
// instruction set (the target attribute lets it use wider registers than the translation unit's
// baseline; it is only called after the CPU check above). Flattened: GCC does not inline the
// drive table's solve (baseline code) into a function of another target by itself, and a call
// per table solve cost more than the wider kernels saved.
template <int kM, typename Shift>
[[gnu::flatten]] void settleSse2(const detail::SettleArgs& a, const Shift* shift,
                                 Eigen::Index first, Eigen::Index last) {
  detail::settleRange<kM, detail::kWidthSse2>(a, shift, first, last);
}
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
template <int kM, typename Shift>
[[gnu::target("avx2"), gnu::flatten]] void settleAvx2(const detail::SettleArgs& a,
                                                      const Shift* shift, Eigen::Index first,
                                                      Eigen::Index last) {
  detail::settleRange<kM, detail::kWidthAvx2>(a, shift, first, last);
}
template <int kM, typename Shift>
[[gnu::target("avx512f"), gnu::flatten]] void settleAvx512(const detail::SettleArgs& a,
                                                           const Shift* shift, Eigen::Index first,
                                                           Eigen::Index last) {
  detail::settleRange<kM, detail::kWidthAvx512>(a, shift, first, last);
}
#endif

template <int kM, typename Shift>
void settleAt(int width, const detail::SettleArgs& a, const Shift* shift, Eigen::Index first,
              Eigen::Index last) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (width == detail::kWidthAvx512) return settleAvx512<kM>(a, shift, first, last);
  if (width == detail::kWidthAvx2) return settleAvx2<kM>(a, shift, first, last);
#endif
  settleSse2<kM>(a, shift, first, last);
}

// Copies `src` (rows x cols, column-major) into a zero matrix of `stride` rows.
std::vector<double> padded(const Eigen::MatrixXd& src, std::size_t stride, std::size_t cols) {
  std::vector<double> out(stride * cols, 0.0);
  for (Eigen::Index c = 0; c < src.cols(); ++c) {
    for (Eigen::Index r = 0; r < src.rows(); ++r) {
      out[static_cast<std::size_t>(r) + static_cast<std::size_t>(c) * stride] = src(r, c);
    }
  }
  return out;
}
}  // namespace

void StageModel::setSolveIsa(SolveIsa isa) { isa_ = isa; }

int StageModel::solveWidth() const { return std::min(widthOf(isa_), widestWidth()); }

void StageModel::settle(const StageConductances& g, const Eigen::ArrayXXd& u, Eigen::ArrayXXd& h,
                        Eigen::ArrayXXd& hb, Eigen::ArrayXXd& o, Eigen::ArrayXXd* dh,
                        Eigen::ArrayXXd* dhb) const {
  const Eigen::Index b = u.rows();
  const int hn = shape_.hidden;
  const int m = shape_.outputs();
  const double vdd = shape_.vdd_v;
  const int width = solveWidth();
  const detail::SettleLayout lay = detail::settleLayout(m, hn, width);
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
  // The first inverters' inputs less a die's mismatch shift (zero when nominal).
  Eigen::ArrayXXd u_shifted(b, hn);
  for (Eigen::Index j = 0; j < hn; ++j) {
    for (Eigen::Index i = 0; i < b; ++i) {
      u_shifted(i, j) = u(i, j) - mismatchShift(g.shift_h, g.shift_h_n, g.shift_h_p,
                                                static_cast<int>(j), u(i, j));
    }
  }
  // The kernel's zero-padded layouts (settle_kernel.h). Loads c_j = sum_k G_kj o_k for every j at
  // once need G transposed (j contiguous per k).
  const std::vector<double> gh = padded(g2h, lay.mc, lay.hn);
  const std::vector<double> gb = padded(g2b, lay.mc, lay.hn);
  const std::vector<double> ght = padded(g2h.transpose(), lay.hp, lay.m);
  const std::vector<double> gbt = padded(g2b.transpose(), lay.hp, lay.m);
  const std::vector<double> wh = padded(w_h, lay.mp, lay.hn);
  const std::vector<double> wb = padded(w_b, lay.mp, lay.hn);
  const std::vector<double> ov = padded(o_vdd, lay.mp, 1);
  detail::SettleArgs a;
  a.layout = lay;
  a.drive = drive_.get();
  a.vtc = &vtc_;
  a.batch = b;
  a.gh = gh.data();
  a.gb = gb.data();
  a.ght = ght.data();
  a.gbt = gbt.data();
  a.wh = wh.data();
  a.wb = wb.data();
  a.o_vdd = ov.data();
  a.s_h = s_h.data();
  a.s_b = s_b.data();
  a.u = u.data();
  a.u_shifted = u_shifted.data();
  a.warm = warm;
  a.vdd_v = vdd;
  a.h = h.data();
  a.hb = hb.data();
  a.o = o.data();
  a.dh = dh != nullptr ? dh->data() : nullptr;
  a.dhb = dhb != nullptr ? dhb->data() : nullptr;
  // A nominal die (no threshold shifts): the second inverters' shift is 0, no call per solve.
  const auto shift_hb = [&](int j, double vin) {
    return mismatchShift(g.shift_hb, g.shift_hb_n, g.shift_hb_p, j, vin);
  };
  const decltype(shift_hb)* shift = g.shift_hb.size() == 0 ? nullptr : &shift_hb;

  // Solves samples [first, last) in order. With a warm start every sample starts from its own
  // previous solution; without, the range's first sample starts from its unloaded point and
  // every later one from its predecessor's solution. The batch is cut into fixed chunks of
  // kSettleChunk samples (never a function of the thread count) that run in parallel, so the
  // result is the same on any number of threads. (The grid hints only speed the table search
  // up: the root's cell is unique, so they never change a result.) The output count is a
  // compile-time constant for the common sizes 3..8 (the Jacobian's columns stay in registers);
  // every count does the same operations in the same order: the same bits.
  const auto solve = [&](Eigen::Index first, Eigen::Index last) {
    switch (m) {
      case 3:
        return settleAt<3>(width, a, shift, first, last);
      case 4:
        return settleAt<4>(width, a, shift, first, last);
      case 5:
        return settleAt<5>(width, a, shift, first, last);
      case 6:
        return settleAt<6>(width, a, shift, first, last);
      case 7:
        return settleAt<7>(width, a, shift, first, last);
      case 8:
        return settleAt<8>(width, a, shift, first, last);
      default:
        return settleAt<0>(width, a, shift, first, last);
    }
  };
  if (b > kSettleChunk) {
    const auto chunks = static_cast<int>((b + kSettleChunk - 1) / kSettleChunk);
    nn::parallelFor(chunks, [&](int k) {
      const Eigen::Index first = k * kSettleChunk;
      solve(first, std::min(b, first + kSettleChunk));
    });
  } else {
    solve(0, b);
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
  } else if (g.shift_h.size() == 0) {
    vtc_.evaluate(f.u, f.h, f.dh);
    vtc_.evaluate(f.h, f.hb, f.dhb);
  } else {  // a Monte-Carlo die's inverter threshold shifts (mismatch.h)
    NNADC_ASSERT(g.shift_hb.size() == g.shift_h.size());
    vtc_.evaluate(f.u.rowwise() - g.shift_h.transpose().array(), f.h, f.dh);
    vtc_.evaluate(f.h.rowwise() - g.shift_hb.transpose().array(), f.hb, f.dhb);
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
                          Eigen::MatrixXd& dl_dg2, Eigen::VectorXd* dl_dshift_h,
                          Eigen::VectorXd* dl_dshift_hb) const {
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
  // h = f(u - shift_h), hb = f(h - shift_hb): a shift moves the input the other way.
  if (dl_dshift_h != nullptr) *dl_dshift_h = -dl_du.colwise().sum().transpose().matrix();
  if (dl_dshift_hb != nullptr) {
    *dl_dshift_hb =
        -(dl_da.middleCols(hn, hn).array() * f.dhb).colwise().sum().transpose().matrix();
  }
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
      const double threshold = threshold_v_ + (g.shift_o.size() == 0 ? 0.0 : g.shift_o(k));
      for (Eigen::Index i = 0; i < b; ++i) {
        if (o(i, k) < threshold) out[static_cast<std::size_t>(i)] |= bit;
      }
    }
    return out;
  }
  if (g.shift_h.size() == 0) {
    vtc_.values(u, h);
    vtc_.values(h, hb);
  } else {  // a Monte-Carlo die's inverter threshold shifts (mismatch.h)
    NNADC_ASSERT(g.shift_hb.size() == g.shift_h.size());
    vtc_.values(u.rowwise() - g.shift_h.transpose().array(), h);
    vtc_.values(h.rowwise() - g.shift_hb.transpose().array(), hb);
  }
  const Eigen::VectorXd den2 = g.g2.rowwise().sum().cwiseMax(kMinColumnConductance);
  // o = (h G2_h^T + hb G2_hb^T + VDD g_vdd) / den2; the ground row adds nothing.
  Eigen::MatrixXd o = h.matrix() * g.g2.leftCols(hn).transpose() +
                      hb.matrix() * g.g2.middleCols(hn, hn).transpose();
  o.rowwise() += (vdd * g.g2.col(2 * hn)).transpose();
  // o_k < threshold  <=>  raw_k < threshold * den2_k (den2 > 0).
  Eigen::RowVectorXd limit = (threshold_v_ * den2).transpose();
  if (g.shift_o.size() != 0) limit += g.shift_o.cwiseProduct(den2).transpose();
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

int idealLevel(double x, const StageShape& shape) {
  if (shape.target_thresholds.empty()) {
    return idealLevel(x, shape.input_lo_v, shape.input_hi_v, shape.bits);
  }
  const double f = (x - shape.input_lo_v) / (shape.input_hi_v - shape.input_lo_v);
  const auto& t = shape.target_thresholds;
  return static_cast<int>(std::upper_bound(t.begin(), t.end(), f) - t.begin());
}

double idealContinuousLevel(double x, const StageShape& shape) {
  const double levels = 1 << shape.bits;
  const double span = shape.input_hi_v - shape.input_lo_v;
  if (shape.target_thresholds.empty()) {
    return std::clamp((x - shape.input_lo_v) * (levels / span), 0.0, levels);
  }
  const double f = std::clamp((x - shape.input_lo_v) / span, 0.0, 1.0);
  const auto& t = shape.target_thresholds;
  const auto c = static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), f) - t.begin());
  const double lo = c == 0 ? 0.0 : t[c - 1];
  const double hi = c == t.size() ? 1.0 : t[c];
  return static_cast<double>(c) + (hi > lo ? (f - lo) / (hi - lo) : 0.0);
}

}  // namespace nnadc::adc
