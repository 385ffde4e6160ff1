#include "nnadc/sim/characterize.h"

#include <cmath>
#include <cstddef>
#include <sstream>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/sim/pool.h"

namespace nnadc::sim {

namespace {

/// Points of a sweep from 0 to `vdd_v` in steps of `step_v`, as ngspice runs it (the decks end
/// the sweep half a step past VDD).
std::size_t sweepPoints(double vdd_v, double step_v) {
  return static_cast<std::size_t>(std::floor(vdd_v / step_v + 0.5)) + 1;
}

/// Largest and smallest drive steps relative to VDD: spice::inverterDriveDeck's bounds.
constexpr double kMinDriveStepPerVdd = 1e-4;
constexpr double kMaxDriveStepPerVdd = 0.25;

}  // namespace

void CharacterizeOptions::validate() const {
  validateTimeout(timeout_s);
  spec.validate();
  if (drive) {
    requireInRange("NNADC-CFG-003", "drive-step-in", drive_step_in_v,
                   spec.vdd_v * kMinDriveStepPerVdd, spec.vdd_v * kMaxDriveStepPerVdd, "V");
    requireInRange("NNADC-CFG-003", "drive-step-out", drive_step_out_v,
                   spec.vdd_v * kMinDriveStepPerVdd, spec.vdd_v * kMaxDriveStepPerVdd, "V");
  }
}

Characterization characterizeInverter(const CharacterizeOptions& options, Logger* logger) {
  options.validate();
  // Decks are built (and bad models refused) before any worker process starts.
  (void)spice::inverterDcDeck(options.spec, options.models, options.models.isDefault());
  IsolatedSimulator simulator(logger);
  return characterizeInverter(options, simulator);
}

Characterization characterizeInverter(const CharacterizeOptions& options, Simulator& simulator) {
  options.validate();
  const spice::InverterSpec& spec = options.spec;
  Characterization c;
  c.deck = spice::inverterDcDeck(spec, options.models, options.models.isDefault());

  RunRequest request;
  request.deck = c.deck;
  request.vectors = {spice::kInverterOutVector, spice::kInverterSupplyVector};
  request.timeout_s = options.timeout_s;
  const RunResult result = simulator.run(request);
  const Vector* sweep = result.find("v-sweep");
  const Vector* out = result.find(spice::kInverterOutVector);
  const Vector* supply = result.find(spice::kInverterSupplyVector);
  if (sweep == nullptr || out == nullptr || supply == nullptr) {
    throw SimulationError("NNADC-SIM-008", "the characterisation run returned no v(out)/i(vdd)");
  }
  c.vtc = analyzeVtc(sweep->real, out->real, spec.vdd_v);
  // ngspice reports the current into the source's + terminal; the supply delivers its negative.
  c.supply_current_a.resize(supply->real.size());
  for (std::size_t i = 0; i < c.supply_current_a.size(); ++i) {
    c.supply_current_a[i] = -supply->real[i];
  }

  if (options.drive) {
    // The output drive under load (core/vtc.h InverterDrive): what layer-2 cells draw from the
    // hidden inverters moves their outputs off the VTC, and the stage model solves for it.
    c.drive_deck = spice::inverterDriveDeck(spec, options.models, options.models.isDefault(),
                                            options.drive_step_in_v, options.drive_step_out_v);
    RunRequest drive_request;
    drive_request.deck = c.drive_deck;
    drive_request.vectors = {spice::kDriveCurrentVector, "v(in)"};
    drive_request.timeout_s = options.timeout_s;
    const RunResult drive = simulator.run(drive_request);
    const Vector* vout_axis = drive.find("v-sweep");
    const Vector* current = drive.find(spice::kDriveCurrentVector);
    if (vout_axis == nullptr || current == nullptr) {
      throw SimulationError("NNADC-SIM-008", "the drive run returned no v-sweep/i(vout)");
    }
    const std::size_t nin = sweepPoints(spec.vdd_v, options.drive_step_in_v);
    const std::size_t nout = sweepPoints(spec.vdd_v, options.drive_step_out_v);
    if (current->real.size() != nin * nout) {
      throw SimulationError("NNADC-SIM-008", "the drive run returned " +
                                                 std::to_string(current->real.size()) +
                                                 " points, expected " + std::to_string(nin * nout));
    }
    InverterDrive& d = c.vtc.drive;
    for (std::size_t i = 0; i < nin; ++i) {
      d.vin_v.push_back(options.drive_step_in_v * static_cast<double>(i));
    }
    d.vout_v.assign(vout_axis->real.begin(),
                    vout_axis->real.begin() + static_cast<std::ptrdiff_t>(nout));
    d.current_a = current->real;
    validateDrive(d, "characterize");
  }
  c.ngspice_version = simulator.version();
  return c;
}

}  // namespace nnadc::sim
