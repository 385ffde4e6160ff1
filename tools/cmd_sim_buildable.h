#pragma once
// nnadc sim --design D --bench buildable: the transistor-level, fully-differential converter
// (spice/buildable_deck.h) on the worker pool, measured against the behavioural model.
#include <CLI/CLI.hpp>

#include "cli_common.h"
#include "nnadc/adc/design.h"
#include "nnadc/core/log.h"
#include "nnadc/spice/buildable_deck.h"
#include "option_groups.h"

namespace nnadc::cli {

/// The deck options the command line sets; their defaults are the library's
/// (spice::BuildableOptions), so `--help` and a bare command agree with the library.
struct BuildableCliOptions {
  bool held_input = false;
  bool no_noise = false;
  double unit_cap_f = spice::BuildableOptions{}.cell.unit_cap_f;
  double amplitude = spice::BuildableOptions{}.amplitude;
  double latch_delay_s = spice::BuildableOptions{}.latch_delay_s;
  double reltol = spice::BuildableOptions{}.cell.reltol;
  int calibrate = 0;        ///< foreground calibration ramp points simulated first (0 = none)
  std::string calibration;  ///< or: a previous result's calibration block
};
void addBuildableOptions(CLI::App& sub, BuildableCliOptions& options);

/// The deck options the command line asks for (noise from the design's stages unless
/// --no-noise, drawn from --seed).
spice::BuildableOptions buildableOptions(const adc::Design& design, const CommonOptions& common,
                                         const DeckCliOptions& deck, const BuildableCliOptions& o);

/// nnadc emit --bench buildable: writes the whole record's deck in --dialect ngspice | spectre |
/// xyce (NNADC-NET-010 for another name).
int emitBuildable(const CommonOptions& common, const DeckCliOptions& deck,
                  const BuildableCliOptions& o, const std::string& dialect);

/// Runs the bench (o.bench == "buildable") and writes its JSON; returns the exit code.
int runBuildableSim(CLI::App& sub, const CommonOptions& common, const DeckCliOptions& deck,
                    const PoolCliOptions& pool_options, const BuildableCliOptions& o,
                    Logger& logger);

}  // namespace nnadc::cli
