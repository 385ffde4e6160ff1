// nnadc characterize --amplifier/--switches/--mdac: the analog cells of issue #12 in ngspice
// (sim/amplifier.h), written as one JSON file (io/analog_json.h).
#include "cmd_characterize_analog.h"

#include <cstdio>

#include "nnadc/core/error.h"
#include "nnadc/io/file.h"

namespace nnadc::cli {

namespace {

/// Inverter-only options: meaningless for the analog cells.
constexpr const char* kInverterOnly[] = {"--wn",
                                         "--wp",
                                         "--l",
                                         "--step",
                                         "--drive-step-in",
                                         "--drive-step-out",
                                         "--no-drive",
                                         "--deck",
                                         "--subckt-devices"};

std::string figure(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

}  // namespace

void addAnalogOptions(CLI::App& sub, AnalogCliOptions& o) {
  sub.add_flag("--amplifier", o.amplifier,
               "Characterise the fully-differential OTA (AC, DC, swing, noise) instead of the "
               "inverter");
  sub.add_flag("--switches", o.switches,
               "Measure the on-resistance of the bootstrapped switch and a transmission gate");
  sub.add_flag("--mdac", o.mdac, "Run the gain-4 flip-around MDAC in transient");
  sub.add_option("--ota-scale", o.ota_scale,
                 "Scale every OTA current, width and capacitance by this factor")
      ->capture_default_str();
  sub.add_option("--load-cap", o.load_f, "Load capacitance per OTA output [F]")
      ->capture_default_str();
  sub.add_option("--beta", o.beta, "Feedback factor for the loop phase margin")
      ->capture_default_str();
  sub.add_option("--fs", o.fs_hz, "MDAC conversion rate [Hz]")->capture_default_str();
  sub.add_option("--unit-cap", o.unit_cap_f, "MDAC unit capacitor per side [F]")
      ->capture_default_str();
}

bool analogRequested(const AnalogCliOptions& o) { return o.amplifier || o.switches || o.mdac; }

void checkAnalogUse(const CLI::App& sub, const AnalogCliOptions& o) {
  if (analogRequested(o)) {
    for (const char* name : kInverterOnly) {
      if (sub.count(name) > 0) {
        throw InputError("NNADC-CFG-009", std::string(name) +
                                              " is an inverter option; it cannot be combined "
                                              "with --amplifier, --switches or --mdac");
      }
    }
    return;
  }
  for (const char* name : {"--ota-scale", "--load-cap", "--beta", "--fs", "--unit-cap"}) {
    if (sub.count(name) > 0) {
      throw InputError("NNADC-CFG-009", std::string(name) +
                                            " sets up an analog cell; give --amplifier, "
                                            "--switches or --mdac with it");
    }
  }
}

int runCharacterizeAnalog(const CLI::App& sub, const CommonOptions& common,
                          const AnalogCliOptions& o, const spice::ModelSource& models,
                          double timeout_s, Logger& logger) {
  io::AnalogRecord record;
  std::string summary = "characterize:";
  std::string version;
  spice::OtaParams ota = spice::OtaParams().scaled(o.ota_scale);
  if (o.amplifier) {
    sim::AmplifierOptions a;
    a.bench.ota = ota;
    a.bench.load_f = o.load_f;
    a.feedback_factor = o.beta;
    a.models = models;
    a.timeout_s = timeout_s;
    record.amplifier = sim::characterizeAmplifier(a, &logger);
    record.amplifier_options = a;
    version = record.amplifier->ngspice_version;
    summary += figure(" gain %.1f dB,", record.amplifier->dc_gain_db) +
               figure(" UGF %.3g Hz,", record.amplifier->ugf_hz) +
               figure(" PM %.1f deg (beta 1),", record.amplifier->phase_margin_deg) +
               figure(" %.1f deg (loop);", record.amplifier->loop_phase_margin_deg);
  }
  if (o.switches) {
    sim::SwitchOptions s;
    s.models = models;
    s.timeout_s = timeout_s;
    record.switches = sim::characterizeSwitches(s, &logger);
    version = record.switches->ngspice_version;
    summary += " switches at " + std::to_string(record.switches->vin_v.size()) + " levels;";
  }
  if (o.mdac) {
    sim::MdacOptions m;
    m.bench.ota = ota;
    m.bench.load_f = o.load_f;
    m.bench.fs_hz = o.fs_hz;
    m.bench.unit_cap_f = o.unit_cap_f;
    m.models = models;
    m.timeout_s = timeout_s;
    record.mdac = sim::characterizeMdac(m, &logger);
    record.mdac_options = m;
    version = record.mdac->ngspice_version;
    summary += figure(" MDAC max error %.3g V,", record.mdac->max_abs_error_v) +
               figure(" nonlinearity %.3g V;", record.mdac->max_nonlinearity_v);
    if (record.amplifier) {
      // Loop bandwidth of the MDAC: |A| beta = 1, i.e. beta GBW.
      const double beta = o.beta;
      record.noise =
          sim::residueNoise(m.bench.unit_cap_f, 4, 4.0, record.amplifier->noise_spot_v_rthz,
                            record.amplifier->loop_crossover_hz / beta, beta);
    }
  }
  io::Provenance provenance;
  provenance.command = "characterize";
  provenance.config = effectiveConfig(sub);
  provenance.ngspice_version = version;
  io::writeOutput(common.output, io::dumpJson(io::analogFileJson(record, provenance)));
  printSummary(common, summary + " -> " + common.output);
  return kExitOk;
}

}  // namespace nnadc::cli
