#include "nnadc/io/analog_json.h"

namespace nnadc::io {

Json amplifierJson(const sim::AmplifierOptions& o, const sim::AmplifierCharacterization& c) {
  Json j;
  j["dc_gain_db"] = c.dc_gain_db;
  j["dc_gain_from_dc_db"] = c.dc_gain_from_dc_db;
  j["ugf_hz"] = c.ugf_hz;
  j["phase_margin_deg"] = c.phase_margin_deg;
  j["feedback_factor"] = o.feedback_factor;
  j["loop_crossover_hz"] = c.loop_crossover_hz;
  j["loop_phase_margin_deg"] = c.loop_phase_margin_deg;
  j["gm1_s"] = c.gm1_s;
  j["gbw_estimate_hz"] = c.gbw_estimate_hz;
  j["output_cm_v"] = c.output_cm_v;
  j["swing_low_v"] = c.swing_low_v;
  j["swing_high_v"] = c.swing_high_v;
  j["swing"] = {{"vd_v", c.swing_vd_v}, {"gain_db", c.swing_gain_db}};
  j["supply_current_a"] = c.supply_current_a;
  j["power_w"] = c.supply_current_a * o.bench.vdd_v;
  Json branches = Json::object();
  for (const sim::BranchCurrent& b : c.branches) branches[b.name] = b.current_a;
  j["branches"] = branches;
  j["noise"] = {{"spot_v_rthz", c.noise_spot_v_rthz},
                {"spot_hz", o.noise_spot_hz},
                {"integrated_v", c.noise_integrated_v},
                {"f_lo_hz", o.noise_f_lo_hz},
                {"f_hi_hz", o.noise_f_hi_hz}};
  j["ac"] = {{"freq_hz", c.freq_hz}, {"gain_db", c.gain_db}, {"phase_deg", c.phase_deg}};
  j["vdd_v"] = o.bench.vdd_v;
  j["load_f"] = o.bench.load_f;
  j["iref_a"] = o.bench.ota.iref_a;
  j["cc_f"] = o.bench.ota.cc_f;
  j["deck"] = c.deck;
  j["commands"] = c.commands;
  return j;
}

Json switchJson(const sim::SwitchCharacterization& c) {
  return {{"vin_v", c.vin_v},
          {"ron_bootstrap_ohm", c.ron_bootstrap_ohm},
          {"ron_gate_ohm", c.ron_gate_ohm},
          {"deck", c.deck}};
}

Json mdacJson(const sim::MdacOptions& o, const sim::MdacCharacterization& c) {
  Json j;
  j["fs_hz"] = o.bench.fs_hz;
  j["unit_cap_f"] = o.bench.unit_cap_f;
  j["vref_diff_v"] = o.bench.vref_diff_v;
  j["load_f"] = o.bench.load_f;
  j["nonoverlap_s"] = o.bench.nonoverlap_s;
  j["steps"] = {{"vin_diff_v", c.vin_diff_v},
                {"code", c.code},
                {"residue_v", c.residue_v},
                {"ideal_v", c.ideal_v},
                {"error_v", c.error_v}};
  j["max_abs_error_v"] = c.max_abs_error_v;
  j["gain_error"] = c.gain_error;
  j["offset_v"] = c.offset_v;
  j["max_nonlinearity_v"] = c.max_nonlinearity_v;
  j["supply_power_w"] = c.supply_power_w;
  j["reference_power_w"] = c.reference_power_w;
  j["deck"] = c.deck;
  return j;
}

Json analogFileJson(const AnalogRecord& r, const Provenance& provenance) {
  Json j;
  j["provenance"] = provenanceJson(provenance);
  if (r.amplifier && r.amplifier_options) {
    j["amplifier"] = amplifierJson(*r.amplifier_options, *r.amplifier);
  }
  if (r.switches) j["switches"] = switchJson(*r.switches);
  if (r.mdac && r.mdac_options) j["mdac"] = mdacJson(*r.mdac_options, *r.mdac);
  if (r.noise) {
    j["residue_noise"] = {{"ktc_rms_v", r.noise->ktc_rms_v},
                          {"amplifier_rms_v", r.noise->amplifier_rms_v},
                          {"total_rms_v", r.noise->total_rms_v}};
  }
  return j;
}

}  // namespace nnadc::io
