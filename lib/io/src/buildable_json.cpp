#include "nnadc/io/buildable_json.h"

#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/io/mc_json.h"
#include "nnadc/io/metrics_json.h"

namespace nnadc::io {

Json buildableCalibrationJson(const eval::BuildableCalibration& c) {
  Json stages = Json::array();
  for (std::size_t i = 0; i < c.stages.size(); ++i) {
    const adc::AmplifierModel& m = c.stages[i];
    stages.push_back({{"gain_error", m.gain_error},
                      {"a2_per_v", m.a2_per_v},
                      {"a3_per_v2", m.a3_per_v2},
                      {"dac_error_v", m.dac_error_v},
                      {"level_gain_error", m.level_gain_error},
                      {"memory", m.memory},
                      {"fit_rms_v", i < c.fit_rms_v.size() ? c.fit_rms_v[i] : 0.0}});
    if (i < c.decision_error_max_v.size()) {
      stages.back()["decision_error_max_v"] = c.decision_error_max_v[i];
      stages.back()["residue_peak_v"] = c.residue_peak_v[i];
    }
  }
  Json j{
      {"points", c.points},
      {"extracted_stages", stages},
      {"span", c.span},
      {"unit_cap_f", c.unit_cap_f},
      {"fs_hz", c.fs_hz},
      {"noise", false},
      {"residual_rms_lsb", c.residual_rms_lsb},
      {"residual_max_lsb", c.residual_max_lsb},
      {"ideal_table_residual_rms_lsb", c.ideal_residual_rms_lsb},
      {"elapsed_s", c.elapsed_s},
      {"table", c.table},
      {"ramp",
       {{"x_v", c.ramp_x_v}, {"decisions", c.ramp_decisions}, {"residues_v", c.ramp_residues_v}}}};
  if (!c.design_digest.empty()) j["design_digest"] = c.design_digest;
  return j;
}

eval::BuildableCalibration loadBuildableCalibration(const std::string& path,
                                                    const adc::Design& design,
                                                    const spice::BuildableOptions& options,
                                                    const std::string& design_file) {
  const Json root = loadJsonFile(path);
  const Json* block = &root;
  if (root.is_object() && root.contains("calibration")) block = &root["calibration"];
  const auto bad = [&](const std::string& field, const std::string& why) {
    return InputError("NNADC-CFG-002", path + ": field 'calibration." + field + "' " + why);
  };
  if (!block->is_object() || !block->contains("table") || !(*block)["table"].is_array()) {
    throw bad("table", "is missing: give a `sim --bench buildable --calibrate N` result");
  }
  eval::BuildableCalibration c;
  const auto number = [&](const char* field) {
    if (!block->contains(field) || !(*block)[field].is_number()) {
      throw bad(field, "is missing or not a number");
    }
    return (*block)[field].get<double>();
  };
  c.points = static_cast<int>(number("points"));
  c.span = number("span");
  c.unit_cap_f = number("unit_cap_f");
  c.fs_hz = number("fs_hz");
  c.residual_rms_lsb = number("residual_rms_lsb");
  c.residual_max_lsb = number("residual_max_lsb");
  const Json& table = (*block)["table"];
  const auto& stages = design.pipeline.stages;
  if (table.size() != stages.size()) {
    throw bad("table", "has " + std::to_string(table.size()) + " rows; the design has " +
                           std::to_string(stages.size()) + " stages");
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::size_t levels = std::size_t{1} << stages[i].adc.shape.bits;
    const Json& row = table[i];
    if (!row.is_array() || row.size() != levels) {
      throw bad("table[" + std::to_string(i) + "]",
                "must hold " + std::to_string(levels) + " numbers (stage " + std::to_string(i) +
                    " decides " + std::to_string(levels) + " levels)");
    }
    std::vector<double> r;
    for (const Json& v : row) {
      if (!v.is_number() || !std::isfinite(v.get<double>())) {
        throw bad("table[" + std::to_string(i) + "]", "holds a value that is not a finite number");
      }
      r.push_back(v.get<double>());
    }
    c.table.push_back(std::move(r));
  }
  if (block->contains("extracted_stages") && !(*block)["extracted_stages"].empty()) {
    const Json& st = (*block)["extracted_stages"];
    if (!st.is_array() || st.size() + 1 != stages.size()) {
      throw bad("extracted_stages", "must hold one entry per residue stage (" +
                                        std::to_string(stages.size() - 1) + ")");
    }
    for (std::size_t i = 0; i < st.size(); ++i) {
      const std::string field = "extracted_stages[" + std::to_string(i) + "]";
      const Json& e = st[i];
      const auto get = [&](const char* key, double lo, double hi) {
        if (!e.is_object() || !e.contains(key) || !e[key].is_number() ||
            !(e[key].get<double>() >= lo && e[key].get<double>() <= hi)) {
          throw bad(field + "." + key, "is missing, not a number or outside [" +
                                           std::to_string(lo) + ", " + std::to_string(hi) + "]");
        }
        return e[key].get<double>();
      };
      adc::AmplifierModel m;
      m.gain_error = get("gain_error", -0.5, 0.5);
      m.a2_per_v = get("a2_per_v", -100.0, 100.0);
      m.a3_per_v2 = get("a3_per_v2", -1000.0, 1000.0);
      c.fit_rms_v.push_back(get("fit_rms_v", 0.0, 1.0));
      const std::size_t levels = std::size_t{1} << stages[i].adc.shape.bits;
      if (!e.contains("dac_error_v") || !e["dac_error_v"].is_array() ||
          e["dac_error_v"].size() != levels) {
        throw bad(field + ".dac_error_v", "must hold " + std::to_string(levels) + " numbers");
      }
      for (const Json& v : e["dac_error_v"]) {
        if (!v.is_number() || std::abs(v.get<double>()) > 1.0) {
          throw bad(field + ".dac_error_v", "holds a value outside [-1, 1] V");
        }
        m.dac_error_v.push_back(v.get<double>());
      }
      // Both absent in calibrations measured before they were fitted: no such terms.
      if (e.contains("memory")) m.memory = get("memory", -1.0, 1.0);
      if (e.contains("level_gain_error")) {
        const Json& g = e["level_gain_error"];
        if (!g.is_array() || (!g.empty() && g.size() != levels)) {
          throw bad(field + ".level_gain_error",
                    "must hold " + std::to_string(levels) + " numbers (or none)");
        }
        for (const Json& v : g) {
          if (!v.is_number() || std::abs(v.get<double>()) > 0.5) {
            throw bad(field + ".level_gain_error", "holds a value outside [-0.5, 0.5]");
          }
          m.level_gain_error.push_back(v.get<double>());
        }
      }
      c.stages.push_back(std::move(m));
    }
  }
  if (block->contains("design_digest")) {
    if (!(*block)["design_digest"].is_string()) throw bad("design_digest", "is not a string");
    c.design_digest = (*block)["design_digest"].get<std::string>();
    if (!design_file.empty() && c.design_digest != fileDigest(design_file)) {
      throw InputError("NNADC-CFG-003",
                       path + ": field 'calibration.design_digest' = " + c.design_digest +
                           ": the calibration was measured on another design "
                           "file than '" +
                           design_file + "' (digest " + fileDigest(design_file) +
                           "): calibrate this design");
    }
  }
  const auto same = [](double a, double b) { return std::abs(a - b) <= 1e-9 * std::abs(b); };
  if (!same(c.unit_cap_f, options.cell.unit_cap_f) || !same(c.fs_hz, options.cell.fs_hz)) {
    throw InputError(
        "NNADC-CFG-003",
        path + ": the calibration was measured with unit_cap_f = " + std::to_string(c.unit_cap_f) +
            " F, fs_hz = " + std::to_string(c.fs_hz) + "; this run uses " +
            std::to_string(options.cell.unit_cap_f) + " F, " + std::to_string(options.cell.fs_hz) +
            " Hz: calibrate again with these deck options");
  }
  return c;
}

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
    power.push_back({{"source", b.source},
                     {"block", b.block},
                     {"kind", spice::blockKindName(b.kind)},
                     {"stage", b.stage < 0 ? Json() : Json(b.stage)},
                     {"power_w", b.power_w}});
  }
  j["power_per_block"] = power;
  Json ideal = Json::array();
  for (const spice::IdealElement& e : spice::buildableIdealElements(o)) {
    ideal.push_back(e.instances + ": " + e.what);
  }
  j["ideal_elements"] = ideal;
  j["calibrated"] = s.calibration.has_value();
  if (s.calibration) {
    j["calibration"] = buildableCalibrationJson(*s.calibration);
    j["uncalibrated_enob"] = s.uncalibrated_enob;
    j["uncalibrated_codes"] = s.uncalibrated_codes;
  }
  if (s.extracted) {
    j["extracted_model"] = {{"what",
                             "the design with each MDAC's residue transfer as SPICE measured it "
                             "on the calibration ramp, and the SPICE-calibrated table"},
                            {"enob", s.extracted_enob},
                            {"agreement", s.extracted_agreement},
                            {"within_one_lsb", s.extracted_within_one_lsb},
                            {"max_code_difference", s.extracted_max_code_difference},
                            {"codes", s.extracted_codes}};
  }
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
