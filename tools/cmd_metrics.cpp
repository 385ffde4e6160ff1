// placeholder: replaced by the metrics subcommand
#include "cli_common.h"
namespace nnadc::cli {
void addMetricsCommand(CLI::App& /*app*/, int& /*exit_code*/) {}
}  // namespace nnadc::cli
