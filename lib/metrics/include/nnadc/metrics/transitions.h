#pragma once
/// Static linearity of a converter with non-uniform codes (nonlinear quantisation, issue #16),
/// measured as code transition levels from a dense input sweep against the ideal transition levels
/// (IEEE 1241's transition-level definitions, applied code by code with each code's own ideal
/// width as its LSB):
///   T_c = the input below which the sweep holds exactly as many samples with code < c as it
///         holds samples below T_c (the histogram / code-density reading of a sorted sweep, so a
///         non-monotone converter still gets one transition per code), placed midway between the
///         two sweep samples that straddle it;
///   INL_c = (T_c - t_c) / W_c,   DNL_c = ((T_{c+1} - T_c) - W_c) / W_c,   W_c = t_{c+1} - t_c,
/// both in output LSB of that code. The last transition uses code K - 2's width (code K - 1 has no
/// upper edge); the end codes 0 and K - 1 have no DNL. A code no sample produces is missing.
#include <cstdint>
#include <vector>

namespace nnadc::metrics {

struct TransitionLinearity {
  std::vector<double> transitions;  ///< T_1..T_{K-1} (units of the sweep)
  std::vector<double> inl_lsb;      ///< per transition c = 1..K-1
  std::vector<double> dnl_lsb;      ///< per code c = 1..K-2
  double max_abs_inl_lsb = 0.0;
  int worst_inl_code = 0;  ///< c of the worst |INL_c|
  double max_abs_dnl_lsb = 0.0;
  int worst_dnl_code = 0;
  int missing_codes = 0;  ///< codes 0..K-1 that no sample produces
  std::vector<int> missing;
  /// Resolution of the measurement itself: the largest half step of the sweep at a transition,
  /// in LSB of that code (an ideal quantiser measures within this of zero).
  double resolution_lsb = 0.0;
};

/// `ideal` = t_1..t_{K-1} (strictly rising), `x` the sweep inputs (strictly rising, same units),
/// `codes` the converter's output for each (0..K-1; outside counts as the nearest end code).
/// Throws InputError NNADC-MET-017 when the sizes disagree, fewer than 2 codes are defined or the
/// sweep does not rise.
TransitionLinearity transitionLinearity(const std::vector<double>& ideal,
                                        const std::vector<double>& x,
                                        const std::vector<std::int64_t>& codes);

}  // namespace nnadc::metrics
