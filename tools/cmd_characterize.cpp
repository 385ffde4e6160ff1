// placeholder
#include "cli_common.h"
namespace nnadc::cli {
void addCharacterizeCommand(CLI::App& /*app*/, int& /*exit_code*/) {}
}  // namespace nnadc::cli
