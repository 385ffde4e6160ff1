#include "cli_common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "json_config.h"
#include "nnadc/core/error.h"
#include "nnadc/io/file.h"

namespace nnadc::cli {

namespace {
void writeStderr(std::string_view text) {
  std::cerr << text;
  std::cerr.flush();
}
}  // namespace

StderrLogger::StderrLogger(const bool* quiet)
    : quiet_(quiet),
      text_progress_(
          ::isatty(STDERR_FILENO) != 0 ? TextProgress::Style::kBar : TextProgress::Style::kLines,
          writeStderr) {}

Progress& StderrLogger::progress() {
  if (quiet_ != nullptr && *quiet_) return nullProgress();
  return text_progress_;
}

void StderrLogger::log(LogLevel level, std::string_view message) {
  text_progress_.clearLine();  // a bar on the line would run into the message
  switch (level) {
    case LogLevel::kDebug:
      if (std::getenv("NNADC_DEBUG") == nullptr) return;
      std::cerr << "nnadc: debug: " << message << '\n';
      return;
    case LogLevel::kInfo:
      if (quiet_ != nullptr && *quiet_) return;
      std::cerr << "nnadc: " << message << '\n';
      return;
    case LogLevel::kWarning:
      std::cerr << "nnadc: warning: " << message << '\n';
      return;
  }
}

void addCommonOptions(CLI::App& sub, CommonOptions& common, const std::string& default_output,
                      ConfigRole config_role) {
  common.config_role = config_role;
  // CLI11 2.1 only reads config files given to the top-level app, so subcommands read their
  // own (applyConfigFile); the formatter still renders the effective config as JSON.
  sub.config_formatter(std::make_shared<JsonConfig>());
  sub.add_option("--config", common.config_file,
                 "JSON file of options (keys = long option names; the command line wins)");
  common.output = default_output;
  sub.add_option("-o,--output", common.output, "Output file")->capture_default_str();
  // CLI11 reads "-1" into a uint64_t as 2^64 - 1; a sign is refused before the conversion.
  sub.add_option("--seed", common.seed, "Base random seed (a non-negative integer)")
      ->check(CLI::Validator(
          [](std::string& value) {
            return value.find('-') == std::string::npos
                       ? std::string()
                       : "field 'seed' = " + value + " must be a non-negative integer";
          },
          "UINT", "non-negative seed"));
  sub.add_flag("--quiet", common.quiet, "Print only warnings and errors");
}

namespace {

void applyConfigFile(CLI::App& sub, CommonOptions& common) {
  if (common.config_file.empty() || common.config_role != ConfigRole::kOptions) return;
  const std::string text = io::readTextFile(common.config_file);
  std::istringstream in(text);
  std::vector<CLI::ConfigItem> items;
  try {
    items = JsonConfig().from_config(in);
  } catch (const CLI::Error& e) {
    throw InputError("NNADC-CFG-002", "config '" + common.config_file + "': " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "note") continue;  // free text for people, as in recipes
    CLI::Option* option = sub.get_option_no_throw("--" + item.name);
    if (option == nullptr || item.name == "config" || item.name == "help") {
      std::string allowed;
      for (const CLI::Option* o : sub.get_options()) {
        const std::string name = o->get_single_name();
        if (o->get_lnames().empty() || name == "help" || name == "config") continue;
        allowed += (allowed.empty() ? "" : ", ") + name;
      }
      throw InputError("NNADC-CFG-001", "config '" + common.config_file + "': unknown key '" +
                                            item.name + "' for 'nnadc " + sub.get_name() +
                                            "' (allowed: " + allowed + ")");
    }
    if (option->count() > 0) continue;  // given on the command line: it wins
    common.from_config.insert(item.name);
    try {
      option->add_result(item.inputs);
      option->run_callback();
    } catch (const CLI::Error& e) {
      throw InputError("NNADC-CFG-002",
                       "config '" + common.config_file + "': key '" + item.name + "': " + e.what());
    }
  }
}

}  // namespace

void setRun(CLI::App& sub, CommonOptions& common, std::function<int()> run, int& exit_code) {
  sub.callback([&sub, &common, run = std::move(run), &exit_code] {
    applyConfigFile(sub, common);
    requireDistinctOutput(common);  // -o over the --config file, for every subcommand
    exit_code = run();
  });
}

namespace {

bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
  namespace fs = std::filesystem;
  if (a.native() == io::kStandardOutput || b.native() == io::kStandardOutput) return a == b;
  std::error_code ec_a;
  std::error_code ec_b;
  if (fs::exists(a, ec_a) && fs::exists(b, ec_b)) {
    const bool same = fs::equivalent(a, b, ec_a);
    return same && !ec_a;
  }
  const fs::path canon_a = fs::weakly_canonical(a, ec_a);
  const fs::path canon_b = fs::weakly_canonical(b, ec_b);
  return !ec_a && !ec_b && canon_a == canon_b;
}

}  // namespace

void requireDistinctOutput(const CommonOptions& common,
                           std::initializer_list<std::pair<const char*, std::string>> files) {
  const auto check = [&](const char* option, const std::string& file) {
    if (file.empty() || common.output.empty() || !sameFile(common.output, file)) return;
    throw InputError("NNADC-IO-004", "-o '" + common.output + "' and " + option + " '" + file +
                                         "' are the same file; nnadc never writes its result "
                                         "over a file the run reads or writes otherwise (choose "
                                         "another -o)");
  };
  check("--config", common.config_file);
  for (const auto& [option, file] : files) check(option, file);
}

void resolveConfigPaths(const CommonOptions& common,
                        std::initializer_list<std::pair<std::string*, const char*>> paths) {
  const std::filesystem::path dir = std::filesystem::path(common.config_file).parent_path();
  for (const auto& [value, key] : paths) {
    if (common.from_config.count(key) > 0 && !value->empty() &&
        std::filesystem::path(*value).is_relative()) {
      *value = (dir / *value).lexically_normal().string();
    }
  }
}

io::Json effectiveConfig(const CLI::App& sub) {
  const std::string text = sub.config_to_str(true, false);
  return io::Json::parse(text);
}

io::Provenance simProvenance(const CLI::App& sub, std::string ngspice_version) {
  io::Provenance provenance;
  provenance.command = "sim";
  provenance.config = effectiveConfig(sub);
  provenance.ngspice_version = std::move(ngspice_version);
  return provenance;
}

void printSummary(const CommonOptions& common, const std::string& line) {
  if (!common.quiet) std::cerr << line << '\n';
}

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

}  // namespace nnadc::cli
