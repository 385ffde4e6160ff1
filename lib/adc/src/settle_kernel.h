#pragma once
// The loaded operating-point solve's per-sample Newton loop (StageModel::settle, stage.cpp), one
// body compiled for several vector widths: SSE2 pairs (the x86-64 baseline), AVX2 (4 doubles) and
// AVX-512 (8 doubles), the widest the CPU runs picked at run time. Every element of every
// element-wise kernel gets exactly the scalar loop's operations in the same order (plain IEEE
// multiplies and adds, -ffp-contract=off, no FMA, nothing reassociated): each width gives the same
// bits, only the number of instructions changes. Private to lib/adc.
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

#include "nnadc/nn/drive.h"
#include "nnadc/nn/tabulated.h"

namespace nnadc::adc::detail {

// Newton on o stops when no output moves by more than this [V] (SPICE's own vntol: 1e-6 V).
constexpr double kSettleTolV = 1e-8;
constexpr int kSettleMaxIter = 60;

/// Vector widths (doubles per register) of the instruction sets the solve is compiled for.
constexpr int kWidthSse2 = 2;
constexpr int kWidthAvx2 = 4;
constexpr int kWidthAvx512 = 8;
/// Most accumulators the Jacobian keeps in registers at once (columns x row vectors).
constexpr int kJacobianAccumulators = 8;

constexpr std::size_t roundUp(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

/// Padded sizes of the solve's arrays for output count m, H hidden nodes and vector width w.
/// Rows past m (outputs) and past H (nodes) are zero and never read back.
struct SettleLayout {
  std::size_t m = 0;      ///< outputs
  std::size_t hn = 0;     ///< hidden nodes
  std::size_t mp = 0;     ///< m rounded up to w: the stride of every output-indexed column
  std::size_t hp = 0;     ///< H rounded up to w: the stride of the transposed loads
  std::size_t mc = 0;     ///< m rounded up to the Jacobian's column group
  std::size_t group = 1;  ///< Jacobian columns accumulated together (loads of C shared)
};

constexpr SettleLayout settleLayout(int m, int hn, int w) {
  SettleLayout l;
  l.m = static_cast<std::size_t>(m);
  l.hn = static_cast<std::size_t>(hn);
  const auto ws = static_cast<std::size_t>(w);
  l.mp = roundUp(l.m, ws);
  l.hp = roundUp(l.hn, ws);
  const std::size_t row_vectors = l.mp / ws;
  l.group = std::max<std::size_t>(1, kJacobianAccumulators / row_vectors);
  l.mc = roundUp(l.m, l.group);
  return l;
}

/// The solve's inputs, laid out for one SettleLayout (column-major, zero-padded).
struct SettleArgs {
  SettleLayout layout;
  const nn::DriveTable* drive = nullptr;
  const nn::TabulatedActivation* vtc = nullptr;
  Eigen::Index batch = 0;             ///< B: the stride of the B x H / B x M arrays below
  const double* gh = nullptr;         ///< G_h (l, j) at l + j mc: the Jacobian's column factors
  const double* gb = nullptr;         ///< G_b, same layout
  const double* ght = nullptr;        ///< G_h^T (j, k) at j + k hp: the nodes' loads
  const double* gbt = nullptr;        ///< G_b^T, same layout
  const double* wh = nullptr;         ///< W_h (k, j) at k + j mp: o = W_h h + W_b hb + o_vdd
  const double* wb = nullptr;         ///< W_b, same layout
  const double* o_vdd = nullptr;      ///< mp
  const double* s_h = nullptr;        ///< H load conductances of the first inverters [S]
  const double* s_b = nullptr;        ///< H, of the second inverters
  const double* u = nullptr;          ///< B x H first inverters' inputs [V]
  const double* u_shifted = nullptr;  ///< B x H the same, less the die's threshold shifts
  bool warm = false;                  ///< o holds the previous solution of every sample
  double vdd_v = 0.0;
  double* h = nullptr;    ///< B x H
  double* hb = nullptr;   ///< B x H
  double* o = nullptr;    ///< B x M (read first when warm)
  double* dh = nullptr;   ///< B x H or null
  double* dhb = nullptr;  ///< B x H or null
};

// (A typedef: GCC 12 drops a dependent vector_size from an alias declaration.)
template <int kW>
struct VectorOf {
  typedef double Type __attribute__((vector_size(sizeof(double) * kW)));  // NOLINT
  static_assert(sizeof(Type) == sizeof(double) * kW);
};

// The helpers below and the kernel's lambdas pass wide vectors by value; they are always inlined
// into the kernel of their width, so the calling convention GCC warns about never applies (the
// including file turns -Wpsabi off: GCC reports it where templates are instantiated, at its end).
template <int kW>
[[gnu::always_inline]] inline typename VectorOf<kW>::Type loadV(const double* p) {
  typename VectorOf<kW>::Type v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <int kW>
[[gnu::always_inline]] inline void storeV(double* p, typename VectorOf<kW>::Type v) {
  std::memcpy(p, &v, sizeof v);
}
template <int kW>
[[gnu::always_inline]] inline typename VectorOf<kW>::Type splatV(double x) {
  std::array<double, static_cast<std::size_t>(kW)> e;
  e.fill(x);
  return loadV<kW>(e.data());
}

/// Solves samples [first, last) in order (see StageModel::settle): kM > 0 is the output count as
/// a compile-time constant (0: any count, read from the layout), kW the vector width; shift_hb(j,
/// vin) is the second inverter j's threshold shift (null: a nominal die).
template <int kM, int kW, typename ShiftHb>
[[gnu::always_inline]] inline void settleRange(const SettleArgs& a, const ShiftHb* shift_hb,
                                               Eigen::Index first, Eigen::Index last) {
  using V = typename VectorOf<kW>::Type;
  constexpr auto kWs = static_cast<std::size_t>(kW);
  const SettleLayout& lay = a.layout;
  const std::size_t ms = kM > 0 ? static_cast<std::size_t>(kM) : lay.m;
  const std::size_t mp = kM > 0 ? roundUp(ms, kWs) : lay.mp;
  const std::size_t hs = lay.hn;
  const std::size_t hp = lay.hp;
  const nn::DriveTable& drive = *a.drive;
  const double vdd = a.vdd_v;
  const Eigen::Index bs = a.batch;
  const auto at2 = [bs](auto* base, Eigen::Index i, std::size_t j) {
    return base + i + static_cast<Eigen::Index>(j) * bs;
  };
  std::vector<double> oi(mp, 0.0);
  std::vector<double> phi(mp, 0.0);
  std::vector<double> r(ms);
  std::vector<double> hi(hs);
  std::vector<double> hbi(hs);
  std::vector<double> ph(hs);           // dh_j/d(sum_k G o_k) given o
  std::vector<double> pb(hs);           // dhb_j/d(sum_k G o_k) given h
  std::vector<double> qb(hs);           // dhb_j/dh_j
  std::vector<double> jac(ms * ms);     // (k, l) at k + l m
  std::vector<double> coef_h(mp * hs);  // (k, j) at k + j mp
  std::vector<double> coef_b(mp * hs);
  std::vector<double> load_h(hp);  // sum_k G_kj o_k through each inverter's row
  std::vector<double> load_b(hp);
  // Output-grid cells of the last solution of each node: consecutive samples (ramps, sines,
  // training batches) sit close, so the next search starts there.
  std::vector<int> hint_h(hs, -1);
  std::vector<int> hint_b(hs, -1);
  std::vector<nn::DriveTable::InputCell> at_u(hs);
  // phi = W_h h + W_b hb + o_vdd, each element's H terms in j order.
  const auto outputs_of = [&](std::vector<double> & out) __attribute__((always_inline)) {
    for (std::size_t k = 0; k < mp; k += kWs) {
      V acc = splatV<kW>(0.0);
      for (std::size_t j = 0; j < hs; ++j) {
        acc = acc + (loadV<kW>(a.wh + j * mp + k) * splatV<kW>(hi[j]) +
                     loadV<kW>(a.wb + j * mp + k) * splatV<kW>(hbi[j]));
      }
      storeV<kW>(&out[k], acc + loadV<kW>(a.o_vdd + k));
    }
  };
  for (Eigen::Index i = first; i < last; ++i) {
    // The first inverters' inputs are fixed during the solve: locate them once.
    for (std::size_t j = 0; j < hs; ++j) at_u[j] = drive.inputCell(*at2(a.u_shifted, i, j));
    if (a.warm) {
      // The caller's previous solution (training reuses its buffers between small steps).
      for (std::size_t k = 0; k < ms; ++k) oi[k] = *at2(a.o, i, k);
    } else if (i == first) {
      // Start from the unloaded point; later samples start from their predecessor's solution.
      for (std::size_t j = 0; j < hs; ++j) {
        hi[j] = a.vtc->value(*at2(a.u, i, j));
        hbi[j] = a.vtc->value(hi[j]);
      }
      outputs_of(oi);
    }
    for (int it = 0; it < kSettleMaxIter; ++it) {
      // Loads of every node j: c = sum_k G_kj o_k through both of its inverters' rows, summed
      // in k order for each j.
      for (std::size_t j = 0; j < hp; j += kWs) {
        V lh = splatV<kW>(0.0);
        V lb = splatV<kW>(0.0);
        for (std::size_t k = 0; k < ms; ++k) {
          const V ok = splatV<kW>(oi[k]);
          lh = lh + loadV<kW>(a.ght + k * hp + j) * ok;
          lb = lb + loadV<kW>(a.gbt + k * hp + j) * ok;
        }
        storeV<kW>(&load_h[j], lh);
        storeV<kW>(&load_b[j], lb);
      }
      for (std::size_t j = 0; j < hs; ++j) {
        // dI/dvin of the first inverter only matters at the solution (for dh): computed there.
        const nn::LoadedPoint p =
            drive.solveAt(at_u[j], a.s_h[j], load_h[j], &hint_h[j], /*want_di_dvin=*/false);
        hi[j] = p.vout;
        ph[j] = 1.0 / (a.s_h[j] - p.di_dvout);
        const double dvm_b = shift_hb == nullptr ? 0.0 : (*shift_hb)(static_cast<int>(j), hi[j]);
        const nn::LoadedPoint q = drive.solve(hi[j] - dvm_b, a.s_b[j], load_b[j], &hint_b[j]);
        hbi[j] = q.vout;
        pb[j] = 1.0 / (a.s_b[j] - q.di_dvout);
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
        const V qj = splatV<kW>(qb[j]);
        const V phj = splatV<kW>(ph[j]);
        const V pbj = splatV<kW>(pb[j]);
        for (std::size_t k = 0; k < mp; k += kWs) {
          const V wbk = loadV<kW>(a.wb + j * mp + k);
          storeV<kW>(&coef_h[j * mp + k], (loadV<kW>(a.wh + j * mp + k) + wbk * qj) * phj);
          storeV<kW>(&coef_b[j * mp + k], wbk * pbj);
        }
      }
      // Column l of J: every element starts at the identity's and takes its H terms in j order
      // (as updating the whole matrix once per j would), here in registers.
      if constexpr (kM > 0) {
        constexpr SettleLayout kLay = settleLayout(kM, 1, kW);
        constexpr std::size_t kRows = kLay.mp / kWs;  // row vectors per column
        constexpr std::size_t kGroup = kLay.group;    // columns sharing the loads of C
        for (std::size_t l0 = 0; l0 < ms; l0 += kGroup) {
          std::array<V, kRows * kGroup> col;
          for (std::size_t g = 0; g < kGroup; ++g) {
            for (std::size_t v = 0; v < kRows; ++v) {
              std::array<double, kWs> e{};
              for (std::size_t q = 0; q < kWs; ++q) e[q] = v * kWs + q == l0 + g ? 1.0 : 0.0;
              col[g * kRows + v] = loadV<kW>(e.data());
            }
          }
          for (std::size_t j = 0; j < hs; ++j) {
            const double* chj = &coef_h[j * mp];
            const double* cbj = &coef_b[j * mp];
            const double* ghj = a.gh + j * kLay.mc + l0;
            const double* gbj = a.gb + j * kLay.mc + l0;
            std::array<V, kRows> ch;
            std::array<V, kRows> cb;
            for (std::size_t v = 0; v < kRows; ++v) {
              ch[v] = loadV<kW>(chj + v * kWs);
              cb[v] = loadV<kW>(cbj + v * kWs);
            }
#pragma GCC unroll 8
            for (std::size_t g = 0; g < kGroup; ++g) {
              const V ap = splatV<kW>(ghj[g]);
              const V bp = splatV<kW>(gbj[g]);
#pragma GCC unroll 4
              for (std::size_t v = 0; v < kRows; ++v) {
                col[g * kRows + v] -= ch[v] * ap + cb[v] * bp;
              }
            }
          }
          for (std::size_t g = 0; g < kGroup && l0 + g < ms; ++g) {
            double* out = &jac[(l0 + g) * ms];
            for (std::size_t v = 0; v < kRows; ++v) {
              std::array<double, kWs> e{};
              storeV<kW>(e.data(), col[g * kRows + v]);
              for (std::size_t q = 0; q < kWs && v * kWs + q < ms; ++q) out[v * kWs + q] = e[q];
            }
          }
        }
      } else {
        for (std::size_t l = 0; l < ms; ++l) {
          double* col = &jac[l * ms];
          for (std::size_t k = 0; k < ms; ++k) col[k] = k == l ? 1.0 : 0.0;
          for (std::size_t j = 0; j < hs; ++j) {
            const double av = a.gh[l + j * lay.mc];
            const double bv = a.gb[l + j * lay.mc];
            const double* chj = &coef_h[j * mp];
            const double* cbj = &coef_b[j * mp];
            for (std::size_t k = 0; k < ms; ++k) col[k] -= chj[k] * av + cbj[k] * bv;
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
      *at2(a.h, i, j) = hi[j];
      *at2(a.hb, i, j) = hbi[j];
      if (a.dh != nullptr) *at2(a.dh, i, j) = drive.diDvin(at_u[j], hi[j], hint_h[j]) * ph[j];
      if (a.dhb != nullptr) *at2(a.dhb, i, j) = qb[j];
    }
    for (std::size_t k = 0; k < ms; ++k) *at2(a.o, i, k) = oi[k];
  }
}

}  // namespace nnadc::adc::detail
