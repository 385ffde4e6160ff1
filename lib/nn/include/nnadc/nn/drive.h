#pragma once
/// An inverter's output drive I(vin, vout) (core/vtc.h InverterDrive) as a bilinear table, and
/// the loaded operating point: the output voltage v where the inverter's current equals what a
/// resistive load draws, I(vin, v) = S v - c (S = sum of load conductances, c = sum G_k V_k of
/// the nodes they lead to). For a fixed vin the bilinear table is piecewise linear in v and
/// I decreases with v while S v - c increases, so the root is unique and found exactly.
#include <algorithm>
#include <vector>

#include "nnadc/core/vtc.h"

namespace nnadc::nn {

struct LoadedPoint {
  double vout = 0.0;      ///< [V]
  double di_dvin = 0.0;   ///< dI/dvin at the point [S]
  double di_dvout = 0.0;  ///< dI/dvout at the point [S] (<= 0: the output conductance, negated)
};

class DriveTable {
 public:
  /// Validates the table (InputError NNADC-VTC-002).
  explicit DriveTable(const InverterDrive& drive);

  /// Current at (vin, vout), clamped to the table [A].
  [[nodiscard]] double current(double vin, double vout) const;
  /// Output voltage with load conductance s [S] to nodes whose sum G_k V_k is c [A]. `hint`
  /// (optional, in/out) is the output-grid cell of a nearby solution: the search walks from it
  /// (iterative solvers call this many times with slowly moving arguments); < 0 = unknown.
  [[nodiscard]] LoadedPoint solve(double vin, double s, double c, int* hint = nullptr) const;

  /// Where an input voltage falls in the table (the two rows around it and the fraction). It
  /// stays fixed while only the load moves, so an iterative solver looks it up once per input.
  struct InputCell {
    const double* r0 = nullptr;
    const double* r1 = nullptr;
    double t = 0.0;
  };
  [[nodiscard]] InputCell inputCell(double vin) const;
  /// solve() at a located input (same arithmetic, same bits). With `want_di_dvin` false the
  /// point's di_dvin is left 0: diDvin() computes it later, for the last point only.
  [[nodiscard]] LoadedPoint solveAt(const InputCell& at, double s, double c, int* hint,
                                    bool want_di_dvin = true) const;
  /// dI/dvin at a point solveAt() returned: `vout` its output, `cell` the grid cell it left in
  /// its hint.
  [[nodiscard]] double diDvin(const InputCell& at, double vout, int cell) const;

  /// The table as its arrays and grid constants, for solvers that repeat solveAt()'s arithmetic
  /// on several nodes at once (the stage model's vectorised operating-point solve).
  struct View {
    const double* current = nullptr;    ///< I at (input row r, output column j): r * nout + j
    const double* vout_grid = nullptr;  ///< nout output voltages, as solveAt() uses them
    double vin0 = 0.0;
    double inv_dvin = 1.0;
    double vout0 = 0.0;
    double dvout = 1.0;
    double inv_dvout = 1.0;
    int nin = 0;
    int nout = 0;
  };
  [[nodiscard]] View view() const {
    return View{i_.data(), vout_grid_.data(), vin0_, inv_dvin_, vout0_,
                dvout_,    inv_dvout_,        nin_,  nout_};
  }

