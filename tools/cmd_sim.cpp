// nnadc sim: run a SPICE deck through libngspice in an isolated worker process and write its
// vectors as JSON. (`--design`, the trained-ADC benches, arrives with the netlist emitter.)
#include <sstream>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/file.h"
#include "nnadc/sim/pool.h"

namespace nnadc::cli {

namespace {

struct SimOptions {
  CommonOptions common;
  std::string deck_path;
  std::vector<std::string> vectors;
  std::vector<std::string> commands;
  double timeout_s = 600.0;
};

io::Json vectorJson(const sim::Vector& v) {
  io::Json j;
  j["type"] = v.type;
  if (v.is_complex) {
    std::vector<double> re;
    std::vector<double> im;
    for (const auto& c : v.complex) {
      re.push_back(c.real());
      im.push_back(c.imag());
    }
    j["re"] = re;
    j["im"] = im;
  } else {
    j["values"] = v.real;
  }
  return j;
}

int runSim(CLI::App& sub, SimOptions& o) {
  applyConfigFile(sub, o.common);
  StderrLogger logger(&o.common.quiet);
  if (o.deck_path.empty()) {
    throw InputError("NNADC-CFG-005", "nnadc sim needs --deck FILE (a SPICE netlist)");
  }
  if (!(o.timeout_s > 0.0)) {
    throw InputError("NNADC-CFG-003", "field 'timeout' must be > 0 s");
  }
  sim::RunRequest request;
  request.deck = io::readTextFile(o.deck_path);
  request.vectors = o.vectors;
  request.commands = o.commands;
  request.timeout_s = o.timeout_s;
  sim::IsolatedSimulator simulator(&logger);
  sim::RunResult result;
  try {
    result = simulator.run(request);
  } catch (const SimulationError& e) {
    // Name the user's file: the message alone only quotes ngspice.
    throw SimulationError(e.id(), "deck '" + o.deck_path + "': " + e.message());
  }

  io::Provenance provenance;
  provenance.command = "sim";
  provenance.config = effectiveConfig(sub);
  provenance.ngspice_version = simulator.version();
  io::Json j;
  j["provenance"] = io::provenanceJson(provenance);
  j["deck_file"] = o.deck_path;
  io::Json plots = io::Json::array();
  std::size_t points = 0;
  for (const sim::Plot& plot : result.plots) {
    io::Json p;
    p["name"] = plot.name;
    io::Json vectors = io::Json::object();
    for (const sim::Vector& v : plot.vectors) {
      vectors[v.name] = vectorJson(v);
      points = std::max(points, v.size());
    }
    p["vectors"] = vectors;
    plots.push_back(p);
  }
  j["plots"] = plots;
  j["elapsed_s"] = result.elapsed_s;
  io::writeFileAtomic(o.common.output, io::dumpJson(j));
  printSummary(o.common, "sim: " + std::to_string(result.plots.size()) + " plot(s), up to " +
                             std::to_string(points) + " points -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addSimCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SimOptions>();
  CLI::App* sub = app.add_subcommand(
      "sim", "Run a SPICE deck through ngspice (isolated worker process) and write its vectors");
  addCommonOptions(*sub, options->common, "sim.json");
  auto& o = *options;
  sub->add_option("--deck", o.deck_path, "SPICE deck to run");
  sub->add_option("--vectors", o.vectors,
                  "Vectors to keep, e.g. v(out) i(vdd) (default: all; the scale is always kept)")
      ->delimiter(',');
  sub->add_option("--command", o.commands,
                  "ngspice command to run after loading instead of 'run' (repeatable), e.g. "
                  "\"dc vin 0 1 0.01\"");
  sub->add_option("--timeout", o.timeout_s, "Wall-clock limit [s]")->capture_default_str();
  sub->callback([sub, options, &exit_code] { exit_code = runSim(*sub, *options); });
}

}  // namespace nnadc::cli
