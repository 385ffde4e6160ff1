#pragma once
// `--config FILE.json` for every subcommand (CLI.md: keys are long option names). CLI11 2.1 reads
// TOML/INI only, so this adapts its Config interface to JSON.
#include <CLI/CLI.hpp>

namespace nnadc::cli {

class JsonConfig final : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

}  // namespace nnadc::cli
