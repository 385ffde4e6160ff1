#pragma once
// The analog-cell part of `nnadc characterize` (cmd_characterize_analog.cpp).
#include "cli_common.h"
#include "nnadc/core/log.h"
#include "nnadc/io/analog_json.h"
#include "nnadc/spice/models.h"

namespace nnadc::cli {

struct AnalogCliOptions {
  bool amplifier = false;
  bool switches = false;
  bool mdac = false;
  double ota_scale = 1.0;
  double load_f = 1e-12;
  double beta = 0.25;
  double fs_hz = 10e6;
  double unit_cap_f = 0.4e-12;
};

void addAnalogOptions(CLI::App& sub, AnalogCliOptions& o);
[[nodiscard]] bool analogRequested(const AnalogCliOptions& o);
/// Throws InputError NNADC-CFG-009: an inverter option with an analog flag, or an analog setting
/// without one.
void checkAnalogUse(const CLI::App& sub, const AnalogCliOptions& o);
int runCharacterizeAnalog(const CLI::App& sub, const CommonOptions& common,
                          const AnalogCliOptions& o, const spice::ModelSource& models,
                          double timeout_s, Logger& logger);

}  // namespace nnadc::cli
