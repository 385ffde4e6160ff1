#pragma once
/// Pass/fail requirements on an analysed code record: what decides `nnadc metrics`' exit status,
/// as data that any caller (a flow, a Monte-Carlo yield) can evaluate the same way.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "nnadc/metrics/analysis.h"

namespace nnadc::metrics {

struct Requirements {
  std::optional<double> min_enob;  ///< ENOB >= this [bits]; needs a sine record
  bool no_missing_codes = false;   ///< code density finds no missing code
  /// Throws InputError NNADC-MET-014 if min_enob is set and `analysis` is not a sine record.
  void validate(const AnalysisOptions& analysis) const;
};

struct EnobCheck {
  double required = 0.0;  ///< [bits]
  double value = 0.0;     ///< spectral ENOB [bits]
  bool passed = false;
};

struct MissingCodesCheck {
  std::size_t missing = 0;
  bool passed = false;
};

/// One result per requirement that was set.
struct Checks {
  std::optional<EnobCheck> enob;
  std::optional<MissingCodesCheck> no_missing_codes;
  /// True when every check that ran passed (and when none ran).
  [[nodiscard]] bool passed() const;
};

/// Checks `analysis` against `requirements` (validated against `analysis` first).
Checks checkRequirements(const Analysis& analysis, const Requirements& requirements);

struct CheckedAnalysis {
  Analysis analysis;
  Checks checks;
};

/// analyzeCodes, then checkRequirements. Validates both option sets before analysing.
CheckedAnalysis analyzeAndCheck(std::span<const std::int64_t> codes, const AnalysisOptions& options,
                                const Requirements& requirements);

}  // namespace nnadc::metrics
