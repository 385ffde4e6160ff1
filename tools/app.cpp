#include "app.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <new>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/core/version.h"

namespace nnadc::cli {

namespace {
/// Exit code of resource exhaustion (std::bad_alloc): CLI.md's "bad input or usage", since the
/// sizes the user asked for are what the machine cannot hold (docs/errors.md).
constexpr int kExitResource = 2;
}  // namespace

int runApp(const std::vector<std::string>& args) {
  CLI::App app{"nnadc: neural-network ADC co-design toolkit (train, emit, simulate, measure)",
               "nnadc"};
  app.set_version_flag("--version", kToolVersion);
  app.require_subcommand(1);
  int exit_code = kExitOk;
  addCharacterizeCommand(app, exit_code);
  addTrainCommand(app, exit_code);
  addEvalCommand(app, exit_code);
  addSimCommand(app, exit_code);
  addEmitCommand(app, exit_code);
  addMetricsCommand(app, exit_code);
  addAxTrainCommand(app, exit_code);
  addFlowCommand(app, exit_code);
  addMcCommand(app, exit_code);
  addReportCommand(app, exit_code);
  // CLI11 parses argv without the program name when given a vector in reverse order.
  std::vector<std::string> rest(args.rbegin(), args.rend());
  if (!rest.empty()) rest.pop_back();
  try {
    app.parse(rest);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error[NNADC-CLI-001]: " << e.what() << "\n(run 'nnadc --help' for usage)\n";
    return 2;
  } catch (const Error& e) {
    std::cerr << formatError(e) << '\n';
    return e.exitCode();
  } catch (const std::bad_alloc&) {
    // Not a bug: the run asked for more memory than the machine gives (sizes are checked against
    // stated limits; what passes them can still exceed this machine).
    std::cerr << "error[NNADC-RES-001]: out of memory: the run needs more memory than is "
                 "available (reduce sizes such as --hidden, --synthetic or record lengths)\n";
    return kExitResource;
  } catch (const std::exception& e) {
    std::cerr << "error[NNADC-INT-001]: internal error: " << e.what() << '\n';
    return 4;
  }
  return exit_code;
}

}  // namespace nnadc::cli
