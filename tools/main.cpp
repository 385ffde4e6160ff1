// nnadc: command-line front end. Every subcommand lives in its own cmd_*.cpp file.
#include <CLI/CLI.hpp>
#include <clocale>
#include <iostream>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/core/version.h"

int main(int argc, char** argv) {
  // Numbers in decks, raw files and JSON are always written with '.' decimals.
  std::setlocale(LC_ALL, "C");
  CLI::App app{"nnadc: neural-network ADC co-design toolkit (train, emit, simulate, measure)",
               "nnadc"};
  app.set_version_flag("--version", nnadc::kToolVersion);
  app.require_subcommand(1);
  int exit_code = nnadc::cli::kExitOk;
  nnadc::cli::addCharacterizeCommand(app, exit_code);
  nnadc::cli::addTrainCommand(app, exit_code);
  nnadc::cli::addEvalCommand(app, exit_code);
  nnadc::cli::addSimCommand(app, exit_code);
  nnadc::cli::addEmitCommand(app, exit_code);
  nnadc::cli::addMetricsCommand(app, exit_code);
  nnadc::cli::addAxTrainCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error[NNADC-CLI-001]: " << e.what() << "\n(run 'nnadc --help' for usage)\n";
    return 2;
  } catch (const nnadc::Error& e) {
    std::cerr << nnadc::formatError(e) << '\n';
    return e.exitCode();
  } catch (const std::exception& e) {
    std::cerr << "error[NNADC-INT-001]: internal error: " << e.what() << '\n';
    return 4;
  }
  return exit_code;
}
