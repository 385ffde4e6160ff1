#pragma once
/// Reader for SPICE raw files as ngspice writes them (`ngspice -b -r out.raw deck.cir`, or the
/// `write` command): "Binary:" and "Values:" (ASCII) sections, real and complex data, several
/// plots in one file. Used to read decks run outside the process.
#include <filesystem>
#include <string_view>
#include <vector>

#include "nnadc/sim/plot.h"

namespace nnadc::sim {

/// Parses raw-file bytes. `source` names the file in error messages. Throws InputError
/// NNADC-RAW-nnn naming the source, the line or byte offset and what was expected.
std::vector<Plot> parseRaw(std::string_view bytes, std::string_view source);

/// Reads and parses a raw file (NNADC-IO-001 if it cannot be read).
std::vector<Plot> readRawFile(const std::filesystem::path& path);

}  // namespace nnadc::sim
