#pragma once
/// JSON loading with errors that name the file, and the provenance block every result carries.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace nnadc::io {

using Json = nlohmann::ordered_json;

/// Parses a JSON file. Throws InputError NNADC-IO-001 (unreadable) or NNADC-IO-003 (syntax, with
/// the byte position ngspice-free nlohmann reports).
Json loadJsonFile(const std::filesystem::path& path);

/// What every result file records (ARCHITECTURE.md): tool and simulator versions, seed and the
/// effective configuration.
struct Provenance {
  std::string command;                ///< subcommand name, e.g. "characterize"
  Json config = Json::object();       ///< effective options
  std::optional<std::uint64_t> seed;  ///< base seed, if the command is random
  std::string ngspice_version;        ///< empty when no simulator ran
};

Json provenanceJson(const Provenance& provenance);

/// Serialises JSON with 2-space indentation and a trailing newline.
std::string dumpJson(const Json& json);

}  // namespace nnadc::io
