#include "nnadc/io/buildable_json.h"

#include "nnadc/io/metrics_json.h"

namespace nnadc::io {

Json buildableJson(const eval::BuildableSummary& s, const std::string& design_file) {
  Json j = metricsJson(s.analysis);
  const spice::BuildableOptions& o = s.options;
  j["design_file"] = design_file;
  j["bench"] = "buildable";
  j["held_input"] = o.held_input;
  j["samples"] = s.run.codes.size();
  j["sine_cycles"] = s.run.plan.cycles;
  j["input_hz"] = s.run.plan.input_hz;
  j["amplitude"] = o.amplitude;
  j["unit_cap_f"] = o.cell.unit_cap_f;
  j["stage_scale"] = s.run.plan.scale;
  j["noise"] = s.noise;
  j["noise_v_rms"] = o.noise_v_rms;
  j["noise_seed"] = o.seed;
  Json power = Json::array();
  for (const sim::BlockPower& b : s.run.power) {
    power.push_back({{"source", b.source}, {"block", b.block}, {"power_w", b.power_w}});
  }
  j["power_per_block"] = power;
  Json ideal = Json::array();
  for (const spice::IdealElement& e : spice::buildableIdealElements(o)) {
    ideal.push_back(e.instances + ": " + e.what);
  }
  j["ideal_elements"] = ideal;
  j["agreement"] = s.agreement;
  j["max_code_difference"] = s.max_code_difference;
  j["stage_decision_agreement"] = s.stage_decision_agreement;
  j["behavioural_enob"] = s.behavioural_enob;
  j["behavioural_codes"] = s.behavioural_codes;
  j["x_v"] = s.x_v;
  j["codes"] = s.run.codes;
  j["decisions"] = s.run.decisions;
  j["jobs"] = s.run.jobs;
  j["elapsed_s"] = s.run.elapsed_s;
  return j;
}

}  // namespace nnadc::io
