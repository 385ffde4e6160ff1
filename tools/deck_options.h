#pragma once
// Bench options shared by `nnadc emit` and `nnadc sim --design`.
#include <CLI/CLI.hpp>
#include <string>

#include "nnadc/spice/stage_deck.h"

namespace nnadc::cli {

struct DeckCliOptions {
  std::string design;
  std::string bench = "static";
  spice::DeckOptions deck;
  /// Parses bench (and dialect) names into `deck`; NNADC-NET-010/011/012 on bad values.
  void resolve(const std::string& dialect);
};

/// Adds --design, --bench, --points, --samples, --fs, --cycles, --edge-fraction,
/// --driver-multiplier.
void addDeckOptions(CLI::App& sub, DeckCliOptions& options);

}  // namespace nnadc::cli
