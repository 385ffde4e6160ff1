#include "nnadc/adc/stage.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "nnadc/nn/parallel.h"

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
// Newton on o stops when no output moves by more than this [V] (SPICE's own vntol: 1e-6 V).
constexpr double kSettleTolV = 1e-8;
constexpr int kSettleMaxIter = 60;
// Samples per unit of parallel work in the operating-point solve (fixed: see settle()).
constexpr Eigen::Index kSettleChunk = 64;

// Two doubles in one SSE2 register (the x86-64 baseline; GCC/Clang vector extension). The solve's
// element-wise kernels run on pairs of elements: each element gets exactly the operations, in the
// order, of the scalar loop (no contraction, -ffp-contract=off; no reassociation), so the same
// bits, at half the instructions.
using Pair = double __attribute__((vector_size(16)));
constexpr std::size_t kPair = 2;
inline Pair loadPair(const double* p) {
  Pair v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void storePair(double* p, Pair v) { std::memcpy(p, &v, sizeof v); }
inline Pair splat(double x) { return Pair{x, x}; }
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
  // A nominal die (no threshold shifts): the second inverters' shift is 0, no call per solve.
  const bool nominal_hb = g.shift_hb.size() == 0;
  h.resize(b, hn);
  hb.resize(b, hn);
  if (!warm) o.resize(b, m);
  if (dh != nullptr) dh->resize(b, hn);
  if (dhb != nullptr) dhb->resize(b, hn);

  // Solves samples [first, last) in order. With a warm start every sample starts from its own
  // previous solution; without, the range's first sample starts from its unloaded point and
  // every later one from its predecessor's solution. The batch is cut into fixed chunks of
  // kSettleChunk samples (never a function of the thread count) that run in parallel, so the
  // result is the same on any number of threads. (The grid hints only speed the table search
  // up: the root's cell is unique, so they never change a result.)
  // Loads c_j = sum_k G_kj o_k for every j at once need G transposed (j contiguous per k).
  const Eigen::MatrixXd g2h_t = g2h.transpose();
  const Eigen::MatrixXd g2b_t = g2b.transpose();
  // kM > 0: the number of outputs as a compile-time constant (the common sizes), so the
  // M-long loops unroll and the Jacobian's columns stay in registers; kM = 0: any m. Both do
  // the same operations in the same order: the same bits.
  const auto solve_range = [&]<int kM>(Eigen::Index first, Eigen::Index last) {
    // Small dense kernels by hand (m, H are ~6..24: Eigen's blocked products and LU cost more
    // in set-up than in arithmetic at these sizes). Column-major like the Eigen matrices.
    const std::size_t ms = kM > 0 ? static_cast<std::size_t>(kM) : static_cast<std::size_t>(m);
    const auto hs = static_cast<std::size_t>(hn);
    const double* gh = g2h.data();  // (k, j) at k + j m
    const double* gb = g2b.data();
    const double* ght = g2h_t.data();  // (k, j) at j + k H
    const double* gbt = g2b_t.data();
    const double* wh = w_h.data();
    const double* wb = w_b.data();
    std::vector<double> oi(ms);
    std::vector<double> hi(hs);
    std::vector<double> hbi(hs);
    std::vector<double> ph(hs);  // dh_j/d(sum_k G o_k) given o
    std::vector<double> pb(hs);  // dhb_j/d(sum_k G o_k) given h
    std::vector<double> qb(hs);  // dhb_j/dh_j
    std::vector<double> phi(ms);
    std::vector<double> r(ms);
    std::vector<double> jac(ms * ms);     // (k, l) at k + l m
    std::vector<double> coef_h(ms * hs);  // (k, j) at k + j m
    std::vector<double> coef_b(ms * hs);
    std::vector<double> load_h(hs);  // sum_k G_kj o_k through each inverter's row
    std::vector<double> load_b(hs);
    std::vector<int> perm(ms);
    // Output-grid cells of the last solution of each node: consecutive samples (ramps, sines,
    // training batches) sit close, so the next search starts there.
    std::vector<int> hint_h(hs, -1);
    std::vector<int> hint_b(hs, -1);
    std::vector<nn::DriveTable::InputCell> at_u(hs);
    // phi = W_h h + W_b hb + o_vdd. Inlined by force: GCC called it out of line once the pair
    // kernels grew the solve, paying a call and losing the compile-time output count.
    const auto outputs_of = [&](std::vector<double> & out) __attribute__((always_inline)) {
      for (std::size_t k = 0; k < ms; ++k) out[k] = 0.0;
      for (std::size_t j = 0; j < hs; ++j) {
        const double* ch = wh + j * ms;
        const double* cb = wb + j * ms;
        const Pair hj = splat(hi[j]);
        const Pair bj = splat(hbi[j]);
        std::size_t k = 0;
        for (; k + kPair <= ms; k += kPair) {
          storePair(&out[k], loadPair(&out[k]) + (loadPair(ch + k) * hj + loadPair(cb + k) * bj));
        }
        for (; k < ms; ++k) out[k] += ch[k] * hi[j] + cb[k] * hbi[j];
      }
      for (std::size_t k = 0; k < ms; ++k) out[k] += o_vdd(static_cast<Eigen::Index>(k));
    };
    for (Eigen::Index i = first; i < last; ++i) {
      // The first inverters' inputs u are fixed during the solve: locate them once.
      for (std::size_t j = 0; j < hs; ++j) {
        // A die's mismatch moves the inverter's curve (zero when nominal).
        const auto je = static_cast<Eigen::Index>(j);
        const double dvm_h =
            mismatchShift(g.shift_h, g.shift_h_n, g.shift_h_p, static_cast<int>(j), u(i, je));
        at_u[j] = drive_->inputCell(u(i, je) - dvm_h);
      }
      if (warm) {
        // The caller's previous solution (training reuses its buffers between small steps).
        for (std::size_t k = 0; k < ms; ++k) oi[k] = o(i, static_cast<Eigen::Index>(k));
      } else if (i == first) {
        // Start from the unloaded point; later samples start from their predecessor's solution.
        for (std::size_t j = 0; j < hs; ++j) {
          hi[j] = vtc_.value(u(i, static_cast<Eigen::Index>(j)));
          hbi[j] = vtc_.value(hi[j]);
        }
        outputs_of(oi);
      }
      for (int it = 0; it < kSettleMaxIter; ++it) {
        // Loads of every node j: c = sum_k G_kj o_k through both of its inverters' rows, summed
        // in k order for each j.
        std::fill(load_h.begin(), load_h.end(), 0.0);
        std::fill(load_b.begin(), load_b.end(), 0.0);
        for (std::size_t k = 0; k < ms; ++k) {
          const double ok = oi[k];
          const double* th = ght + k * hs;
          const double* tb = gbt + k * hs;
          const Pair okp = splat(ok);
          std::size_t j = 0;
          for (; j + kPair <= hs; j += kPair) {
            storePair(&load_h[j], loadPair(&load_h[j]) + loadPair(th + j) * okp);
            storePair(&load_b[j], loadPair(&load_b[j]) + loadPair(tb + j) * okp);
          }
          for (; j < hs; ++j) {
            load_h[j] += th[j] * ok;
            load_b[j] += tb[j] * ok;
          }
        }
        for (std::size_t j = 0; j < hs; ++j) {
          const double c_h = load_h[j];
          const double c_b = load_b[j];
          const auto je = static_cast<Eigen::Index>(j);
          // dI/dvin of the first inverter only matters at the solution (for dh): computed there.
          const nn::LoadedPoint p =
              drive_->solveAt(at_u[j], s_h(je), c_h, &hint_h[j], /*want_di_dvin=*/false);
          hi[j] = p.vout;
          ph[j] = 1.0 / (s_h(je) - p.di_dvout);
          const double dvm_b = nominal_hb ? 0.0
                                          : mismatchShift(g.shift_hb, g.shift_hb_n, g.shift_hb_p,
                                                          static_cast<int>(j), hi[j]);
          const nn::LoadedPoint q = drive_->solve(hi[j] - dvm_b, s_b(je), c_b, &hint_b[j]);
          hbi[j] = q.vout;
          pb[j] = 1.0 / (s_b(je) - q.di_dvout);
          qb[j] = q.di_dvin * pb[j];
        }
        outputs_of(phi);
        double worst = 0.0;
        for (std::size_t k = 0; k < ms; ++k) {
          r[k] = oi[k] - phi[k];
          worst = std::max(worst, std::abs(r[k]));
        }
        if (worst < kSettleTolV) {
          oi = phi;
          break;
        }
        // d phi_k / d o_l = sum_j W_h,kj dh_j/do_l + W_b,kj dhb_j/do_l with
        // dh_j/do_l = ph_j G_h,lj and dhb_j/do_l = qb_j dh_j/do_l + pb_j G_b,lj, so
        // J = I - sum_j [(W_h,kj + W_b,kj qb_j) ph_j G_h,lj + W_b,kj pb_j G_b,lj].
        for (std::size_t j = 0; j < hs; ++j) {
          const double* whj = wh + j * ms;
          const double* wbj = wb + j * ms;
          double* chj = &coef_h[j * ms];
          double* cbj = &coef_b[j * ms];
          const Pair qj = splat(qb[j]);
          const Pair phj = splat(ph[j]);
          const Pair pbj = splat(pb[j]);
          std::size_t k = 0;
          for (; k + kPair <= ms; k += kPair) {
            const Pair wbk = loadPair(wbj + k);
            storePair(chj + k, (loadPair(whj + k) + wbk * qj) * phj);
            storePair(cbj + k, wbk * pbj);
          }
          for (; k < ms; ++k) {
            chj[k] = (whj[k] + wbj[k] * qb[j]) * ph[j];
            cbj[k] = wbj[k] * pb[j];
          }
        }
        // Column l of J: every element starts at the identity's and takes its H terms in j
        // order (as updating the whole matrix once per j would), here in registers.
        for (std::size_t l = 0; l < ms; ++l) {
          if constexpr (kM > 0) {
            // Pairs of rows in registers; an odd last row on its own.
            constexpr std::size_t kPairs = static_cast<std::size_t>(kM) / kPair;
            constexpr bool kOdd = kM % 2 != 0;
            std::array<Pair, kPairs> col{};
            for (std::size_t p = 0; p < kPairs; ++p) {
              col[p] = Pair{kPair * p == l ? 1.0 : 0.0, kPair * p + 1 == l ? 1.0 : 0.0};
            }
            [[maybe_unused]] double odd_row = l == ms - 1 ? 1.0 : 0.0;
            for (std::size_t j = 0; j < hs; ++j) {
              const double a = gh[l + j * ms];
              const double bb = gb[l + j * ms];
              const Pair ap = splat(a);
              const Pair bp = splat(bb);
              const double* chj = &coef_h[j * ms];
              const double* cbj = &coef_b[j * ms];
#pragma GCC unroll 4  // at -O2 GCC kept this 1..4-trip loop: a compare and branch per pair
              for (std::size_t p = 0; p < kPairs; ++p) {
                col[p] -= loadPair(chj + kPair * p) * ap + loadPair(cbj + kPair * p) * bp;
              }
              if constexpr (kOdd) odd_row -= chj[ms - 1] * a + cbj[ms - 1] * bb;
            }
            double* out = &jac[l * ms];
            for (std::size_t p = 0; p < kPairs; ++p) storePair(out + kPair * p, col[p]);
            if constexpr (kOdd) out[ms - 1] = odd_row;
          } else {
            double* col = &jac[l * ms];
            for (std::size_t k = 0; k < ms; ++k) col[k] = k == l ? 1.0 : 0.0;
            for (std::size_t j = 0; j < hs; ++j) {
              const double a = gh[l + j * ms];
              const double bb = gb[l + j * ms];
              const double* chj = &coef_h[j * ms];
              const double* cbj = &coef_b[j * ms];
              for (std::size_t k = 0; k < ms; ++k) col[k] -= chj[k] * a + cbj[k] * bb;
            }
          }
        }
        // Step = J^-1 r by Gaussian elimination with partial pivoting (in place on jac, r).
        bool singular = false;
        for (std::size_t c = 0; c < ms; ++c) {
          std::size_t pivot = c;
          for (std::size_t k = c + 1; k < ms; ++k) {
            if (std::abs(jac[k + c * ms]) > std::abs(jac[pivot + c * ms])) pivot = k;
          }
          if (!(std::abs(jac[pivot + c * ms]) > 0.0)) {
            singular = true;
            break;
          }
          if (pivot != c) {
            for (std::size_t l = 0; l < ms; ++l) std::swap(jac[c + l * ms], jac[pivot + l * ms]);
            std::swap(r[c], r[pivot]);
          }
          const double inv = 1.0 / jac[c + c * ms];
          for (std::size_t k = c + 1; k < ms; ++k) {
            const double f = jac[k + c * ms] * inv;
            if (f == 0.0) continue;
            for (std::size_t l = c + 1; l < ms; ++l) jac[k + l * ms] -= f * jac[c + l * ms];
            r[k] -= f * r[c];
          }
        }
        bool usable = !singular;
        double largest = 0.0;
        if (usable) {
          for (std::size_t c = ms; c-- > 0;) {
            double v = r[c];
            for (std::size_t l = c + 1; l < ms; ++l) v -= jac[c + l * ms] * r[l];
            r[c] = v / jac[c + c * ms];
            if (!std::isfinite(r[c])) usable = false;
            largest = std::max(largest, std::abs(r[c]));
          }
        }
        // The map is piecewise linear (bilinear tables); Newton can overshoot across a kink, so
        // fall back to the plain fixed-point update when its step is not finite or too large.
        if (usable && largest < vdd) {
          for (std::size_t k = 0; k < ms; ++k) oi[k] -= r[k];
        } else {
          oi = phi;
        }
      }
      for (std::size_t j = 0; j < hs; ++j) {
        const auto je = static_cast<Eigen::Index>(j);
        h(i, je) = hi[j];
        hb(i, je) = hbi[j];
        if (dh != nullptr) (*dh)(i, je) = drive_->diDvin(at_u[j], hi[j], hint_h[j]) * ph[j];
        if (dhb != nullptr) (*dhb)(i, je) = qb[j];
      }
      for (std::size_t k = 0; k < ms; ++k) o(i, static_cast<Eigen::Index>(k)) = oi[k];
    }
  };
  const auto solve = [&](Eigen::Index first, Eigen::Index last) {
    switch (m) {
      case 3:
        return solve_range.template operator()<3>(first, last);
      case 4:
        return solve_range.template operator()<4>(first, last);
      case 5:
        return solve_range.template operator()<5>(first, last);
      case 6:
        return solve_range.template operator()<6>(first, last);
      case 7:
        return solve_range.template operator()<7>(first, last);
      case 8:
        return solve_range.template operator()<8>(first, last);
      default:
        return solve_range.template operator()<0>(first, last);
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
