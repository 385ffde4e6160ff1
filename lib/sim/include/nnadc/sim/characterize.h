#pragma once
/// SPICE characterisation of one CMOS inverter: the DC sweep of spice/inverter.h through an
/// isolated ngspice worker gives the VTC table, and (optionally) a second run over a grid of
/// forced outputs gives its output-drive table (core/vtc.h InverterDrive).
#include <string>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/core/vtc.h"
#include "nnadc/sim/simulator.h"
#include "nnadc/spice/inverter.h"
#include "nnadc/spice/models.h"

namespace nnadc::sim {

struct CharacterizeOptions {
  spice::InverterSpec spec;
  spice::ModelSource models;
  double timeout_s = 120.0;         ///< limit of each ngspice run [s]
  double drive_step_in_v = 5e-3;    ///< input step of the drive table [V]
  double drive_step_out_v = 20e-3;  ///< output step of the drive table [V]
  bool drive = true;                ///< measure the drive table (false: ideal-source inverters)
  /// Throws InputError NNADC-CFG-003 naming the field: timeout <= 0, the spec out of range
  /// (InverterSpec::validate), or with `drive` a drive step outside [VDD * 1e-4, VDD / 4].
  void validate() const;
};

struct Characterization {
  Vtc vtc;                               ///< the table; vtc.drive filled when options.drive
  std::vector<double> supply_current_a;  ///< current the supply delivers at each vin [A]
  std::string deck;                      ///< the DC-sweep deck that was run
  std::string drive_deck;                ///< the drive deck (empty without the drive table)
  std::string ngspice_version;           ///< e.g. "ngspice-39"
};

/// Runs the characterisation (options.validate() first). The shipped model card is inlined so
/// the decks run anywhere; a user library is referenced by path (its files include each other
/// relatively). Throws InputError for bad options or models (NNADC-CFG-003, NNADC-NET-00n),
/// SimulationError for ngspice failures, NNADC-SIM-008 when a run returns no or too few points,
/// and InputError NNADC-VTC-001/002 when the tables are not an inverter's.
Characterization characterizeInverter(const CharacterizeOptions& options, Logger* logger = nullptr);
/// The same on a simulator the caller owns (e.g. a PoolSimulator over a flow's one pool).
Characterization characterizeInverter(const CharacterizeOptions& options, Simulator& simulator);

}  // namespace nnadc::sim
