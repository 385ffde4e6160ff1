#pragma once
// The nnadc application: every subcommand registered on one CLI11 app, run by main() on the
// process arguments (flow calls the library, never this).
#include <string>
#include <vector>

namespace nnadc::cli {

/// Parses and runs one command line (argv[0] = program name) and returns the exit code; usage
/// errors and nnadc::Error are reported on stderr with their ids.
int runApp(const std::vector<std::string>& args);

}  // namespace nnadc::cli