 private:
  double vin0_ = 0.0;
  double dvin_ = 1.0;
  double inv_dvin_ = 1.0;  // 1 / dvin_: the solver multiplies (a division costs ~10x)
  double vout0_ = 0.0;
  double dvout_ = 1.0;
  double inv_dvout_ = 1.0;
  int nin_ = 0;
  int nout_ = 0;
  std::vector<double> i_;  // row-major (vin, vout)
  // vout0_ + dvout_ * j for every output-grid index j, evaluated once with the expression the
  // solver used inline (the same bits): a load instead of a conversion, a multiply and an add.
  std::vector<double> vout_grid_;
};

// Defined here so the stage model's operating-point solver (its hottest call, ~10^9 times per
// training) inlines it.
namespace detail {
// Cell index and fraction of x on a uniform grid of n points, clamped to the table.
inline void locate(double x, double x0, double dx, int n, int& cell, double& t) {
  const double u = std::clamp((x - x0) / dx, 0.0, static_cast<double>(n - 1));
  cell = std::min(static_cast<int>(u), n - 2);
  t = u - cell;
}
}  // namespace detail

inline DriveTable::InputCell DriveTable::inputCell(double vin) const {
  InputCell at;
  const double x = std::clamp((vin - vin0_) * inv_dvin_, 0.0, static_cast<double>(nin_ - 1));
  const int i = std::min(static_cast<int>(x), nin_ - 2);
  at.t = x - i;
  at.r0 = &i_[static_cast<std::size_t>(i) * static_cast<std::size_t>(nout_)];
  at.r1 = at.r0 + nout_;
  return at;
}

inline double DriveTable::diDvin(const InputCell& at, double vout, int cell) const {
  const int lo = cell;
  const double* r0 = at.r0;
  const double* r1 = at.r1;
  const double sv =
      std::clamp((vout - vout_grid_[static_cast<std::size_t>(lo)]) * inv_dvout_, 0.0, 1.0);
  return ((1 - sv) * (r1[lo] - r0[lo]) + sv * (r1[lo + 1] - r0[lo + 1])) * inv_dvin_;
}

inline LoadedPoint DriveTable::solve(double vin, double s, double c, int* hint) const {
  int local = -1;
  return solveAt(inputCell(vin), s, c, hint != nullptr ? hint : &local);
}

inline LoadedPoint DriveTable::solveAt(const InputCell& at, double s, double c, int* hint,
                                       bool want_di_dvin) const {
  const double t = at.t;
  const double* r0 = at.r0;
  const double* r1 = at.r1;
  const double* grid = vout_grid_.data();
  // F(v) = I(vin, v) - s v + c, linear between grid columns and decreasing: bisect on columns.
  // The current I(vin, v_j) of a column is kept beside F there: the slope at the root needs it
  // again (F is evaluated as (I - s v_j) + c, the order of one expression: the same bits).
  const auto current_at = [&](int j) { return (1 - t) * r0[j] + t * r1[j]; };
  const auto f_of = [&](double current, int j) { return current - s * grid[j] + c; };
  LoadedPoint p;
  int lo = 0;
  int hi = nout_ - 1;
  double i_lo = 0.0;
  double i_hi = 0.0;
  double f_lo = 0.0;
  double f_hi = 0.0;
  bool walked = false;
  if (*hint >= 0 && *hint <= nout_ - 2) {
    // Walk a few cells from the hint to the sign change (F decreases along the grid); a hint
    // further off than that is cheaper to replace by bisection.
    constexpr int kMaxWalk = 4;
    lo = *hint;
    i_lo = current_at(lo);
    i_hi = current_at(lo + 1);
    f_lo = f_of(i_lo, lo);
    f_hi = f_of(i_hi, lo + 1);
    int steps = 0;
    while (f_lo <= 0.0 && lo > 0 && steps < kMaxWalk) {
      --lo;
      ++steps;
      i_hi = i_lo;
      f_hi = f_lo;
      i_lo = current_at(lo);
      f_lo = f_of(i_lo, lo);
    }
    while (f_hi > 0.0 && lo < nout_ - 2 && steps < kMaxWalk) {
      ++lo;
      ++steps;
      i_lo = i_hi;
      f_lo = f_hi;
      i_hi = current_at(lo + 1);
      f_hi = f_of(i_hi, lo + 1);
    }
    walked = (f_lo > 0.0 || lo == 0) && (f_hi <= 0.0 || lo == nout_ - 2);
  }
  if (!walked) {
    lo = 0;
    hi = nout_ - 1;
    i_lo = current_at(lo);
    i_hi = current_at(hi);
    f_lo = f_of(i_lo, lo);
    f_hi = f_of(i_hi, hi);
    if (f_lo > 0.0 && f_hi < 0.0) {
      while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        const double im = current_at(mid);
        const double fm = f_of(im, mid);
        if (fm > 0.0) {
          lo = mid;
          i_lo = im;
          f_lo = fm;
        } else {
          hi = mid;
          i_hi = im;
          f_hi = fm;
        }
      }
    } else if (f_lo <= 0.0) {
      hi = 1;
      i_hi = current_at(hi);
      f_hi = f_of(i_hi, hi);
    } else {
      lo = nout_ - 2;
      i_lo = current_at(lo);
      f_lo = f_of(i_lo, lo);
    }
  }
  // Root inside [lo, lo + 1] when F changes sign there; otherwise the table's end (the load
  // would pull the node past the rail the inverter can reach: it clamps there).
  if (f_lo <= 0.0) {
    p.vout = grid[lo];
  } else if (f_hi > 0.0) {
    p.vout = grid[lo + 1];
  } else {
    p.vout = vout0_ + dvout_ * (lo + f_lo / (f_lo - f_hi));
  }
  *hint = lo;
  p.di_dvout = (i_hi - i_lo) * inv_dvout_;
  if (want_di_dvin) p.di_dvin = diDvin(at, p.vout, lo);
  return p;
}

}  // namespace nnadc::nn
