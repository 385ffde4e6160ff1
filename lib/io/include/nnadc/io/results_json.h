#pragma once
/// Result files of the library's evaluations (lib/eval, lib/mc) as JSON, field names as CLI.md
/// fixes them: behavioural metrics (`nnadc eval`, stored in designs by `nnadc train`), the
/// Monte-Carlo variation block, the nonlinear-transfer block, and SPICE bench results
/// (`nnadc sim --design`).
#include <string>

#include "nnadc/eval/bench.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/eval/transfer.h"
#include "nnadc/io/json.h"
#include "nnadc/mc/variation.h"
#include "nnadc/sim/simulator.h"

namespace nnadc::io {

/// Metrics JSON of the sine (every CLI.md field) with DNL/INL and missing codes from the ramp,
/// then ramp_enob (single stage), sine_cycles and the ramp's own block.
Json evalJson(const eval::EvalSummary& summary);
Json variationJson(const mc::VariationSummary& summary);
Json transferJson(const eval::TransferSummary& summary);
/// Everything a bench measured, then `bench` (its name) and `design_file`.
Json benchJson(const eval::BenchSummary& summary, const std::string& design_file);

/// `nnadc sim --deck`: every plot of a run with its vectors ({"type", "values"} or, complex,
/// {"type", "re", "im"}).
Json plotsJson(const sim::RunResult& result);

}  // namespace nnadc::io
