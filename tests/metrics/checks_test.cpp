#include "nnadc/metrics/checks.h"

#include <doctest/doctest.h>

#include "support.h"

namespace m = nnadc::metrics;
namespace t = nnadc::metrics::test;
using t::idOf;

TEST_SUITE("metrics") {
  TEST_CASE("RequirementsPassOrFailOnTheAnalysedEnobAndMissingCodes") {
    // A 10-bit coherent full-scale sine: ENOB just under 10 bits, every code hit.
    const auto codes = t::sineCodes(10, 8192, 983.0, 511.0);
    m::AnalysisOptions options;
    options.bits = 10;
    m::Requirements requirements;
    requirements.min_enob = 9.0;
    requirements.no_missing_codes = true;
    const m::CheckedAnalysis ok = m::analyzeAndCheck(codes, options, requirements);
    REQUIRE(ok.checks.enob);
    CHECK(ok.checks.enob->value == ok.analysis.spectrum->enob);
    CHECK(ok.checks.enob->passed);
    REQUIRE(ok.checks.no_missing_codes);
    CHECK(ok.checks.no_missing_codes->missing == 0);
    CHECK(ok.checks.passed());

    requirements.min_enob = 12.0;
    const m::Checks failed = m::checkRequirements(ok.analysis, requirements);
    CHECK_FALSE(failed.enob->passed);
    CHECK_FALSE(failed.passed());
    CHECK(m::checkRequirements(ok.analysis, m::Requirements{}).passed());  // nothing to fail
  }

  TEST_CASE("AnEnobRequirementNeedsASineRecord") {
    m::AnalysisOptions options;
    options.bits = 8;
    options.record = m::RecordKind::kRamp;
    m::Requirements requirements;
    requirements.min_enob = 6.0;
    CHECK(idOf([&] { requirements.validate(options); }) == "NNADC-MET-014");
  }
}
