// nnadc characterize: DC sweep of one CMOS inverter through ngspice -> VTC table (CLI.md).
#include <cmath>
#include <sstream>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/core/vtc.h"
#include "nnadc/io/file.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/inverter.h"

namespace nnadc::cli {

namespace {

struct CharacterizeOptions {
  CommonOptions common;
  spice::InverterSpec spec;
  std::string model_lib;
  std::string lib_section;
  std::string nmos;
  std::string pmos;
  std::string deck_path;
  double timeout_s = 120.0;
  double drive_step_in_v = 5e-3;
  double drive_step_out_v = 20e-3;
  bool no_drive = false;
};

std::string fixed(double value, int digits) {
  std::ostringstream s;
  s.precision(digits);
  s << std::fixed << value;
  return s.str();
}

int runCharacterize(CLI::App& sub, CharacterizeOptions& o) {
  applyConfigFile(sub, o.common);
  StderrLogger logger(&o.common.quiet);
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
  if (!(o.timeout_s > 0.0)) {
    throw InputError("NNADC-CFG-003",
                     "field 'timeout' must be > 0 s, got " + fixed(o.timeout_s, 3));
  }
  // The shipped card is inlined so the recorded deck runs anywhere; a PDK is referenced by path
  // because its files include each other relatively.
  const std::string deck = spice::inverterDcDeck(o.spec, models, models.isDefault());

  sim::IsolatedSimulator simulator(&logger);
  sim::RunRequest request;
  request.deck = deck;
  request.vectors = {spice::kInverterOutVector, spice::kInverterSupplyVector};
  request.timeout_s = o.timeout_s;
  const sim::RunResult result = simulator.run(request);
  const sim::Vector* sweep = result.find("v-sweep");
  const sim::Vector* out = result.find(spice::kInverterOutVector);
  const sim::Vector* supply = result.find(spice::kInverterSupplyVector);
  if (sweep == nullptr || out == nullptr || supply == nullptr) {
    throw SimulationError("NNADC-SIM-008", "the characterisation run returned no v(out)/i(vdd)");
  }
  Vtc vtc = analyzeVtc(sweep->real, out->real, o.spec.vdd_v);
  std::string drive_deck;
  if (!o.no_drive) {
    // The output drive under load (core/vtc.h InverterDrive): what layer-2 cells draw from the
    // hidden inverters moves their outputs off the VTC, and the stage model solves for it.
    drive_deck = spice::inverterDriveDeck(o.spec, models, models.isDefault(), o.drive_step_in_v,
                                          o.drive_step_out_v);
    sim::RunRequest drive_request;
    drive_request.deck = drive_deck;
    drive_request.vectors = {spice::kDriveCurrentVector, "v(in)"};
    drive_request.timeout_s = o.timeout_s;
    const sim::RunResult drive = simulator.run(drive_request);
    const sim::Vector* vout_axis = drive.find("v-sweep");
    const sim::Vector* current = drive.find(spice::kDriveCurrentVector);
    if (vout_axis == nullptr || current == nullptr) {
      throw SimulationError("NNADC-SIM-008", "the drive run returned no v-sweep/i(vout)");
    }
    const auto points = [](double vdd, double step) {
      return static_cast<std::size_t>(std::floor(vdd / step + 0.5)) + 1;
    };
    const std::size_t nin = points(o.spec.vdd_v, o.drive_step_in_v);
    const std::size_t nout = points(o.spec.vdd_v, o.drive_step_out_v);
    if (current->real.size() != nin * nout) {
      throw SimulationError("NNADC-SIM-008", "the drive run returned " +
                                                 std::to_string(current->real.size()) +
                                                 " points, expected " + std::to_string(nin * nout));
    }
    for (std::size_t i = 0; i < nin; ++i) {
      vtc.drive.vin_v.push_back(o.drive_step_in_v * static_cast<double>(i));
    }
    vtc.drive.vout_v.assign(vout_axis->real.begin(),
                            vout_axis->real.begin() + static_cast<std::ptrdiff_t>(nout));
    vtc.drive.current_a = current->real;
    validateDrive(vtc.drive, "characterize");
  }

  io::Provenance provenance;
  provenance.command = "characterize";
  provenance.config = effectiveConfig(sub);
  provenance.ngspice_version = simulator.version();
  io::Json j;
  j["provenance"] = io::provenanceJson(provenance);
  j["vdd_v"] = vtc.vdd_v;
  j["threshold_v"] = vtc.threshold_v;
  j["peak_gain"] = vtc.peak_gain;
  j["wn_m"] = o.spec.wn_m;
  j["wp_m"] = o.spec.wp_m;
  j["l_m"] = o.spec.l_m;
  j["nmos"] = models.nmos;
  j["pmos"] = models.pmos;
  j["points"] = vtc.vin_v.size();
  j["vin"] = vtc.vin_v;
  j["vout"] = vtc.vout_v;
  j["slope"] = vtc.slope;
  // ngspice reports the current into the source's + terminal; the supply delivers its negative.
  std::vector<double> supply_a(supply->real.size());
  for (std::size_t i = 0; i < supply_a.size(); ++i) supply_a[i] = -supply->real[i];
  j["supply_current_a"] = supply_a;
  if (!vtc.drive.empty()) {
    j["drive"] = {{"vin", vtc.drive.vin_v},
                  {"vout", vtc.drive.vout_v},
                  {"current_a", vtc.drive.current_a},
                  {"deck", drive_deck}};
  }
  j["deck"] = deck;
  if (!o.deck_path.empty()) io::writeFileAtomic(o.deck_path, deck);
  io::writeFileAtomic(o.common.output, io::dumpJson(j));
  printSummary(o.common, "characterize: threshold " + fixed(vtc.threshold_v, 4) + " V, peak gain " +
                             fixed(vtc.peak_gain, 2) + ", " + std::to_string(vtc.vin_v.size()) +
                             " points -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addCharacterizeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CharacterizeOptions>();
  CLI::App* sub = app.add_subcommand(
      "characterize", "DC-sweep one CMOS inverter in ngspice and write its transfer curve (VTC)");
  addCommonOptions(*sub, options->common, "vtc.json");
  auto& o = *options;
  sub->add_option("--vdd", o.spec.vdd_v, "Supply voltage [V]")->capture_default_str();
  sub->add_option("--wn", o.spec.wn_m, "NMOS width [m]")->capture_default_str();
  sub->add_option("--wp", o.spec.wp_m, "PMOS width [m]")->capture_default_str();
  sub->add_option("--l", o.spec.l_m, "Channel length [m]")->capture_default_str();
  sub->add_option("--step", o.spec.step_v, "Sweep step [V]")->capture_default_str();
  sub->add_option("--model-lib", o.model_lib,
                  "Model library to use instead of the shipped models/cmos130.lib");
  sub->add_option("--lib-section", o.lib_section,
                  "Section of the model library (.lib NAME); default 'tt' for the shipped "
                  "card, plain .include for --model-lib");
  sub->add_option("--nmos", o.nmos, "NMOS model name (default nmos130)");
  sub->add_option("--pmos", o.pmos, "PMOS model name (default pmos130)");
  sub->add_flag("--subckt-devices", o.spec.subckt_devices,
                "Instantiate the transistors as subcircuits (X), as PDKs such as sky130 need");
  sub->add_option("--drive-step-in", o.drive_step_in_v,
                  "Input step of the output-drive table I(vin, vout) [V]")
      ->capture_default_str();
  sub->add_option("--drive-step-out", o.drive_step_out_v,
                  "Output step of the output-drive table I(vin, vout) [V]")
      ->capture_default_str();
  sub->add_flag("--no-drive", o.no_drive,
                "Skip the output-drive table: models then treat inverters as ideal sources "
                "(no loading by the RRAM cells they drive)");
  sub->add_option("--deck", o.deck_path, "Also write the SPICE deck to this file");
  sub->add_option("--timeout", o.timeout_s, "Simulation time limit [s]")->capture_default_str();
  sub->callback([sub, options, &exit_code] { exit_code = runCharacterize(*sub, *options); });
}

}  // namespace nnadc::cli
