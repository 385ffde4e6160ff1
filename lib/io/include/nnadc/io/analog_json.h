#pragma once
/// The analog-cell characterisation file (`nnadc characterize --amplifier/--switches/--mdac`):
/// one block per cell measured, each with the conditions it was measured in, its figures and its
/// deck. NaN figures (e.g. a swing limit beyond the sweep) are written as null.
#include <optional>

#include "nnadc/io/json.h"
#include "nnadc/sim/amplifier.h"

namespace nnadc::io {

struct AnalogRecord {
  std::optional<sim::AmplifierOptions> amplifier_options;
  std::optional<sim::AmplifierCharacterization> amplifier;
  std::optional<sim::SwitchCharacterization> switches;
  std::optional<sim::MdacOptions> mdac_options;
  std::optional<sim::MdacCharacterization> mdac;
  /// Filled when both the amplifier and the MDAC were measured (sim::residueNoise).
  std::optional<sim::ResidueNoise> noise;
};

/// "amplifier": dc_gain_db, dc_gain_from_dc_db, ugf_hz, phase_margin_deg, feedback_factor,
/// loop_crossover_hz, loop_phase_margin_deg, gm1_s, gbw_estimate_hz, output_cm_v, swing_low_v,
/// swing_high_v, swing {vd_v, gain_db}, supply_current_a, power_w, branches {name: current_a},
/// noise {spot_v_rthz, spot_hz, integrated_v, f_lo_hz, f_hi_hz}, ac {freq_hz, gain_db,
/// phase_deg}, load_f, iref_a, cc_f, deck, commands.
Json amplifierJson(const sim::AmplifierOptions& options, const sim::AmplifierCharacterization& c);
/// "switches": vin_v, ron_bootstrap_ohm, ron_gate_ohm, deck.
Json switchJson(const sim::SwitchCharacterization& c);
/// "mdac": fs_hz, unit_cap_f, vref_diff_v, load_f, steps {vin_diff_v, code, residue_v, ideal_v,
/// error_v}, max_abs_error_v, gain_error, offset_v, max_nonlinearity_v, supply_power_w,
/// reference_power_w, deck.
Json mdacJson(const sim::MdacOptions& options, const sim::MdacCharacterization& c);
/// The file: provenance and the blocks present.
Json analogFileJson(const AnalogRecord& record, const Provenance& provenance);

}  // namespace nnadc::io
