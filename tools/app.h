#pragma once
// The nnadc application: every subcommand registered on one CLI11 app. main() runs it on the
// process arguments; `nnadc flow` runs it again, in process, for each step of its flow.
#include <string>
#include <vector>

namespace nnadc::cli {

/// Parses and runs one command line (argv[0] = program name) and returns the exit code. Usage
/// errors and nnadc::Error are reported on stderr as main() does; with `rethrow`, nnadc::Error
/// propagates instead (flow adds which step failed).
int runApp(const std::vector<std::string>& args, bool rethrow = false);

}  // namespace nnadc::cli
