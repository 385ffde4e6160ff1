#pragma once
/// A nonlinear quantisation target (issue #16, the super-resolution NNADC paper's configurable
/// nonlinear quantisation): K output codes separated by K - 1 transition levels t_1 < ... <
/// t_{K-1}, fractions of the converter's input window (0 = its low edge, 1 = its high edge). Code c
/// covers [t_c, t_{c+1}); below t_1 is code 0, from t_{K-1} up code K - 1. Named targets (N bits,
/// top = 2^N - 1) quantise as
///   log2:   code = round(((log2 x + N) / N) top), x clamped to [2^-N, 1]  ->  t_c = 2^(N ((c -
///   1/2) / top - 1)) sqrt:   code = round(sqrt(x) top)                                      -> t_c
///   = ((c - 1/2) / top)^2 mu-law: code = round(ln(1 + mu x) / ln(1 + mu) top), mu = 255 ->  t_c =
///   ((1 + mu)^((c - 1/2) / top) - 1) / mu
/// (round half up, so an input exactly on t_c gives code c).
#include <cstdint>
#include <string>
#include <vector>

namespace nnadc::adc {

/// mu of the mu-law target (ITU-T G.711's value).
inline constexpr double kMuLaw = 255.0;

struct NonlinearTarget {
  std::string name;                ///< "log2" | "sqrt" | "mu-law" | "table"
  int bits = 0;                    ///< N of a named target (0 for a table)
  std::vector<double> thresholds;  ///< t_1..t_{K-1}, fractions of the window, strictly rising
  [[nodiscard]] int codes() const { return static_cast<int>(thresholds.size()) + 1; }
  /// The ideal code of an input at `fraction` of the window.
  [[nodiscard]] int code(double fraction) const;
  /// Ideal width of code c (1 <= c <= K - 2) as a fraction of the window; the last code's width
  /// is taken as code K - 2's (it has no upper edge), code 0's as code 1's.
  [[nodiscard]] double width(int code) const;
};

/// Names a target: "log2", "sqrt", "mu-law" at `bits` in [2, 16]. InputError NNADC-CFG-007 for
/// another name, NNADC-CFG-003 for bits out of range; `where` names the field at fault.
NonlinearTarget namedTarget(const std::string& name, int bits, const std::string& where);

/// A user's table of transition levels (fractions of the window). Throws InputError naming
/// `where` (file and field): NNADC-NLQ-001 when the levels do not rise strictly (naming the
/// first pair), NNADC-NLQ-002 when one lies outside the open window (0, 1) or is not finite,
/// NNADC-NLQ-003 when fewer than 2 codes (no level) are given.
NonlinearTarget tableTarget(std::vector<double> thresholds, const std::string& where);

}  // namespace nnadc::adc
