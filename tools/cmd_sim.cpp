// nnadc sim: a SPICE deck in an isolated ngspice worker (--deck), or a design's bench on the
// worker pool measured against the behavioural model (--design; --bench buildable: the MDACs).
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "cmd_sim_buildable.h"
#include "cmd_sim_nonlinear.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/bench.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/results_json.h"
#include "nnadc/sim/deck_input.h"
#include "nnadc/spice/lint.h"
#include "option_groups.h"

namespace nnadc::cli {

namespace {

struct SimOptions {
  CommonOptions common;
  std::string deck_path;
  std::vector<std::string> vectors;
  std::vector<std::string> commands;
  bool allow_dangling = false;
  bool allow_shell = false;
  DeckCliOptions design;
  PoolCliOptions pool;
  BuildableCliOptions buildable;
};

int runDesignSim(CLI::App& sub, SimOptions& o, Logger& logger) {
  o.design.resolve("ngspice");
  const adc::Design design = io::loadDesign(o.design.design);
  if (design.segmented && o.design.bench == "static")
    return runNonlinearSim(sub, o.common, o.design, o.pool, design, logger);
  eval::BenchOptions options;
  options.deck = o.design.deck;
  options.timeout_s = o.pool.timeout_s;
  options.validate(design);  // input errors before any worker starts
  sim::WorkerPool pool(o.pool.pool(logger));
  const eval::BenchSummary s = eval::measureBench(pool, design, options);
  io::Json j = io::benchJson(s, o.design.design);
  io::Provenance provenance = simProvenance(sub, pool.version());
  provenance.seed = design.seed;
  j["provenance"] = io::provenanceJson(provenance);
  io::writeOutput(o.common.output, io::dumpJson(j));
  const double enob = s.analysis && s.analysis->spectrum ? s.analysis->spectrum->enob
                      : s.ramp_enob                      ? *s.ramp_enob
                                                         : std::nan("");
  char line[640];
  std::snprintf(line, sizeof line,
                "sim: %s%s bench%s, %zu conversions in %.2f s, %s ENOB %.3f, %.2f%% codes as the "
                "behavioural model, power %.3g W%s -> %s",
                s.pipeline ? "pipeline " : "", o.design.bench.c_str(),
                o.design.deck.static_sine ? " (sine)" : "", s.codes.size(), s.elapsed_s,
                s.sine ? "sine" : "ramp", enob, 100.0 * s.agreement, s.power_w,
                s.ideal_elements.empty() ? "" : " (reference: its ideal parts draw none)",
                o.common.output.c_str());
  printSummary(o.common, line);
  return kExitOk;
}

int runSim(CLI::App& sub, SimOptions& o) {
  StderrLogger logger(&o.common.quiet);
  sim::validateTimeout(o.pool.timeout_s);
  requireDistinctOutput(o.common, {{"--design", o.design.design}, {"--deck", o.deck_path}});
  if (!o.design.design.empty() && !o.deck_path.empty()) {
    throw InputError("NNADC-CFG-003", "nnadc sim takes --deck FILE or --design FILE, not both");
  }
  if (o.design.bench == "buildable") {
    return runBuildableSim(sub, o.common, o.design, o.pool, o.buildable, logger);
  }
  if (!o.design.design.empty()) return runDesignSim(sub, o, logger);
  if (o.deck_path.empty()) {
    throw InputError("NNADC-CFG-005",
                     "nnadc sim needs --deck FILE (a SPICE netlist) or --design FILE");
  }
  sim::RunRequest request;
  request.deck = io::readDeck(o.deck_path);
  request.vectors = o.vectors;
  request.commands = o.commands;
  request.timeout_s = o.pool.timeout_s;
  // A deck is a program: its .control block (and --command) can run anything through `shell`.
  if (!o.allow_shell) sim::refuseShellCommands(request, o.deck_path);
  sim::IsolatedSimulator simulator(o.pool.pool(logger));
  sim::RunResult result;
  try {
    result = simulator.run(request);
  } catch (const SimulationError& e) {
    // Name the user's file: the message alone only quotes ngspice.
    throw SimulationError(e.id(), "deck '" + o.deck_path + "': " + e.message());
  }
  // ngspice solves a floating node through its gmin shunt without a word; name it instead
  // (after the run, so that ngspice's own message wins for decks it rejects).
  if (!o.allow_dangling) spice::requireNoDanglingNodes(request.deck, o.deck_path);
  io::Json j;
  j["provenance"] = io::provenanceJson(simProvenance(sub, simulator.version()));
  j["deck_file"] = o.deck_path;
  j["plots"] = io::plotsJson(result);
  j["elapsed_s"] = result.elapsed_s;
  io::writeOutput(o.common.output, io::dumpJson(j));
  std::size_t points = 0;
  for (const sim::Plot& plot : result.plots) {
    for (const sim::Vector& v : plot.vectors) points = std::max(points, v.size());
  }
  printSummary(o.common, "sim: " + std::to_string(result.plots.size()) + " plot(s), up to " +
                             std::to_string(points) + " points -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addSimCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SimOptions>();
  CLI::App* sub = app.add_subcommand(
      "sim",
      "Run a SPICE deck through ngspice (isolated worker process) and write its vectors, or run "
      "a trained design's static/transient bench on worker processes and measure it");
  addCommonOptions(*sub, options->common, "sim.json");
  auto& o = *options;
  sub->add_option("--deck", o.deck_path,
                  "SPICE deck to run. A deck is a program: ngspice runs its .control block, so "
                  "run only decks you trust (shell commands need --allow-shell)");
  sub->add_option("--vectors", o.vectors,
                  "Vectors to keep, e.g. v(out) i(vdd) (default: all; the scale is always kept)")
      ->delimiter(',');
  sub->add_option("--command", o.commands,
                  "ngspice command to run after loading instead of 'run' (repeatable), e.g. "
                  "\"dc vin 0 1 0.01\"");
  sub->add_flag("--allow-dangling", o.allow_dangling,
                "--deck: run even if a node touches only one device terminal (see NNADC-NET-020)");
  sub->add_flag("--allow-shell", o.allow_shell,
                "--deck: let the deck's .control block or a --command run 'shell' commands "
                "(refused by default, NNADC-NET-021)");
  addDeckOptions(*sub, o.design);
  addPoolOptions(*sub, o.pool, 600.0);
  addBuildableOptions(*sub, o.buildable);
  setRun(
      *sub, options->common, [sub, options] { return runSim(*sub, *options); }, exit_code);
}

}  // namespace nnadc::cli
