#include "nnadc/adc/nonlinear_target.h"

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::adc {

int NonlinearTarget::code(double fraction) const {
  return static_cast<int>(std::upper_bound(thresholds.begin(), thresholds.end(), fraction) -
                          thresholds.begin());
}

double NonlinearTarget::width(int code) const {
  const int k = codes();
  if (k < 3) return 1.0;
  const int c = std::clamp(code, 1, k - 2);
  return thresholds[static_cast<std::size_t>(c)] - thresholds[static_cast<std::size_t>(c - 1)];
}

NonlinearTarget namedTarget(const std::string& name, int bits, const std::string& where) {
  if (name != "log2" && name != "sqrt" && name != "mu-law") {
    throw InputError("NNADC-CFG-007",
                     where + " = '" + name + "' is not one of log2, sqrt, mu-law (or a table)");
  }
  if (bits < 2 || bits > 16) {
    throw InputError("NNADC-CFG-003", where + ": bits = " + std::to_string(bits) +
                                          " is outside the allowed range [2, 16]");
  }
  NonlinearTarget t;
  t.name = name;
  t.bits = bits;
  const double top = std::ldexp(1.0, bits) - 1.0;
  for (int c = 1; c <= static_cast<int>(top); ++c) {
    const double y = (c - 0.5) / top;  // the companded value at the transition
    double x = 0.0;
    if (name == "log2") {
      x = std::exp2(bits * (y - 1.0));
    } else if (name == "sqrt") {
      x = y * y;
    } else {
      x = std::expm1(y * std::log1p(kMuLaw)) / kMuLaw;
    }
    t.thresholds.push_back(x);
  }
  return t;
}

NonlinearTarget tableTarget(std::vector<double> thresholds, const std::string& where) {
  if (thresholds.empty()) {
    throw InputError("NNADC-NLQ-003",
                     where + " gives no transition level: a target needs at least 2 codes");
  }
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    const double t = thresholds[i];
    if (!std::isfinite(t) || t <= 0.0 || t >= 1.0) {
      throw InputError("NNADC-NLQ-002", where + "[" + std::to_string(i) + "] = " + formatDouble(t) +
                                            " lies outside the input window: transition levels "
                                            "are fractions of the window in the open range (0, 1)");
    }
    if (i > 0 && !(t > thresholds[i - 1])) {
      throw InputError("NNADC-NLQ-001",
                       where + "[" + std::to_string(i) + "] = " + formatDouble(t) +
                           " does not exceed " + where + "[" + std::to_string(i - 1) +
                           "] = " + formatDouble(thresholds[i - 1]) +
                           ": transition levels must rise strictly (a monotone transfer)");
    }
  }
  NonlinearTarget target;
  target.name = "table";
  target.thresholds = std::move(thresholds);
  return target;
}

}  // namespace nnadc::adc
