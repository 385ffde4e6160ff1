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
  std::string config_file;            ///< --config
  std::string output;                 ///< -o/--output
  std::optional<std::uint64_t> seed;  ///< --seed
  bool quiet = false;                 ///< --quiet
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

/// Applies `--config FILE.json` to `sub`: every key is a long option name; options given on the
/// command line win. Call first in each subcommand callback. Throws InputError NNADC-CFG-001
/// (unknown key) or NNADC-CFG-002 (value of the wrong type), naming the file and key.
void applyConfigFile(CLI::App& sub, const CommonOptions& common);

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
void addSimCommand(CLI::App& app, int& exit_code);
void addEmitCommand(CLI::App& app, int& exit_code);
void addAxTrainCommand(CLI::App& app, int& exit_code);
void addTrainCommand(CLI::App& app, int& exit_code);
void addEvalCommand(CLI::App& app, int& exit_code);
void addFlowCommand(CLI::App& app, int& exit_code);

}  // namespace nnadc::cli
