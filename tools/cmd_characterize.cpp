// nnadc characterize: DC sweep of one CMOS inverter through ngspice -> VTC table (CLI.md).

#include "cli_common.h"
#include "cmd_characterize_analog.h"
#include "nnadc/core/error.h"
#include "nnadc/io/file.h"
#include "nnadc/io/vtc_json.h"
#include "nnadc/sim/characterize.h"

namespace nnadc::cli {

namespace {

/// The command line's options; the library's are in `sim` (ranges checked there).
struct CharacterizeCliOptions {
  CommonOptions common;
  sim::CharacterizeOptions sim;
  std::string model_lib;
  std::string lib_section;
  std::string nmos;
  std::string pmos;
  std::string deck_path;
  bool no_drive = false;
  AnalogCliOptions analog;
};

spice::ModelSource modelSource(const CharacterizeCliOptions& o) {
  spice::ModelSource models;
  if (!o.model_lib.empty()) {
    if (o.nmos.empty() || o.pmos.empty()) {
      throw InputError("NNADC-CFG-004", "--model-lib '" + o.model_lib +
                                            "' needs --nmos and --pmos (the device "
                                            "names in that library)");
    }
    models.lib_file = o.model_lib;
    models.section = o.lib_section;
  } else {
    models.section = o.lib_section.empty() ? "tt" : o.lib_section;
  }
  if (!o.nmos.empty()) models.nmos = o.nmos;
  if (!o.pmos.empty()) models.pmos = o.pmos;
  return models;
}

int runCharacterize(CLI::App& sub, CharacterizeCliOptions& o) {
  StderrLogger logger(&o.common.quiet);
  requireDistinctOutput(o.common, {{"--deck", o.deck_path}, {"--model-lib", o.model_lib}});
  checkAnalogUse(sub, o.analog);
  if (analogRequested(o.analog)) {
    return runCharacterizeAnalog(sub, o.common, o.analog, modelSource(o), o.sim.timeout_s, logger);
  }
  sim::CharacterizeOptions options = o.sim;
  options.models = modelSource(o);
  options.drive = !o.no_drive;
  const sim::Characterization c = sim::characterizeInverter(options, &logger);

  io::Provenance provenance;
  provenance.command = "characterize";
  provenance.config = effectiveConfig(sub);
  provenance.ngspice_version = c.ngspice_version;
  if (!o.deck_path.empty()) io::writeOutput(o.deck_path, c.deck);
  io::writeOutput(o.common.output,
                  io::dumpJson(io::vtcFileJson(io::vtcRecord(options, c), provenance)));
  printSummary(o.common, "characterize: threshold " + fixed(c.vtc.threshold_v, 4) +
                             " V, peak gain " + fixed(c.vtc.peak_gain, 2) + ", " +
                             std::to_string(c.vtc.vin_v.size()) + " points -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addCharacterizeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CharacterizeCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "characterize", "DC-sweep one CMOS inverter in ngspice and write its transfer curve (VTC)");
  addCommonOptions(*sub, options->common, "vtc.json");
  auto& o = *options;
  sub->add_option("--vdd", o.sim.spec.vdd_v, "Supply voltage [V]")->capture_default_str();
  sub->add_option("--wn", o.sim.spec.wn_m, "NMOS width [m]")->capture_default_str();
  sub->add_option("--wp", o.sim.spec.wp_m, "PMOS width [m]")->capture_default_str();
  sub->add_option("--l", o.sim.spec.l_m, "Channel length [m]")->capture_default_str();
  sub->add_option("--step", o.sim.spec.step_v, "Sweep step [V]")->capture_default_str();
  sub->add_option("--model-lib", o.model_lib,
                  "Model library to use instead of the shipped models/cmos130.lib");
  sub->add_option("--lib-section", o.lib_section,
                  "Section of the model library (.lib NAME); default 'tt' for the shipped "
                  "card, plain .include for --model-lib");
  sub->add_option("--nmos", o.nmos, "NMOS model name (default nmos130)");
  sub->add_option("--pmos", o.pmos, "PMOS model name (default pmos130)");
  sub->add_flag("--subckt-devices", o.sim.spec.subckt_devices,
                "Instantiate the transistors as subcircuits (X), as PDKs such as sky130 need");
  sub->add_option("--drive-step-in", o.sim.drive_step_in_v,
                  "Input step of the output-drive table I(vin, vout) [V]")
      ->capture_default_str();
  sub->add_option("--drive-step-out", o.sim.drive_step_out_v,
                  "Output step of the output-drive table I(vin, vout) [V]")
      ->capture_default_str();
  sub->add_flag("--no-drive", o.no_drive,
                "Skip the output-drive table: models then treat inverters as ideal sources "
                "(no loading by the RRAM cells they drive)");
  sub->add_option("--deck", o.deck_path, "Also write the SPICE deck to this file");
  addAnalogOptions(*sub, o.analog);
  sub->add_option("--timeout", o.sim.timeout_s, "Simulation time limit [s]")->capture_default_str();
  setRun(
      *sub, options->common, [sub, options] { return runCharacterize(*sub, *options); }, exit_code);
}

}  // namespace nnadc::cli
