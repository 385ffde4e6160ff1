#include "nnadc/io/nonlinear_json.h"

#include <cmath>
#include <sstream>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/file.h"

namespace nnadc::io {

namespace fs = std::filesystem;

adc::NonlinearTarget loadTargetTable(const fs::path& path) {
  const std::string where = "'" + path.string() + "': thresholds";
  std::vector<double> values;
  if (path.extension() == ".json") {
    const Json j = loadJsonFile(path);
    const Json& list = j.is_object() && j.contains("thresholds") ? j["thresholds"] : j;
    if (!list.is_array()) {
      throw InputError("NNADC-CFG-002",
                       where + " must be an array of numbers (or an object holding one)");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_number()) {
        throw InputError("NNADC-CFG-002", where + "[" + std::to_string(i) +
                                              "] = " + list[i].dump() + " is not a number");
      }
      values.push_back(list[i].get<double>());
    }
  } else {
    std::istringstream in(readTextFile(path));
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      for (char& ch : line) {
        if (ch == ',' || ch == ';' || ch == '\t' || ch == '\r') ch = ' ';
      }
      std::istringstream fields(line);
      std::string field;
      while (fields >> field) {
        const auto number = parseDouble(field);
        if (!number) {
          throw InputError("NNADC-CFG-002", "'" + path.string() + "' line " +
                                                std::to_string(line_number) + ": '" + field +
                                                "' is not a number (thresholds[" +
                                                std::to_string(values.size()) + "])");
        }
        values.push_back(*number);
      }
    }
  }
  return adc::tableTarget(std::move(values), where);
}

adc::NonlinearTarget readTarget(FieldReader& r, const fs::path& recipe_path) {
  if (r.has("table") == r.has("target")) {
    throw InputError("NNADC-CFG-005", r.where("target") +
                                          ": give a named target (\"target\" with \"bits\") or "
                                          "a \"table\" file, exactly one");
  }
  if (r.has("table")) {
    const fs::path file = recipe_path.parent_path() / r.string("table", std::nullopt);
    return loadTargetTable(file);
  }
  const std::string name = r.string("target", std::nullopt);
  const int bits = r.integer("bits", std::nullopt, 2, 16);
  return adc::namedTarget(name, bits, r.where("target"));
}

adc::SegmentedFrontEnd readNonlinearRecipe(FieldReader r, const fs::path& recipe_path,
                                           int& calibration_points) {
  adc::SegmentedFrontEnd f;
  f.target = readTarget(r, recipe_path);
  const std::string architecture = r.string("architecture", "segmented");
  if (architecture != "segmented") {
    throw InputError("NNADC-CFG-007",
                     r.where("architecture") + " = '" + architecture +
                         "' is not one a pipeline recipe trains (segmented); the digital mapping "
                         "of a linear design needs no training: nnadc eval --transfer");
  }
  f.segments = r.integer("segments", f.segments, 1, 20);
  f.select_fraction = r.number("select_fraction", f.select_fraction, 0.5, 1.0);
  {
    FieldReader a = r.object("amplifier");
    f.amplifier.gain_error = a.number("gain_error", 0.0, -0.5, 0.5);
    f.amplifier.offset_v = a.number("offset_v", 0.0, -1.0, 1.0);
    f.amplifier.a2_per_v = a.number("a2_per_v", 0.0, -100.0, 100.0);
    f.amplifier.a3_per_v2 = a.number("a3_per_v2", 0.0, -1000.0, 1000.0);
    a.finish();
  }
  if (r.has("comparator_offset_v")) f.comparator_offset_v = r.numbers("comparator_offset_v", 1);
  calibration_points = r.integer("calibration_points", calibration_points, 64, 1 << 24);
  r.finish();
  return f;
}

Json segmentedJson(const adc::SegmentedFrontEnd& f) {
  Json target = {{"name", f.target.name}, {"thresholds", f.target.thresholds}};
  if (f.target.bits > 0) target["bits"] = f.target.bits;
  return {{"target", target},
          {"segments", f.segments},
          {"select_fraction", f.select_fraction},
          {"amplifier",
           {{"gain_error", f.amplifier.gain_error},
            {"offset_v", f.amplifier.offset_v},
            {"a2_per_v", f.amplifier.a2_per_v},
            {"a3_per_v2", f.amplifier.a3_per_v2}}},
          {"comparator_offset_v", f.comparator_offset_v},
          {"calibrated", f.calibrated},
          {"scale", f.scale},
          {"offset", f.offset}};
}

