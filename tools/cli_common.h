#pragma once
// Options every subcommand shares (CLI.md) and the helpers that write results.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "nnadc/core/log.h"
#include "nnadc/io/json.h"

namespace nnadc::cli {

struct CommonOptions {
  std::string output;                  ///< -o/--output
  std::optional<std::uint64_t> seed;   ///< --seed
  bool quiet = false;                  ///< --quiet
};

/// Writes messages to stderr as "nnadc: warning: ..."; --quiet hides info lines.
class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(const bool* quiet) : quiet_(quiet) {}
  void log(LogLevel level, std::string_view message) override;

 private:
  const bool* quiet_;
};

/// Adds --config, -o/--output, --seed and --quiet to a subcommand.
void addCommonOptions(CLI::App& sub, CommonOptions& common, const std::string& default_output);

/// The subcommand's effective options as JSON (for the provenance block).
io::Json effectiveConfig(const CLI::App& sub);

/// Prints the one-line summary to stderr (unless --quiet).
void printSummary(const CommonOptions& common, const std::string& line);

/// Result codes of a subcommand callback, mapped to process exit codes in main.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;

/// Each subcommand file registers itself; `exit_code` receives its result.
void addCharacterizeCommand(CLI::App& app, int& exit_code);
void addMetricsCommand(CLI::App& app, int& exit_code);

}  // namespace nnadc::cli
