#include "cli_common.h"

#include <iostream>
#include <memory>

#include "json_config.h"

namespace nnadc::cli {

void StderrLogger::log(LogLevel level, std::string_view message) {
  switch (level) {
    case LogLevel::kDebug:
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

void addCommonOptions(CLI::App& sub, CommonOptions& common, const std::string& default_output) {
  sub.config_formatter(std::make_shared<JsonConfig>());
  sub.set_config("--config", "", "JSON file of options (keys = long option names)");
  sub.allow_config_extras(CLI::config_extras_mode::error);
  common.output = default_output;
  sub.add_option("-o,--output", common.output, "Output file")->capture_default_str();
  sub.add_option("--seed", common.seed, "Base random seed");
  sub.add_flag("--quiet", common.quiet, "Print only warnings and errors");
}

io::Json effectiveConfig(const CLI::App& sub) {
  const std::string text = sub.config_to_str(true, false);
  return io::Json::parse(text);
}

void printSummary(const CommonOptions& common, const std::string& line) {
  if (!common.quiet) std::cerr << line << '\n';
}

}  // namespace nnadc::cli
