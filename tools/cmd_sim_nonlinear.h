#pragma once
// nnadc sim --design D --bench static for a design with a segmented nonlinear front end: the
// whole converter in ngspice, driven by its input (eval/nonlinear_bench.h).
#include <CLI/CLI.hpp>

#include "cli_common.h"
#include "nnadc/adc/design.h"
#include "nnadc/core/log.h"
#include "nnadc/io/json.h"
#include "option_groups.h"

namespace nnadc::cli {

/// Runs the bench (--points N: about N inputs, N / codes per ideal code, at least 2) and writes
/// its JSON; returns the exit code.
int runNonlinearSim(CLI::App& sub, const CommonOptions& common, const DeckCliOptions& deck,
                    const PoolCliOptions& pool_options, const adc::Design& design, Logger& logger);

}  // namespace nnadc::cli