adc::SegmentedFrontEnd readSegmented(FieldReader r) {
  adc::SegmentedFrontEnd f;
  {
    FieldReader t = r.object("target");
    const std::string name = t.string("name", std::nullopt);
    const int bits = t.integer("bits", 0, 0, 16);
    const std::vector<double> thresholds = t.numbers("thresholds", 1);
    f.target = adc::tableTarget(thresholds, t.where("thresholds"));
    f.target.name = name;
    f.target.bits = bits;
    t.finish();
  }
  f.segments = r.integer("segments", std::nullopt, 1, 20);
  f.select_fraction = r.number("select_fraction", std::nullopt, 0.5, 1.0);
  {
    FieldReader a = r.object("amplifier");
    f.amplifier.gain_error = a.number("gain_error", std::nullopt, -0.5, 0.5);
    f.amplifier.offset_v = a.number("offset_v", std::nullopt, -1.0, 1.0);
    f.amplifier.a2_per_v = a.number("a2_per_v", std::nullopt, -100.0, 100.0);
    f.amplifier.a3_per_v2 = a.number("a3_per_v2", std::nullopt, -1000.0, 1000.0);
    a.finish();
  }
  f.comparator_offset_v = r.numbers("comparator_offset_v", 0);
  f.calibrated = r.boolean("calibrated", false);
  f.scale = r.numbers("scale", 0);
  f.offset = r.numbers("offset", 0);
  const auto per_segment = static_cast<std::size_t>(f.segments + 1);
  if (f.calibrated && (f.scale.size() != per_segment || f.offset.size() != per_segment)) {
    throw InputError("NNADC-DES-001", r.where("scale") + " and " + r.where("offset") +
                                          " must hold one value per segment (" +
                                          std::to_string(per_segment) + ")");
  }
  r.finish();
  return f;
}

namespace {

// The transition-level summary both results carry, in the same order.
void addLinearity(Json& j, const metrics::TransitionLinearity& l) {
  j["max_abs_inl_lsb"] = l.max_abs_inl_lsb;
  j["worst_inl_code"] = l.worst_inl_code;
  j["max_abs_dnl_lsb"] = l.max_abs_dnl_lsb;
  j["worst_dnl_code"] = l.worst_dnl_code;
  j["missing_codes"] = l.missing_codes;
  j["missing"] = l.missing;
  j["measurement_resolution_lsb"] = l.resolution_lsb;
}

}  // namespace

Json nonlinearJson(const eval::NonlinearSummary& s) {
  Json j = {{"architecture", s.architecture},
            {"target", s.target},
            {"codes", s.codes},
            {"sweep_points", s.sweep_points}};
  addLinearity(j, s.linearity);
  j["linearised_sndr_db"] = s.linearised_sndr_db;
  j["linearised_enob"] = s.linearised_enob;
  j["ideal_linearised_sndr_db"] = s.ideal_linearised_sndr_db;
  j["inl_lsb"] = s.linearity.inl_lsb;
  j["dnl_lsb"] = s.linearity.dnl_lsb;
  return j;
}

Json nonlinearBenchJson(const eval::NonlinearBenchSummary& s, const std::string& design_file) {
  Json j = {{"design_file", design_file},
            {"bench",
             "static (nonlinear, whole converter in ngspice: ideal x2 ladder, transistor-level "
             "comparators, ideal decoder and multiplexer, mantissa pipeline)"},
            {"target", s.target},
            {"codes", s.codes},
            {"points", s.points},
            {"agreement", s.agreement},
            {"differing_codes", s.differing_codes},
            {"max_code_difference", s.max_code_difference},
            {"segment_agreement", s.segment_agreement},
            {"mantissa_agreement", s.mantissa_agreement}};
  addLinearity(j, s.linearity);
  j["power_w"] = s.power_w;
  j["sub_adc_power_w"] = s.sub_adc_power_w;
  j["comparator_power_w"] = s.comparator_power_w;
  j["power_note"] =
      "SPICE supply current of everything simulated at transistor level: the mantissa pipeline's "
      "NN sub-ADCs and the segment comparators (static: DC operating points, no switching "
      "energy). The ideal elements draw none; their estimated power is in ideal_estimates, not "
      "in power_w";
  Json estimates = Json::array();
  for (const auto& e : s.ideal_estimates) {
    estimates.push_back({{"instances", e.instances},
                         {"what", e.what},
                         {"estimated_power_w", e.power_w},
                         {"basis", e.basis}});
  }
  j["ideal_elements"] = s.ideal_elements;
  j["ideal_estimates"] = estimates;
  j["ideal_estimated_power_w"] = s.ideal_estimated_power_w;
  j["ideal_estimate_fs_hz"] = spice::kIdealEstimateFsHz;
  Json comparators = Json::array();
  for (const auto& c : s.comparators) {
    comparators.push_back({{"top_level", c.top_level},
                           {"top_cells", c.top_cells},
                           {"bottom_level", c.bottom_level},
                           {"bottom_cells", c.bottom_cells},
                           {"threshold_v", c.threshold_v},
                           {"model_threshold_v", c.target_v}});
  }
  j["comparators"] = comparators;
  j["jobs"] = s.jobs;
  j["elapsed_s"] = s.elapsed_s;
  j["codes_spice"] = s.spice_codes;
  j["codes_behavioural"] = s.behavioural_codes;
  return j;
}

}  // namespace nnadc::io
