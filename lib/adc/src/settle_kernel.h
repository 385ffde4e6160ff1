#pragma once
// The loaded operating-point solve's per-sample Newton loop (StageModel::settle, stage.cpp), one
// body compiled for several vector widths: SSE2 pairs (the x86-64 baseline), AVX2 (4 doubles) and
// AVX-512 (8 doubles), the widest the CPU runs picked at run time. Every element of every
// element-wise kernel gets exactly the scalar loop's operations in the same order (plain IEEE
// multiplies and adds, -ffp-contract=off, no FMA, nothing reassociated): each width gives the same
// bits, only the number of instructions changes. The inverters' table solves of one Newton
// iteration run a vector of nodes at a time where each root stays in the output cell of its last
// solution (86 % of solves in training: CellCache, cellRoot), the scalar search for the rest; the
// elimination updates a vector of rows at a time. Both repeat the scalar code's operations lane by
// lane, so the results are those of the scalar solve, bit for bit. Private to lib/adc.
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
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
  typedef int Int __attribute__((vector_size(sizeof(int) * kW)));         // NOLINT
  static_assert(sizeof(Type) == sizeof(double) * kW);
  /// What comparing two Type vectors gives: 64-bit lanes, all ones where true.
  typedef std::int64_t Mask __attribute__((vector_size(sizeof(std::int64_t) * kW)));  // NOLINT
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

/// Per node, the drive table's entries around the output-grid cell of its last root (rows r0, r1
/// of its input cell, columns lo and lo + 1), kept in lanes so that a vector of nodes repeats
/// DriveTable::solveAt()'s arithmetic at once; `valid` (all ones) where the node has such a cell.
struct CellCache {
  explicit CellCache(std::size_t n)
      : r00(n), r01(n), r10(n), r11(n), g0(n), g1(n), lo(n), t(n), valid(n, 0), row(n, -1) {}
  std::vector<double> r00, r01, r10, r11;  // r0[lo], r0[lo + 1], r1[lo], r1[lo + 1]
  std::vector<double> g0, g1;              // output grid at lo and lo + 1
  std::vector<double> lo;                  // lo as a double
  std::vector<double> t;                   // the input's fraction between rows r0 and r1
  std::vector<std::int64_t> valid;
  std::vector<int> row;  // the index of r0 (-1: none)

  /// Loads node j's entries for input row `input_row` and output cell `cell`.
  void fill(const nn::DriveTable::View& v, std::size_t j, int input_row, int cell) {
    row[j] = input_row;
    if (input_row < 0 || input_row > v.nin - 2 || cell < 0 || cell > v.nout - 2) {
      valid[j] = 0;
      return;
    }
    const double* a = v.current + static_cast<std::ptrdiff_t>(input_row) * v.nout;
    const double* b = a + v.nout;
    r00[j] = a[cell];
    r01[j] = a[cell + 1];
    r10[j] = b[cell];
    r11[j] = b[cell + 1];
    g0[j] = v.vout_grid[cell];
    g1[j] = v.vout_grid[cell + 1];
    lo[j] = cell;
    valid[j] = -1;
  }
};

