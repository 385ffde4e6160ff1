#pragma once
/// An inverter's output drive I(vin, vout) (core/vtc.h InverterDrive) as a bilinear table, and
/// the loaded operating point: the output voltage v where the inverter's current equals what a
/// resistive load draws, I(vin, v) = S v - c (S = sum of load conductances, c = sum G_k V_k of
/// the nodes they lead to). For a fixed vin the bilinear table is piecewise linear in v and
/// I decreases with v while S v - c increases, so the root is unique and found exactly.
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

 private:
  double vin0_ = 0.0;
  double dvin_ = 1.0;
  double vout0_ = 0.0;
  double dvout_ = 1.0;
  int nin_ = 0;
  int nout_ = 0;
  std::vector<double> i_;  // row-major (vin, vout)
};

}  // namespace nnadc::nn
