#pragma once
// Options every subcommand shares (CLI.md) and the helpers that write results.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "nnadc/core/log.h"
#include "nnadc/eval/train.h"
#include "nnadc/io/json.h"

namespace nnadc::cli {

/// What --config names: a flat file of options (every subcommand but train), or train's recipe.
enum class ConfigRole { kOptions, kRecipe };

struct CommonOptions {
  std::string config_file;            ///< --config
  std::string output;                 ///< -o/--output
  std::optional<std::uint64_t> seed;  ///< --seed
  bool quiet = false;                 ///< --quiet
  ConfigRole config_role = ConfigRole::kOptions;
  std::set<std::string> from_config;  ///< option names the config file set
};

/// Writes messages to stderr as "nnadc: warning: ..."; --quiet hides info lines and progress.
/// Progress of long work is a bar with ETA when stderr is a terminal, else a plain line every
/// 10 s (nnadc/core/progress.h).
class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(const bool* quiet);
  void log(LogLevel level, std::string_view message) override;
  Progress& progress() override;

 private:
  const bool* quiet_;
  TextProgress text_progress_;
};

/// Adds --config, -o/--output, --seed and --quiet to a subcommand.
void addCommonOptions(CLI::App& sub, CommonOptions& common, const std::string& default_output,
                      ConfigRole config_role = ConfigRole::kOptions);

/// The subcommand's callback: applies `--config FILE.json` first (the one place it is applied:
/// every key is a long option name, options given on the command line win; NNADC-CFG-001 for an
/// unknown key, NNADC-CFG-002 for a value of the wrong type, naming the file and key), then
/// stores run()'s result in `exit_code`.
void setRun(CLI::App& sub, CommonOptions& common, std::function<int()> run, int& exit_code);

/// Refuses (InputError NNADC-IO-004, before any work) an -o that names the same file as one the
/// run reads or also writes: `files` are (option, path) pairs, --config is always checked, empty
/// paths are skipped. Existing files are compared by identity (std::filesystem::equivalent, so a
/// link or another spelling is caught), new ones by their normalised absolute path.
void requireDistinctOutput(const CommonOptions& common,
                           std::initializer_list<std::pair<const char*, std::string>> files = {});

/// Paths a config file gave are relative to that file (as a recipe's "vtc" is); on the command
/// line, to the working directory. Rewrites each (path, option name) the config file set.
void resolveConfigPaths(const CommonOptions& common,
                        std::initializer_list<std::pair<std::string*, const char*>> paths);

/// The subcommand's effective options as JSON (for the provenance block).
io::Json effectiveConfig(const CLI::App& sub);

/// The provenance of a sim run: the command, its effective options, the ngspice version.
io::Provenance simProvenance(const CLI::App& sub, std::string ngspice_version);

/// Prints the one-line summary to stderr (unless --quiet).
void printSummary(const CommonOptions& common, const std::string& line);

/// Result codes of a subcommand callback, mapped to process exit codes in main.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;

/// train's --iterations/--restarts/--seed over a recipe's values (train and flow --recipe).
void applyTrainOverrides(eval::TrainRequest& request, std::optional<std::uint64_t> seed,
                         std::optional<int> iterations, std::optional<int> restarts);

/// `value` with `digits` decimals ("%.*f"), for the one-line summaries.
std::string fixed(double value, int digits);

/// Each subcommand file registers itself; `exit_code` receives its result.
void addCharacterizeCommand(CLI::App& app, int& exit_code);
void addMetricsCommand(CLI::App& app, int& exit_code);
void addSimCommand(CLI::App& app, int& exit_code);
void addEmitCommand(CLI::App& app, int& exit_code);
void addAxTrainCommand(CLI::App& app, int& exit_code);
void addTrainCommand(CLI::App& app, int& exit_code);
void addEvalCommand(CLI::App& app, int& exit_code);
void addFlowCommand(CLI::App& app, int& exit_code);
void addReportCommand(CLI::App& app, int& exit_code);
void addMcCommand(CLI::App& app, int& exit_code);

}  // namespace nnadc::cli