/// DriveTable::solveAt() for the kW nodes from j of `c` with load conductances s and loads
/// `load`, where each root stays in its node's cached cell: the same operations in the same order
/// as the scalar solve's path when its hint is right (the same bits). Returns all ones in the
/// lanes where that holds (the others need the scalar search); di_dvin is computed when asked.
template <int kW>
[[gnu::always_inline]] inline typename VectorOf<kW>::Mask cellRoot(
    const CellCache& c, std::size_t j, const nn::DriveTable::View& v, typename VectorOf<kW>::Type s,
    typename VectorOf<kW>::Type load, typename VectorOf<kW>::Type& vout,
    typename VectorOf<kW>::Type& di_dvout, typename VectorOf<kW>::Type* di_dvin) {
  using V = typename VectorOf<kW>::Type;
  using M = typename VectorOf<kW>::Mask;
  const V t = loadV<kW>(&c.t[j]);
  const V one = splatV<kW>(1.0);
  const V zero = splatV<kW>(0.0);
  const V r00 = loadV<kW>(&c.r00[j]);
  const V r01 = loadV<kW>(&c.r01[j]);
  const V r10 = loadV<kW>(&c.r10[j]);
  const V r11 = loadV<kW>(&c.r11[j]);
  const V g0 = loadV<kW>(&c.g0[j]);
  const V i_lo = (one - t) * r00 + t * r10;
  const V i_hi = (one - t) * r01 + t * r11;
  const V f_lo = i_lo - s * g0 + load;
  const V f_hi = i_hi - s * loadV<kW>(&c.g1[j]) + load;
  M valid;
  std::memcpy(&valid, &c.valid[j], sizeof valid);
  const M ok = (f_lo > zero) & (f_hi <= zero) & valid;
  vout = splatV<kW>(v.vout0) + splatV<kW>(v.dvout) * (loadV<kW>(&c.lo[j]) + f_lo / (f_lo - f_hi));
  di_dvout = (i_hi - i_lo) * splatV<kW>(v.inv_dvout);
  if (di_dvin != nullptr) {
    const V sv0 = (vout - g0) * splatV<kW>(v.inv_dvout);
    const V sv = sv0 < zero ? zero : (one < sv0 ? one : sv0);
    *di_dvin = ((one - sv) * (r10 - r00) + sv * (r11 - r01)) * splatV<kW>(v.inv_dvin);
  }
  return ok;
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
  const nn::DriveTable::View table = drive.view();
  std::vector<double> oi(mp, 0.0);
  std::vector<double> phi(mp, 0.0);
  std::vector<double> r(mp, 0.0);
  // Node-indexed arrays have hp entries (whole vectors); the vector code also fills the entries
  // past H (from zero tables: not finite), which nothing reads.
  std::vector<double> hi(hp, 0.0);
  std::vector<double> hbi(hp, 0.0);
  std::vector<double> ph(hp, 0.0);  // dh_j/d(sum_k G o_k) given o
  std::vector<double> pb(hp, 0.0);  // dhb_j/d(sum_k G o_k) given h
  std::vector<double> qb(hp, 0.0);  // dhb_j/dh_j
  std::vector<double> s_h(hp, 1.0);
  std::vector<double> s_b(hp, 1.0);
  std::copy(a.s_h, a.s_h + hs, s_h.begin());
  std::copy(a.s_b, a.s_b + hs, s_b.begin());
  std::vector<double> vin_b(hp, 0.0);  // the second inverters' inputs less their shifts
  std::vector<int> row_b(hp, -1);
  std::vector<std::int64_t> in_cell(hp, 0);  // all ones: the root stayed in its cached cell
  CellCache cell_h(hp);
  CellCache cell_b(hp);
  // (k, l) at k + l js: with a compile-time output count each column is whole vectors.
  const std::size_t js = kM > 0 ? mp : ms;
  std::vector<double> jac(js * ms, 0.0);
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
  // The range's inputs and results in sample-major copies: the caller's B x H arrays hold a node
  // B doubles apart (4 KiB for a 512-sample batch, one L1 set for every node), so reading and
  // writing them sample by sample would miss the L1 cache at every node. Copied a node at a time.
  const auto n = static_cast<std::size_t>(last - first);
  const auto cols_in = [&](const double* src, std::size_t cols, std::vector<double>& dst) {
    dst.resize(n * cols);
    for (std::size_t j = 0; j < cols; ++j) {
      for (std::size_t i = 0; i < n; ++i)
        dst[i * cols + j] = *at2(src, first + static_cast<Eigen::Index>(i), j);
    }
  };
  const auto cols_out = [&](const std::vector<double>& src, std::size_t cols, double* dst) {
    for (std::size_t j = 0; j < cols; ++j) {
      for (std::size_t i = 0; i < n; ++i)
        *at2(dst, first + static_cast<Eigen::Index>(i), j) = src[i * cols + j];
    }
  };
  std::vector<double> u_in;
  cols_in(a.u_shifted, hs, u_in);
  std::vector<double> o_io;
  if (a.warm) {
    cols_in(a.o, ms, o_io);
  } else {
    o_io.resize(n * ms);
  }
  std::vector<double> h_out(n * hs);
  std::vector<double> hb_out(n * hs);
  std::vector<double> dh_out(a.dh != nullptr ? n * hs : 0);
  std::vector<double> dhb_out(a.dhb != nullptr ? n * hs : 0);
  for (Eigen::Index i = first; i < last; ++i) {
    const auto ir = static_cast<std::size_t>(i - first);
    // The first inverters' inputs are fixed during the solve: locate them once.
    for (std::size_t j = 0; j < hs; ++j) {
      at_u[j] = drive.inputCell(u_in[ir * hs + j]);
      cell_h.fill(table, j, static_cast<int>((at_u[j].r0 - table.current) / table.nout), hint_h[j]);
      cell_h.t[j] = at_u[j].t;
    }
    if (a.warm) {
      // The caller's previous solution (training reuses its buffers between small steps).
      for (std::size_t k = 0; k < ms; ++k) oi[k] = o_io[ir * ms + k];
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
      // Every node's two inverters, a vector of nodes at a time where each root stays in its
      // node's last output cell (most solves: the loads move little between iterations), the
      // scalar search for the others. Both give DriveTable::solveAt()'s bits.
      for (std::size_t j = 0; j < hp; j += kWs) {
        // dI/dvin of the first inverter only matters at the solution (for dh): computed there.
        V vout;
        V di_dvout;
        const V s = loadV<kW>(&s_h[j]);
        const auto okv =
            cellRoot<kW>(cell_h, j, table, s, loadV<kW>(&load_h[j]), vout, di_dvout, nullptr);
        storeV<kW>(&hi[j], vout);
        storeV<kW>(&ph[j], splatV<kW>(1.0) / (s - di_dvout));
        std::memcpy(&in_cell[j], &okv, sizeof okv);
      }
      for (std::size_t j = 0; j < hs; ++j) {
        if (in_cell[j] != 0) continue;
        const nn::LoadedPoint p =
            drive.solveAt(at_u[j], a.s_h[j], load_h[j], &hint_h[j], /*want_di_dvin=*/false);
        hi[j] = p.vout;
        ph[j] = 1.0 / (a.s_h[j] - p.di_dvout);
        cell_h.fill(table, j, cell_h.row[j], hint_h[j]);
      }
      for (std::size_t j = 0; j < hs; ++j) {
        const double dvm_b = shift_hb == nullptr ? 0.0 : (*shift_hb)(static_cast<int>(j), hi[j]);
        vin_b[j] = hi[j] - dvm_b;
      }
      for (std::size_t j = 0; j < hp; j += kWs) {
        // The input cell as DriveTable::inputCell() finds it (std::clamp's comparisons).
        const V lo = splatV<kW>(0.0);
        const V top = splatV<kW>(static_cast<double>(table.nin - 1));
        const V x0 = (loadV<kW>(&vin_b[j]) - splatV<kW>(table.vin0)) * splatV<kW>(table.inv_dvin);
        const V x = x0 < lo ? lo : (top < x0 ? top : x0);
        using I = typename VectorOf<kW>::Int;
        const I trunc = __builtin_convertvector(x, I);
        const I top_row = I{} + (table.nin - 2);
        const I row = top_row < trunc ? top_row : trunc;
        storeV<kW>(&cell_b.t[j], x - __builtin_convertvector(row, V));
        std::memcpy(&row_b[j], &row, sizeof row);
      }
      for (std::size_t j = 0; j < hs; ++j) {
        if (row_b[j] != cell_b.row[j]) cell_b.fill(table, j, row_b[j], hint_b[j]);
      }
      for (std::size_t j = 0; j < hp; j += kWs) {
        V vout;
        V di_dvout;
        V di_dvin;
        const V s = loadV<kW>(&s_b[j]);
        const auto okv =
            cellRoot<kW>(cell_b, j, table, s, loadV<kW>(&load_b[j]), vout, di_dvout, &di_dvin);
        const V p = splatV<kW>(1.0) / (s - di_dvout);
        storeV<kW>(&hbi[j], vout);
        storeV<kW>(&pb[j], p);
        storeV<kW>(&qb[j], di_dvin * p);
        std::memcpy(&in_cell[j], &okv, sizeof okv);
      }
      for (std::size_t j = 0; j < hs; ++j) {
        if (in_cell[j] != 0) continue;
        const nn::LoadedPoint q = drive.solve(vin_b[j], a.s_b[j], load_b[j], &hint_b[j]);
        hbi[j] = q.vout;
        pb[j] = 1.0 / (a.s_b[j] - q.di_dvout);
        qb[j] = q.di_dvin * pb[j];
        cell_b.fill(table, j, row_b[j], hint_b[j]);
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
          // (Rows past m are 0: W_h and W_b are zero there.)
          for (std::size_t g = 0; g < kGroup && l0 + g < ms; ++g) {
            for (std::size_t v = 0; v < kRows; ++v) {
              storeV<kW>(&jac[(l0 + g) * js + v * kWs], col[g * kRows + v]);
            }
          }
        }
      } else {
        for (std::size_t l = 0; l < ms; ++l) {
          double* col = &jac[l * js];
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
          if (std::abs(jac[k + c * js]) > std::abs(jac[pivot + c * js])) pivot = k;
        }
        if (!(std::abs(jac[pivot + c * js]) > 0.0)) {
          singular = true;
          break;
        }
        // (Columns before c are not read again: their rows need not follow the swap.)
        if (pivot != c) {
          for (std::size_t l = c; l < ms; ++l) std::swap(jac[c + l * js], jac[pivot + l * js]);
          std::swap(r[c], r[pivot]);
        }
        const double inv = 1.0 / jac[c + c * js];
        if constexpr (kM > 0) {
          // Every row k below c at once: row k takes jac(k, l) - f_k jac(c, l) and
          // r_k - f_k r_c with f_k = jac(k, c) / jac(c, c) as a multiply by inv, unless f_k == 0
          // (the scalar loop skips those rows): lane by lane its operations.
          constexpr std::size_t kRows = mp / kWs;
          std::array<V, kRows> f;
          std::array<typename VectorOf<kW>::Mask, kRows> below;
          for (std::size_t v = 0; v < kRows; ++v) {
            typename VectorOf<kW>::Mask index;
            for (std::size_t q = 0; q < kWs; ++q) index[q] = static_cast<std::int64_t>(v * kWs + q);
            f[v] = loadV<kW>(&jac[c * js + v * kWs]) * splatV<kW>(inv);
            const auto cs = static_cast<std::int64_t>(c);
            below[v] =
                (index > cs) & (index < static_cast<std::int64_t>(ms)) & (f[v] != splatV<kW>(0.0));
          }
          for (std::size_t l = c + 1; l < ms; ++l) {
            const V top = splatV<kW>(jac[c + l * js]);
            for (std::size_t v = 0; v < kRows; ++v) {
              const V x = loadV<kW>(&jac[l * js + v * kWs]);
              storeV<kW>(&jac[l * js + v * kWs], below[v] ? x - f[v] * top : x);
            }
          }
          const V rc = splatV<kW>(r[c]);
          for (std::size_t v = 0; v < kRows; ++v) {
            const V x = loadV<kW>(&r[v * kWs]);
            storeV<kW>(&r[v * kWs], below[v] ? x - f[v] * rc : x);
          }
        } else {
          for (std::size_t k = c + 1; k < ms; ++k) {
            const double f = jac[k + c * js] * inv;
            if (f == 0.0) continue;
            for (std::size_t l = c + 1; l < ms; ++l) jac[k + l * js] -= f * jac[c + l * js];
            r[k] -= f * r[c];
          }
        }
      }
      bool usable = !singular;
      double largest = 0.0;
      if (usable) {
        for (std::size_t c = ms; c-- > 0;) {
          double v = r[c];
          for (std::size_t l = c + 1; l < ms; ++l) v -= jac[c + l * js] * r[l];
          r[c] = v / jac[c + c * js];
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
      h_out[ir * hs + j] = hi[j];
      hb_out[ir * hs + j] = hbi[j];
      if (a.dh != nullptr) dh_out[ir * hs + j] = drive.diDvin(at_u[j], hi[j], hint_h[j]) * ph[j];
      if (a.dhb != nullptr) dhb_out[ir * hs + j] = qb[j];
    }
    for (std::size_t k = 0; k < ms; ++k) o_io[ir * ms + k] = oi[k];
  }
  cols_out(h_out, hs, a.h);
  cols_out(hb_out, hs, a.hb);
  if (a.dh != nullptr) cols_out(dh_out, hs, a.dh);
  if (a.dhb != nullptr) cols_out(dhb_out, hs, a.dhb);
  cols_out(o_io, ms, a.o);
}

}  // namespace nnadc::adc::detail
