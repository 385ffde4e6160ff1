#pragma once
// Option groups that several subcommands share. Each group only names and parses its options;
// the ranges belong to the library's validate() (spice::DeckOptions, sim::PoolOptions,
// eval::BenchOptions, mc::VariationOptions), so every subcommand reports the same limits and ids.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "nnadc/core/log.h"
#include "nnadc/io/flow_json.h"
#include "nnadc/mc/variation.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/deck.h"

namespace nnadc::cli {

/// --design, --bench and the bench options (`nnadc emit`, `nnadc sim --design`).
struct DeckCliOptions {
  std::string design;
  std::string bench = "static";
  spice::DeckOptions deck;
  /// Parses bench (and dialect) names into `deck`; NNADC-NET-010/011/012 on bad values.
  void resolve(const std::string& dialect);
};
/// Adds --design, --bench, --points, --samples, --fs, --cycles, --edge-fraction, --static-sine,
/// --driver-multiplier.
void addDeckOptions(CLI::App& sub, DeckCliOptions& options);

/// --workers, --timeout and --worker-memory-mib: the simulation worker pool.
struct PoolCliOptions {
  int workers = 0;
  double timeout_s = 600.0;
  std::int64_t worker_memory_mib = sim::kDefaultWorkerMemoryMib;
  [[nodiscard]] sim::PoolOptions pool(Logger& logger) const;
};
void addPoolOptions(CLI::App& sub, PoolCliOptions& options, double default_timeout_s);

/// --variation-sigma, --draws, --no-recalibrate: the behavioural RRAM Monte-Carlo.
struct MonteCarloCliOptions {
  double sigma = 0.0;
  int draws = 100;
  bool no_recalibrate = false;
  /// Asked for: a sigma other than 0 (NaN included, so that validate() rejects it) and draws.
  [[nodiscard]] bool requested() const { return sigma != 0.0 && draws != 0; }
  [[nodiscard]] mc::VariationOptions options(std::uint64_t seed) const;
};
void addMonteCarloOptions(CLI::App& sub, MonteCarloCliOptions& options);

/// nnadc flow: --buildable-samples, --buildable-calibration, --skip-buildable.
void addFlowBuildableOptions(CLI::App& sub, io::FlowOptions& options);

}  // namespace nnadc::cli
