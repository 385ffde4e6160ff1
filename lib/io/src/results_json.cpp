#include "nnadc/io/results_json.h"

#include "nnadc/io/metrics_json.h"

namespace nnadc::io {

namespace {

// Every CLI.md metrics field, null: for records no analysis applies to.
Json nullMetrics(std::size_t samples, int bits) {
  Json j;
  for (const char* f : {"enob", "sndr_db", "snr_db", "thd_db", "sfdr_db", "enob_sinefit",
                        "dnl_lsb_min", "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max", "missing_codes",
                        "power_w", "fs_hz", "fom_walden_j", "fom_schreier_db"}) {
    j[f] = nullptr;
  }
  j["samples"] = samples;
  j["bits"] = bits;
  return j;
}

Json optionalJson(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

}  // namespace

Json evalJson(const eval::EvalSummary& summary) {
  Json j = metricsJson(summary.sine);
  const Json ramp = metricsJson(summary.ramp);
  // Static linearity comes from the ramp record (exact code density), the rest from the sine.
  for (const char* field :
       {"dnl_lsb_min", "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max", "missing_codes"}) {
    j[field] = ramp[field];
  }
  if (summary.ramp_enob) j["ramp_enob"] = *summary.ramp_enob;
  j["sine_cycles"] = summary.sine_cycles;
  if (summary.noise) j["noise"] = true;  // residue noise was drawn (absent: noiseless)
  j["ramp"] = ramp;
  return j;
}

Json variationJson(const mc::VariationSummary& s) {
  return {{"sigma", s.options.sigma},
          {"draws", s.options.draws},
          {"seed", s.options.seed},
          {"recalibrated", s.options.recalibrate},
          {"median_enob", s.median_enob},
          {"p10_enob", s.p10_enob},
          {"min_enob", s.min_enob},
          {"max_enob", s.max_enob},
          {"enob", s.enob}};
}

Json transferJson(const eval::TransferSummary& s) {
  return {{"transfer", s.transfer},
          {"bits", s.bits},
          {"max_error_lsb", s.max_error_lsb},
          {"rms_error_lsb", s.rms_error_lsb},
          {"worst_input_fraction", s.worst_input_fraction},
          {"ideal_linear_max_error_lsb", s.ideal_linear_max_error_lsb}};
}

Json benchJson(const eval::BenchSummary& s, const std::string& design_file) {
  Json j = s.analysis ? metricsJson(*s.analysis) : nullMetrics(s.codes.size(), s.bits);
  if (s.behavioural_enob) j["behavioural_enob"] = *s.behavioural_enob;
  j["power_w"] = s.power_w;
  j["power_per_stage_w"] = s.power_per_stage_w;
  j["ideal_elements"] = s.ideal_elements;
  if (s.pipeline) {
    j["power_note"] =
        "SPICE supply current of each stage's NN sub-ADC (inverters and RRAM arrays); the residue "
        "amplifiers, DAC/decoder and sample-and-holds are ideal behavioural sources and draw none";
  }
  j["agreement"] = s.agreement;
  if (s.pipeline) {
    j["differing_codes"] = s.differing_codes;
    j["max_code_difference"] = s.max_code_difference;
    j["stage_decision_agreement"] = s.stage_decision_agreement;
    Json mismatches = Json::array();
    for (const eval::StageDecisionMismatch& m : s.stage_decision_mismatches) {
      mismatches.push_back({{"input", m.input},
                            {"x_v", s.x_v[m.input]},
                            {"stage", m.stage},
                            {"spice", m.spice},
                            {"model", m.model},
                            {"stage_input_v", m.stage_input_v}});
    }
    j["stage_decision_mismatches"] = mismatches;
  }
  j["ramp_enob"] = optionalJson(s.ramp_enob);
  j["behavioural_ramp_enob"] = optionalJson(s.behavioural_ramp_enob);
  if (s.pipeline) {
    j["kind"] = "pipeline";
    j["stages"] = s.power_per_stage_w.size();
    j["behavioural_codes"] = s.behavioural_codes;
  } else {
    j["driver_multiplier"] = s.driver_multiplier;
  }
  j["bench"] = spice::benchName(s.bench);
  j["design_file"] = design_file;
  j["workers"] = s.workers;
  j["jobs"] = s.jobs;
  j["elapsed_s"] = s.elapsed_s;
  j["conversions_per_s"] = static_cast<double>(s.codes.size()) / s.elapsed_s;
  j["codes"] = s.codes;
  if (s.bench == spice::Bench::kStatic) {
    j["points"] = s.points;
    j["chunk_points"] = s.chunk_points;
    if (s.pipeline) {
      j["record"] = s.sine ? "sine" : "ramp";
      if (s.sine) j["sine_cycles"] = s.sine_cycles;
    }
  } else {
    j["sine_cycles"] = s.sine_cycles;
    j["input_hz"] = s.input_hz;
    j["edge_fraction"] = s.edge_fraction;
    if (s.pipeline) {
      j["chunk_samples"] = s.chunk_samples;
      j["sample_and_hold"] = "ideal switch + 1 pF + unity buffer, two non-overlapping phases";
    }
  }
  return j;
}

Json plotsJson(const sim::RunResult& result) {
  Json plots = Json::array();
  for (const sim::Plot& plot : result.plots) {
    Json vectors = Json::object();
    for (const sim::Vector& v : plot.vectors) {
      Json j;
      j["type"] = v.type;
      if (v.is_complex) {
        std::vector<double> re;
        std::vector<double> im;
        for (const auto& c : v.complex) {
          re.push_back(c.real());
          im.push_back(c.imag());
        }
        j["re"] = re;
        j["im"] = im;
      } else {
        j["values"] = v.real;
      }
      vectors[v.name] = j;
    }
    plots.push_back({{"name", plot.name}, {"vectors", vectors}});
  }
  return plots;
}

}  // namespace nnadc::io
