#include "nnadc/rram/levels.h"

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::rram {

void LevelSetOptions::validate() const {
  if (spacing != Spacing::kTable && (cell_bits < 1 || cell_bits > 12)) {
    throw InputError("NNADC-CFG-003", "field 'cell_bits' = " + std::to_string(cell_bits) +
                                          " is outside the allowed range [1, 12]");
  }
  if (!std::isfinite(g_max_s) || g_max_s <= 0.0 || g_max_s > 1.0) {
    throw InputError("NNADC-CFG-003", "field 'g_max_s' = " + formatDouble(g_max_s) +
                                          " S is outside the allowed range (0, 1]");
  }
  if (spacing == Spacing::kLog && (!(g_min_s > 0.0) || !(g_min_s < g_max_s))) {
    throw InputError("NNADC-CFG-003", "field 'g_min_s' = " + formatDouble(g_min_s) +
                                          " S must be in (0, g_max_s) for log-spaced levels");
  }
  if (spacing == Spacing::kTable) {
    if (table_s.size() < 2 || table_s.front() != 0.0) {
      throw InputError("NNADC-CFG-006",
                       "field 'table_s' needs >= 2 ascending conductances "
                       "starting at 0 (no device)");
    }
    for (std::size_t i = 1; i < table_s.size(); ++i) {
      if (!(table_s[i] > table_s[i - 1]) || !std::isfinite(table_s[i])) {
        throw InputError("NNADC-CFG-006", "field 'table_s' must increase strictly (entry " +
                                              std::to_string(i) + ")");
      }
    }
  }
}

LevelSet::LevelSet(const LevelSetOptions& options) : options_(options) {
  options_.validate();
  switch (options_.spacing) {
    case Spacing::kLinear: {
      const int n = 1 << options_.cell_bits;
      for (int k = 0; k < n; ++k) levels_s_.push_back(options_.g_max_s * k / (n - 1));
      break;
    }
    case Spacing::kLog: {
      const int n = 1 << options_.cell_bits;
      levels_s_.push_back(0.0);
      for (int k = 1; k < n; ++k) {
        const double t = n == 2 ? 1.0 : static_cast<double>(k - 1) / (n - 2);
        levels_s_.push_back(options_.g_min_s * std::pow(options_.g_max_s / options_.g_min_s, t));
      }
      break;
    }
    case Spacing::kTable:
      levels_s_ = options_.table_s;
      options_.g_max_s = levels_s_.back();
      break;
  }
}

double LevelSet::conductance(int level) const {
  if (level < 0 || level >= count()) {
    throw InputError("NNADC-RRAM-001", "cell level " + std::to_string(level) + " is outside [0, " +
                                           std::to_string(count() - 1) + "]");
  }
  return levels_s_[static_cast<std::size_t>(level)];
}

int LevelSet::nearest(double g_s) const {
  const auto it = std::lower_bound(levels_s_.begin(), levels_s_.end(), g_s);
  if (it == levels_s_.begin()) return 0;
  if (it == levels_s_.end()) return count() - 1;
  const auto hi = static_cast<int>(it - levels_s_.begin());
  return (g_s - levels_s_[static_cast<std::size_t>(hi - 1)] <=
          levels_s_[static_cast<std::size_t>(hi)] - g_s)
             ? hi - 1
             : hi;
}

std::string spacingName(Spacing spacing) {
  switch (spacing) {
    case Spacing::kLinear:
      return "linear";
    case Spacing::kLog:
      return "log";
    case Spacing::kTable:
      return "table";
  }
  return "linear";
}

Spacing parseSpacing(const std::string& name) {
  if (name == "linear") return Spacing::kLinear;
  if (name == "log") return Spacing::kLog;
  if (name == "table") return Spacing::kTable;
  throw InputError("NNADC-CFG-006",
                   "field 'spacing' = '" + name + "' is not one of linear, log, table");
}

}  // namespace nnadc::rram
