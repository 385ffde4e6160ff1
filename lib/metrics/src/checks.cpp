#include "nnadc/metrics/checks.h"

#include "nnadc/core/error.h"

namespace nnadc::metrics {

void Requirements::validate(const AnalysisOptions& analysis) const {
  if (min_enob && analysis.record != RecordKind::kSine) {
    throw InputError("NNADC-MET-014", "--require-enob needs a sine record (--record sine)");
  }
}

bool Checks::passed() const {
  return (!enob || enob->passed) && (!no_missing_codes || no_missing_codes->passed);
}

Checks checkRequirements(const Analysis& analysis, const Requirements& requirements) {
  Checks checks;
  if (requirements.min_enob) {
    if (!analysis.spectrum) {
      throw InputError("NNADC-MET-014", "--require-enob needs a sine record (--record sine)");
    }
    EnobCheck& c = checks.enob.emplace();
    c.required = *requirements.min_enob;
    c.value = analysis.spectrum->enob;
    c.passed = c.value >= c.required;
  }
  if (requirements.no_missing_codes) {
    MissingCodesCheck& c = checks.no_missing_codes.emplace();
    c.missing = analysis.code_density.missing_codes.size();
    c.passed = c.missing == 0;
  }
  return checks;
}

CheckedAnalysis analyzeAndCheck(std::span<const std::int64_t> codes, const AnalysisOptions& options,
                                const Requirements& requirements) {
  options.validate();
  requirements.validate(options);
  CheckedAnalysis result;
  result.analysis = analyzeCodes(codes, options);
  result.checks = checkRequirements(result.analysis, requirements);
  return result;
}

}  // namespace nnadc::metrics
