#include "nnadc/io/design_json.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "nnadc/adc/segmented.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/fields.h"
#include "nnadc/io/mc_json.h"
#include "nnadc/io/nonlinear_json.h"
#include "nnadc/io/results_json.h"
#include "nnadc/io/vtc_json.h"

namespace nnadc::io {

namespace fs = std::filesystem;

namespace {
// VDD of a recipe whose VTC comes later (flow): the shipped card's, as characterize defaults.
constexpr double kRecipeDefaultVdd = 1.2;
/// How far a design's recorded RRAM level may lie from the built one, relative to g_max_s.
constexpr double kLevelTolerance = 1e-9;
}  // namespace

Vtc loadVtc(const fs::path& path, adc::InverterSizing* inverter) {
  const Json j = loadJsonFile(path);
  FieldReader r(j, path.string());
  Vtc vtc = readVtc(r);
  if (inverter != nullptr) readInverterSizing(r, *inverter);
  return vtc;
}

namespace {
// The enum parsers know the field but not the file: prefix their message with where it is.
template <typename Parse>
auto named(const FieldReader& r, const std::string& key, Parse parse) {
  try {
    return parse();
  } catch (const InputError& e) {
    throw InputError(e.id(), r.where(key) + ": " + e.message());
  }
}
}  // namespace

namespace {

// An MDAC block (adc::MdacParameters): every field optional, defaults as the struct's.
adc::MdacParameters readMdac(FieldReader m) {
  adc::MdacParameters p;
  p.unit_cap_f = m.number("unit_cap_f", p.unit_cap_f, 1e-15, 1e-9);
  p.input_cap_f = m.number("input_cap_f", p.input_cap_f, 0.0, 1e-9);
  p.open_loop_gain = m.number("open_loop_gain", p.open_loop_gain, 1.0, 1e9);
  p.gbw_hz = m.number("gbw_hz", p.gbw_hz, 1e3, 1e12);
  p.settle_s = m.number("settle_s", p.settle_s, 1e-12, 1e-3);
  p.amp_noise_v_rms = m.number("amp_noise_v_rms", p.amp_noise_v_rms, 0.0, 0.1);
  p.cap_sigma = m.number("cap_sigma", p.cap_sigma, 0.0, 0.1);
  p.temperature_k = m.number("temperature_k", p.temperature_k, 1.0, 500.0);
  m.finish();
  return p;
}

Json mdacJson(const adc::MdacParameters& p) {
  return {{"unit_cap_f", p.unit_cap_f},
          {"input_cap_f", p.input_cap_f},
          {"open_loop_gain", p.open_loop_gain},
          {"gbw_hz", p.gbw_hz},
          {"settle_s", p.settle_s},
          {"amp_noise_v_rms", p.amp_noise_v_rms},
          {"cap_sigma", p.cap_sigma},
          {"temperature_k", p.temperature_k}};
}

// An amplifier block. `fallback` is 0 in a recipe (every field optional) and nullopt in a design
// for the four original fields; noise_v_rms and dac_error_v (one entry per level, |e| <= the
// window) are optional in both.
adc::AmplifierModel readAmplifier(FieldReader a, std::optional<double> fallback, int levels,
                                  double window_v) {
  adc::AmplifierModel m;
  m.gain_error = a.number("gain_error", fallback, -0.5, 0.5);
  m.offset_v = a.number("offset_v", fallback, -1.0, 1.0);
  m.a2_per_v = a.number("a2_per_v", fallback, -100.0, 100.0);
  m.a3_per_v2 = a.number("a3_per_v2", fallback, -1000.0, 1000.0);
  m.noise_v_rms = a.number("noise_v_rms", 0.0, 0.0, 0.1);
  if (a.has("dac_error_v")) {
    m.dac_error_v = a.numbers("dac_error_v", static_cast<std::size_t>(levels));
    if (m.dac_error_v.size() != static_cast<std::size_t>(levels)) {
      throw InputError("NNADC-CFG-002",
                       a.where("dac_error_v") + " has " + std::to_string(m.dac_error_v.size()) +
                           " entries; the stage has " + std::to_string(levels) + " levels");
    }
    for (const double e : m.dac_error_v) {
      if (!std::isfinite(e) || std::abs(e) > window_v) {
        throw InputError("NNADC-CFG-003", a.where("dac_error_v") + " has " + formatDouble(e) +
                                              ", outside [-" + formatDouble(window_v) + ", " +
                                              formatDouble(window_v) + "] (the stage's window)");
      }
    }
  }
  a.finish();
  return m;
}

Json amplifierJson(const adc::AmplifierModel& m) {
  Json j = {{"gain_error", m.gain_error},
            {"offset_v", m.offset_v},
            {"a2_per_v", m.a2_per_v},
            {"a3_per_v2", m.a3_per_v2}};
  if (m.noise_v_rms != 0.0) j["noise_v_rms"] = m.noise_v_rms;
  if (!m.dac_error_v.empty()) j["dac_error_v"] = m.dac_error_v;
  return j;
}

rram::LevelSetOptions readRram(FieldReader& r) {
  rram::LevelSetOptions o;
  FieldReader rr = r.object("rram");
  o.cell_bits = rr.integer("cell_bits", 3, 1, 12);
  o.g_max_s = rr.number("g_max_s", 20e-6, 1e-9, 1.0);
  o.g_min_s = rr.number("g_min_s", 2e-6, 1e-12, 1.0);
  o.spacing =
      named(rr, "spacing", [&] { return rram::parseSpacing(rr.string("spacing", "linear")); });
  if (rr.has("table_s")) o.table_s = rr.numbers("table_s", 2);
  rr.finish();
  o.validate();
  return o;
}

// "variation": AxTrain of the stages against a Monte-Carlo variation recipe (a file, relative to
// the training recipe), for the inverter the recipe's VTC records.
adc::StageVariation readVariation(FieldReader v, const fs::path& recipe_path,
                                  const adc::InverterSizing& inverter) {
  adc::StageVariation out;
  const std::string mode = v.string("mode", "passive");
  out.mode = adc::parseVariationMode(mode, v.where("mode"));
  const std::string name = v.string("recipe", std::nullopt);
  const fs::path file =
      fs::path(name).is_absolute() ? fs::path(name) : recipe_path.parent_path() / name;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw InputError("NNADC-CFG-008", v.where("recipe") + ": variation recipe '" + file.string() +
                                          "' does not exist");
  }
  mc::Recipe recipe = loadVariationRecipe(file);
  resolveMismatch(recipe, inverter);
  out.rram = recipe.rram();
  if (recipe.cmos_scale > 0.0) {
    out.cmos = adc::inverterSigmas(recipe.cmos, inverter, 1, recipe.cmos_scale);
  }
  out.lambda = v.number("lambda", out.lambda, 0.0, 1e6);
  out.fd_step = v.number("fd_step", out.fd_step, 1e-9, 1.0);
  out.score_draws =
      v.integer("score_draws", out.mode == adc::VariationMode::kPlain ? 0 : 16, 0, 4096);
  const std::string score = v.string("score", "rms");
  if (score != "rms" && score != "yield") {
    throw InputError("NNADC-CFG-007",
                     v.where("score") + " = '" + score + "' is not one of rms, yield");
  }
  out.yield_score = score == "yield";
  if (out.yield_score && out.score_draws < 2) {
    throw InputError("NNADC-CFG-003", v.where("score_draws") + " = " +
                                          std::to_string(out.score_draws) +
                                          " must be at least 2 for the yield score");
  }
  v.finish();
  return out;
}

void readStageTraining(FieldReader t, adc::StageTrainOptions& o, const fs::path& recipe_path,
                       const adc::InverterSizing& inverter) {
  o.iterations = t.integer("iterations", o.iterations, 1, 10'000'000);
  o.samples_per_level = t.integer("samples_per_level", o.samples_per_level, 1, 4096);
  o.margin_per_v = t.number("margin_per_v", o.margin_per_v, 1e-3, 1e6);
  o.quantization = named(t, "quantization",
                         [&] { return adc::parseQuantization(t.string("quantization", "ste")); });
  o.noise_sigma = t.number("noise_sigma", o.noise_sigma, 0.0, 2.0);
  o.eval_every = t.integer("eval_every", o.eval_every, 1, 10'000'000);
  o.restarts = t.integer("restarts", o.restarts, 1, 1000);
  o.refine_sweeps = t.integer("refine_sweeps", o.refine_sweeps, 0, 1000);
  o.adam.learning_rate = t.number("learning_rate", o.adam.learning_rate, 0.0, 10.0);
  o.adam.decay_every = t.integer("decay_every", o.adam.decay_every, 0, 10'000'000);
  o.adam.decay_factor = t.number("decay_factor", o.adam.decay_factor, 1e-6, 1.0);
  o.adam.weight_decay = t.number("weight_decay", o.adam.weight_decay, 0.0, 1.0);
  if (t.has("variation")) {
    o.variation = readVariation(t.object("variation"), recipe_path, inverter);
    if (o.variation.mode != adc::VariationMode::kPlain && o.noise_sigma != 0.0) {
      throw InputError("NNADC-CFG-003", t.where("noise_sigma") + " = " +
                                            formatDouble(o.noise_sigma) +
                                            " must be 0 when 'variation' trains against a recipe "
                                            "(its rram.sigma replaces it)");
    }
  }
  t.finish();
}

fs::path readVtcPath(FieldReader& r, const fs::path& recipe_path) {
  const std::string vtc_name = r.string("vtc", std::nullopt);
  fs::path vtc =
      fs::path(vtc_name).is_absolute() ? fs::path(vtc_name) : recipe_path.parent_path() / vtc_name;
  std::error_code ec;
  if (!fs::is_regular_file(vtc, ec)) {
    throw InputError("NNADC-CFG-008", r.where("vtc") + ": VTC file '" + vtc.string() +
                                          "' does not exist (write one with nnadc characterize)");
  }
  return vtc;
}

// The recipe's "vtc": the file it names, read with the inverter it records; or, for a caller
// that brings its own VTC (flow), only the name, with the shipped card's supply for the windows.
void readRecipeVtc(FieldReader& r, const fs::path& recipe_path, bool load_vtc, fs::path& vtc_file,
                   Vtc& vtc, adc::InverterSizing& inverter) {
  if (load_vtc) {
    vtc_file = readVtcPath(r, recipe_path);
    vtc = loadVtc(vtc_file, &inverter);
  } else {
    (void)r.string("vtc", std::nullopt);
    vtc.vdd_v = kRecipeDefaultVdd;
  }
}

}  // namespace

StageRecipe loadStageRecipe(const fs::path& path, bool load_vtc) {
  StageRecipe recipe;
  recipe.raw = loadJsonFile(path);
  const std::string file = path.string();
  FieldReader r(recipe.raw, file);
  (void)r.string("note", "");  // free text for people, ignored
  const std::string kind = r.string("kind", "stage");
  if (kind != "stage") {
    throw InputError("NNADC-CFG-007",
                     r.where("kind") + " = '" + kind + "' is not supported here (stage)");
  }
  readRecipeVtc(r, path, load_vtc, recipe.vtc_file, recipe.vtc, recipe.inverter);
  recipe.bits = r.integer("bits", 4, 1, 10);
  recipe.hidden = r.integer("hidden", 24, 1, 1024);
  recipe.code = named(r, "code", [&] { return adc::parseCodeKind(r.string("code", "smooth")); });
  recipe.outputs = r.integer("outputs", 0, 0, 64);
  if (r.has("input_range_v")) {
    const auto range = r.numbers("input_range_v", 2);
    if (range.size() != 2 || !(range[0] < range[1]) || range[0] < 0 ||
        range[1] > recipe.vtc.vdd_v) {
      throw InputError("NNADC-CFG-003",
                       r.where("input_range_v") + " must be [lo, hi] with 0 <= lo < hi <= VDD");
    }
    recipe.input_lo_v = range[0];
    recipe.input_hi_v = range[1];
  } else {
    recipe.input_hi_v = recipe.vtc.vdd_v;
  }
  recipe.rram = readRram(r);
  if (r.has("nonlinear")) {
    FieldReader n = r.object("nonlinear");
    const adc::NonlinearTarget target = readTarget(n, path);
    n.finish();
    if (target.codes() != (1 << recipe.bits)) {
      throw InputError("NNADC-NLQ-003",
                       n.where("target") + " has " + std::to_string(target.codes()) +
                           " codes; this " + std::to_string(recipe.bits) + "-bit stage has " +
                           std::to_string(1 << recipe.bits) +
                           " levels (a stage learns a target of its own resolution)");
    }
    recipe.target_thresholds = target.thresholds;
  }
  readStageTraining(r.object("training"), recipe.training, path, recipe.inverter);
  if (recipe.training.variation.yield_score) {
    throw InputError("NNADC-CFG-007", r.where("training.variation.score") +
                                          " = 'yield' needs a pipeline's redundancy (kind "
                                          "'pipeline'); a stage recipe scores by 'rms'");
  }
  recipe.training.seed = r.seed("seed", 1);
  r.finish();
  recipe.training.validate();
  // Builds the code now so an impossible one fails as bad input before training.
  named(r, "outputs",
        [&] { return adc::OutputCode::make(recipe.code, recipe.bits, recipe.outputs); });
  return recipe;
}

std::string recipeKind(const fs::path& path) {
  const Json j = loadJsonFile(path);
  if (!j.is_object())
    throw InputError("NNADC-CFG-002", "'" + path.string() + "' must hold a JSON object");
  if (!j.contains("kind")) return "stage";
  if (!j["kind"].is_string()) {
    throw InputError("NNADC-CFG-002", "'" + path.string() + "': field 'kind' must be a string");
  }
  return j["kind"].get<std::string>();
}

PipelineRecipe loadPipelineRecipe(const fs::path& path, bool load_vtc) {
  PipelineRecipe recipe;
  recipe.raw = loadJsonFile(path);
  FieldReader r(recipe.raw, path.string());
  (void)r.string("note", "");  // free text for people, ignored
  if (r.string("kind", std::nullopt) != "pipeline") {
    throw InputError("NNADC-CFG-007", r.where("kind") + " must be 'pipeline' here");
  }
  readRecipeVtc(r, path, load_vtc, recipe.vtc_file, recipe.vtc, recipe.inverter);
  recipe.rram = readRram(r);
  adc::PipelineTrainOptions& o = recipe.training;
  o.target_bits = r.integer("target_bits", 14, 1, 24);
  o.redundancy = r.integer("redundancy", 1, 0, 3);
  readStageTraining(r.object("training"), o.stage, path, recipe.inverter);
  {
    FieldReader t = r.object("residue_training");
    o.residue.iterations = t.integer("iterations", o.residue.iterations, 1, 10'000'000);
    o.residue.refine_sweeps = t.integer("refine_sweeps", o.residue.refine_sweeps, 0, 1000);
    o.residue.adam.learning_rate =
        t.number("learning_rate", o.residue.adam.learning_rate, 0.0, 10.0);
    t.finish();
  }
  {
    FieldReader c = r.object("calibration");
    o.calibrate = c.boolean("enabled", true);
    o.calibration_points = c.integer("points", o.calibration_points, 16, 1 << 24);
    c.finish();
  }
  o.training_points = r.integer("training_points", o.training_points, 256, 1 << 22);
  if (r.has("nonlinear")) {
    recipe.segmented =
        readNonlinearRecipe(r.object("nonlinear"), path, recipe.nonlinear_calibration_points);
  }
  const Json& stages = r.raw("stages");
  if (!stages.is_array() || stages.empty()) {
    throw InputError("NNADC-PIP-003", r.where("stages") + " must be a non-empty array");
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    FieldReader s(stages[i], path.string(), "stages[" + std::to_string(i) + "]");
    adc::PipelineStagePlan p;
    p.bits = s.integer("bits", std::nullopt, 1, 8);
    const auto window =
        s.has("window_v") ? s.numbers("window_v", 2) : std::vector<double>{0.0, recipe.vtc.vdd_v};
    if (window.size() != 2)
      throw InputError("NNADC-CFG-002", s.where("window_v") + " must be [lo, hi]");
    p.lo_v = window[0];
    p.hi_v = window[1];
    p.hidden = s.integer("hidden", 12, 1, 1024);
    p.code = named(s, "code", [&] { return adc::parseCodeKind(s.string("code", "smooth")); });
    p.outputs = s.integer("outputs", 0, 0, 64);
    p.residue = named(s, "residue",
                      [&] { return adc::parseResidueStyle(s.string("residue", "amplifier")); });
    p.residue_hidden = s.integer("residue_hidden", 16, 1, 1024);
    if (s.has("mdac") && s.has("amplifier")) {
      throw InputError("NNADC-CFG-003", s.where("mdac") +
                                            ": give an amplifier model or an mdac, not both (an "
                                            "mdac derives the amplifier)");
    }
    p.amplifier = readAmplifier(s.object("amplifier"), 0.0, 1 << p.bits, p.hi_v - p.lo_v);
    if (s.has("mdac")) p.mdac = readMdac(s.object("mdac"));
    s.finish();
    named(s, "outputs", [&] { return adc::OutputCode::make(p.code, p.bits, p.outputs); });
    recipe.plan.push_back(p);
  }
  o.stage.seed = r.seed("seed", 1);
  o.residue.seed = o.stage.seed;
  r.finish();
  try {
    o.validate(recipe.plan, recipe.vtc.vdd_v);
  } catch (const InputError& e) {
    throw InputError(e.id(), "'" + path.string() + "': " + e.message());
  }
  if (recipe.segmented) {
    adc::validateSegmented(*recipe.segmented, o.target_bits,
                           "'" + path.string() + "': field 'nonlinear'");
  }
  return recipe;
}

Recipe loadRecipe(const fs::path& path, bool load_vtc) {
  Recipe r;
  eval::TrainRequest& q = r.request;
  const auto base = [&](const auto& recipe) {
    q.base.vdd_v = recipe.vtc.vdd_v;
    q.base.rram = recipe.rram;
    q.base.vtc = recipe.vtc;
    q.base.inverter = recipe.inverter;
    r.vtc_file = recipe.vtc_file;
    r.raw = recipe.raw;
  };
  if (recipeKind(path) == "pipeline") {
    const PipelineRecipe recipe = loadPipelineRecipe(path, load_vtc);
    base(recipe);
    q.base.seed = recipe.training.stage.seed;
    q.plan = recipe.plan;
    q.pipeline_training = recipe.training;
    q.segmented = recipe.segmented;
    q.nonlinear_calibration_points = recipe.nonlinear_calibration_points;
    return r;
  }
  const StageRecipe recipe = loadStageRecipe(path, load_vtc);
  base(recipe);
  q.base.seed = recipe.training.seed;
  adc::StageShape shape;
  shape.bits = recipe.bits;
  shape.hidden = recipe.hidden;
  shape.code = adc::OutputCode::make(recipe.code, recipe.bits, recipe.outputs);
  shape.vdd_v = recipe.vtc.vdd_v;
  shape.input_lo_v = recipe.input_lo_v;
  shape.input_hi_v = recipe.input_hi_v;
  shape.target_thresholds = recipe.target_thresholds;
  q.stage = shape;
  q.stage_training = recipe.training;
  return r;
}

Json trainingJson(const eval::TrainRequest& request, const eval::TrainSummary& summary) {
  if (summary.stage) {
    const adc::StageTrainResult& result = *summary.stage;
    Json history = Json::array();
    for (const auto& h : result.history) {
      history.push_back({{"iteration", h.iteration}, {"loss", h.loss}, {"ramp_enob", h.enob_ramp}});
    }
    // No wall-clock figures in the file: the same seed must give a bit-identical design.
    return {{"quantization", adc::quantizationName(request.stage_training.quantization)},
            {"trained_ramp_enob", result.trained_enob_ramp},
            {"refined_ramp_enob", result.best_enob_ramp},
            {"best_iteration", result.best_iteration},
            {"best_restart", result.best_restart},
            {"refine_changes", result.refine_changes},
            {"history", history}};
  }
  const adc::PipelineTrainResult& result = *summary.pipeline;
  Json stages = Json::array();
  for (std::size_t i = 0; i < result.stages.size(); ++i) {
    Json st = {{"trained_ramp_enob", result.stages[i].trained_enob_ramp},
               {"refined_ramp_enob", result.stages[i].best_enob_ramp},
               {"best_iteration", result.stages[i].best_iteration}};
    if (result.pipeline.stages[i].residue == adc::ResidueStyle::kNetwork &&
        i + 1 < result.stages.size()) {
      st["residue_rms_error_v"] = result.residues[i].rms_error_v;
      st["residue_max_error_v"] = result.residues[i].max_error_v;
    }
    stages.push_back(st);
  }
  return {{"stages", stages}};
}

namespace {

Json matrixJson(const Eigen::MatrixXi& m) {
  Json rows = Json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    Json row = Json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    rows.push_back(row);
  }
  return rows;
}

Eigen::MatrixXi matrixFrom(const Json& j, Eigen::Index rows, Eigen::Index cols, int levels,
                           const std::string& where) {
  if (!j.is_array() || static_cast<Eigen::Index>(j.size()) != rows) {
    throw InputError("NNADC-DES-001", where + " must have " + std::to_string(rows) + " rows");
  }
  Eigen::MatrixXi m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const Json& row = j[static_cast<std::size_t>(i)];
    if (!row.is_array() || static_cast<Eigen::Index>(row.size()) != cols) {
      throw InputError("NNADC-DES-001", where + " row " + std::to_string(i) + " must have " +
                                            std::to_string(cols) + " cells");
    }
    for (Eigen::Index c = 0; c < cols; ++c) {
      const Json& v = row[static_cast<std::size_t>(c)];
      if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() >= levels) {
        throw InputError("NNADC-DES-001", where + " row " + std::to_string(i) + " cell " +
                                              std::to_string(c) + " = " + v.dump() +
                                              " is not a level index in [0, " +
                                              std::to_string(levels - 1) + "]");
      }
      m(i, c) = v.get<int>();
    }
  }
  return m;
}

}  // namespace

Json designJson(const adc::Design& design, const Provenance& provenance, const Json& recipe,
                const Json& training, const Json& metrics) {
  Json j;
  j["provenance"] = provenanceJson(provenance);
  j["kind"] = design.singleStage() ? "stage" : "pipeline";
  j["recipe"] = recipe;
  j["seed"] = design.seed;
  j["vdd_v"] = design.vdd_v;
  const rram::LevelSet levels(design.rram);
  j["rram"] = {{"cell_bits", design.rram.cell_bits},
               {"spacing", rram::spacingName(design.rram.spacing)},
               {"g_max_s", levels.gMax()},
               {"g_min_s", design.rram.g_min_s},
               {"levels_s", levels.conductances()}};
  const adc::InverterSizing& inv = design.inverter;
  j["inverter"] = {{"wn_m", inv.wn_m},
                   {"wp_m", inv.wp_m},
                   {"l_m", inv.l_m},
                   {"nmos", inv.nmos},
                   {"pmos", inv.pmos},
                   {"model_lib", inv.model_lib},
                   {"lib_section", inv.lib_section},
                   {"subckt_devices", inv.subckt_devices}};
  j["vtc"] = vtcJson(design.vtc);
  Json stages = Json::array();
  std::vector<adc::StageDesign> adcs;
  for (const auto& st : design.pipeline.stages) adcs.push_back(st.adc);
  for (std::size_t si = 0; si < adcs.size(); ++si) {
    const adc::StageDesign& s = adcs[si];
    Json st;
    st["bits"] = s.shape.bits;
    st["hidden"] = s.shape.hidden;
    st["input_range_v"] = {s.shape.input_lo_v, s.shape.input_hi_v};
    if (!s.shape.target_thresholds.empty()) st["target_thresholds"] = s.shape.target_thresholds;
    st["code"] = {{"kind", adc::codeKindName(s.shape.code.kind)},
                  {"outputs", s.shape.code.outputs},
                  {"words", s.shape.code.words}};
    Json table = Json::array();
    for (const auto& [word, level] : s.decoder_table) table.push_back({word, level});
    st["decoder"] = {{"rule", "table, then nearest codeword"}, {"table", table}};
    st["residue"] = nullptr;
    if (si + 1 < adcs.size()) {
      const adc::PipelineStage& ps = design.pipeline.stages[si];
      Json res = {{"style", adc::residueStyleName(ps.residue)}, {"gain", ps.gain}};
      if (ps.residue == adc::ResidueStyle::kAmplifier) {
        res["amplifier"] = amplifierJson(ps.amplifier);
        if (ps.mdac) res["mdac"] = mdacJson(*ps.mdac);
      } else {
        res["network"] = {{"hidden", ps.network.hidden},
                          {"rows",
                           "hidden: x, vdd-x, bit[0..M), bitbar[0..M), vdd, gnd; "
                           "output: h[0..H), hb[0..H), then the hidden rows"},
                          {"cells",
                           {{"hidden", matrixJson(ps.network.hidden_cells)},
                            {"output", matrixJson(ps.network.output_cells)}}}};
      }
      st["residue"] = res;
    }
    st["rows"] = {{"hidden", {"x", "vdd-x", "vdd", "gnd"}},
                  {"output", "h[0..H), hb[0..H), vdd, gnd"}};
    st["cells"] = {{"hidden", matrixJson(s.cells.hidden)}, {"output", matrixJson(s.cells.output)}};
    stages.push_back(st);
  }
  j["stages"] = stages;
  if (!design.singleStage()) {
    j["pipeline"] = {{"bits", design.pipeline.bits},
                     {"redundancy", design.pipeline.redundancy},
                     {"calibrated", design.pipeline.calibrated},
                     {"table_v", design.pipeline.table}};
  }
  if (design.segmented) j["segmented"] = segmentedJson(*design.segmented);
  j["training"] = training;
  j["metrics"] = metrics;
  return j;
}

namespace {

// Cells of one network as integer level indices (rows x cols), NNADC-DES-001 naming the cell.
Eigen::MatrixXi readCells(FieldReader& r, const std::string& key, Eigen::Index rows,
                          Eigen::Index cols, int levels, const std::string& where) {
  const Json& j = r.raw(key);
  try {
    return matrixFrom(j, rows, cols, levels, where);
  } catch (const InputError& e) {
    throw InputError(e.id(), "'" + r.file() + "': " + e.message());
  }
}

adc::StageDesign readStage(FieldReader& s, double vdd_v, int levels, const std::string& where) {
  adc::StageDesign st;
  st.shape.bits = s.integer("bits", std::nullopt, 1, 10);
  st.shape.hidden = s.integer("hidden", std::nullopt, 1, 1024);
  const auto range = s.numbers("input_range_v", 2);
  if (range.size() != 2 || !(range[0] < range[1]) || range[0] < 0.0 || range[1] > vdd_v) {
    throw InputError("NNADC-DES-001",
                     s.where("input_range_v") + " must be [lo, hi] with 0 <= lo < hi <= vdd_v");
  }
  if (s.has("target_thresholds")) {
    st.shape.target_thresholds =
        adc::tableTarget(s.numbers("target_thresholds", 1), s.where("target_thresholds"))
            .thresholds;
    if (st.shape.target_thresholds.size() + 1 != (std::size_t{1} << st.shape.bits)) {
      throw InputError("NNADC-DES-001", s.where("target_thresholds") + " must hold 2^bits - 1 (" +
                                            std::to_string((1 << st.shape.bits) - 1) + ") levels");
    }
  }
  st.shape.input_lo_v = range[0];
  st.shape.input_hi_v = range[1];
  st.shape.vdd_v = vdd_v;
  {
    FieldReader code = s.object("code");
    const std::string kind = code.string("kind", std::nullopt);
    st.shape.code = named(code, "kind", [&] {
      return adc::OutputCode::make(adc::parseCodeKind(kind), st.shape.bits,
                                   code.integer("outputs", std::nullopt, 0, 64));
    });
    const Json& words = code.raw("words");
    if (!words.is_array() || words.get<std::vector<adc::Word>>() != st.shape.code.words) {
      throw InputError("NNADC-DES-001", code.where("words") + " differ from the " + kind +
                                            " code this version builds");
    }
    code.finish();
  }
  {
    FieldReader decoder = s.object("decoder");
    (void)decoder.string("rule", "");
    const Json& table = decoder.raw("table");
    if (!table.is_array())
      throw InputError("NNADC-DES-001", decoder.where("table") + " must be an array");
    for (const Json& entry : table) {
      if (!entry.is_array() || entry.size() != 2 || !entry[0].is_number_unsigned() ||
          !entry[1].is_number_integer()) {
        throw InputError("NNADC-DES-001", decoder.where("table") + " entry " + entry.dump() +
                                              " is not a [word, level] pair of integers");
      }
      const int outputs = st.shape.code.outputs;
      const auto word = entry[0].get<adc::Word>();
      if (outputs < 64 && (word >> outputs) != 0) {
        throw InputError("NNADC-DES-001", decoder.where("table") + " entry " + entry.dump() +
                                              ": word " + entry[0].dump() + " has more than " +
                                              std::to_string(outputs) +
                                              " bits (the stage's outputs)");
      }
      if (!st.decoder_table.empty() && !(st.decoder_table.back().first < word)) {
        throw InputError("NNADC-DES-001",
                         decoder.where("table") + " entry " + entry.dump() +
                             ": words must increase strictly (one entry per word)");
      }
      const int level = entry[1].get<int>();
      if (level < 0 || level >= st.shape.code.levels()) {
        throw InputError("NNADC-DES-001", s.where("decoder") + ".table level " +
                                              std::to_string(level) + " is out of range");
      }
      st.decoder_table.emplace_back(word, level);
    }
    decoder.finish();
  }
  (void)s.raw("rows");  // a description of the row order, for people
  FieldReader cells = s.object("cells");
  st.cells.hidden =
      readCells(cells, "hidden", st.shape.hidden, adc::kInputRows, levels, where + ".cells.hidden");
  st.cells.output = readCells(cells, "output", st.shape.outputs(), st.shape.outputRows(), levels,
                              where + ".cells.output");
  cells.finish();
  return st;
}

void readResidue(FieldReader& res, adc::PipelineStage& ps, int levels, const std::string& where) {
  ps.residue = named(res, "style",
                     [&] { return adc::parseResidueStyle(res.string("style", std::nullopt)); });
  ps.gain = res.number("gain", std::nullopt, 1e-3, 1e6);
  if (ps.residue == adc::ResidueStyle::kAmplifier) {
    // The ranges a recipe accepts (loadPipelineRecipe).
    const adc::StageShape& shape = ps.adc.shape;
    ps.amplifier = readAmplifier(res.object("amplifier"), std::nullopt, 1 << shape.bits,
                                 shape.input_hi_v - shape.input_lo_v);
    if (res.has("mdac")) ps.mdac = readMdac(res.object("mdac"));
  } else {
    FieldReader net = res.object("network");
    ps.network.hidden = net.integer("hidden", std::nullopt, 1, 1024);
    (void)net.raw("rows");
    FieldReader cells = net.object("cells");
    const Eigen::Index in_rows = 4 + 2 * ps.adc.shape.outputs();
    ps.network.hidden_cells = readCells(cells, "hidden", ps.network.hidden, in_rows, levels,
                                        where + ".residue.cells.hidden");
    ps.network.output_cells = readCells(cells, "output", 1, 2 * ps.network.hidden + in_rows, levels,
                                        where + ".residue.cells.output");
    cells.finish();
    net.finish();
  }
  res.finish();
}

}  // namespace

namespace {
std::atomic<std::size_t> design_files_parsed{0};
}  // namespace

std::size_t designFilesParsed() { return design_files_parsed.load(); }

namespace {

adc::Design readDesign(const fs::path& path) {
  const Json j = loadJsonFile(path);
  const std::string file = path.string();
  FieldReader r(j, file);
  // What the design records for people and provenance; nothing here depends on it.
  for (const char* key : {"provenance", "recipe", "training", "metrics"}) {
    if (r.has(key)) (void)r.raw(key);
  }
  adc::Design d;
  const std::string kind = r.string("kind", std::nullopt);
  if (kind != "stage" && kind != "pipeline") {
    throw InputError("NNADC-DES-001",
                     r.where("kind") + " = '" + kind + "' is not supported (stage, pipeline)");
  }
  if (!r.has("seed")) throw InputError("NNADC-CFG-005", r.where("seed") + " is required");
  d.seed = r.seed("seed", 0);
  d.vdd_v = r.number("vdd_v", std::nullopt, 0.1, 20.0);
  {
    FieldReader rr = r.object("rram");
    d.rram.cell_bits = rr.integer("cell_bits", std::nullopt, 1, 12);
    d.rram.spacing = named(rr, "spacing",
                           [&] { return rram::parseSpacing(rr.string("spacing", std::nullopt)); });
    d.rram.g_max_s = rr.number("g_max_s", std::nullopt, 1e-9, 1.0);
    d.rram.g_min_s = rr.number("g_min_s", std::nullopt, 1e-12, 1.0);
    const std::vector<double> levels_s = rr.numbers("levels_s", 2);
    if (d.rram.spacing == rram::Spacing::kTable) d.rram.table_s = levels_s;
    rr.finish();
    named(r, "rram", [&] {
      d.rram.validate();
      return 0;
    });
    const std::vector<double> built = rram::LevelSet(d.rram).conductances();
    if (levels_s.size() != built.size()) {
      throw InputError("NNADC-DES-001", rr.where("levels_s") + " has " +
                                            std::to_string(levels_s.size()) + " levels; " +
                                            std::to_string(d.rram.cell_bits) + "-bit cells have " +
                                            std::to_string(built.size()));
    }
    // The file records the levels the level set builds (a table spacing stores them as given,
    // and validate() has checked that table rises strictly from 0). JSON keeps doubles exact;
    // the tolerance admits hand-edited files rounded to about ten significant digits.
    for (std::size_t i = 0; i < built.size(); ++i) {
      if (!(std::abs(levels_s[i] - built[i]) <= kLevelTolerance * d.rram.g_max_s)) {
        throw InputError(
            "NNADC-DES-001",
            rr.where("levels_s") + "[" + std::to_string(i) + "] = " + formatDouble(levels_s[i]) +
                " S differs from the level this " + rram::spacingName(d.rram.spacing) +
                " level set builds (" + formatDouble(built[i]) + " S; relative tolerance " +
                formatDouble(kLevelTolerance) + " of g_max_s)");
      }
    }
  }
  if (r.has("inverter")) {
    FieldReader inv = r.object("inverter");
    d.inverter.wn_m = inv.number("wn_m", std::nullopt, 1e-8, 1e-3);
    d.inverter.wp_m = inv.number("wp_m", std::nullopt, 1e-8, 1e-3);
    d.inverter.l_m = inv.number("l_m", std::nullopt, 1e-8, 1e-4);
    d.inverter.nmos = inv.string("nmos", std::nullopt);
    d.inverter.pmos = inv.string("pmos", std::nullopt);
    d.inverter.model_lib = inv.string("model_lib", std::nullopt);
    d.inverter.lib_section = inv.string("lib_section", std::nullopt);
    d.inverter.subckt_devices = inv.boolean("subckt_devices", false);
    inv.finish();
  }
  {
    FieldReader vtc = r.object("vtc");
    d.vtc = readVtc(vtc);
    (void)vtc.number("threshold_v", std::nullopt, 0.0, 20.0);  // recomputed from the table
    (void)vtc.number("peak_gain", std::nullopt, -1e6, 1e6);
    vtc.finish();
  }
  const int levels = rram::LevelSet(d.rram).count();
  const Json& stages = r.raw("stages");
  if (!stages.is_array() || stages.empty()) {
    throw InputError("NNADC-DES-001", r.where("stages") + " must be a non-empty array");
  }
  const bool pipeline = kind == "pipeline";
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string where = "stages[" + std::to_string(i) + "]";
    FieldReader s(stages[i], file, where);
    adc::PipelineStage ps;
    ps.adc = readStage(s, d.vdd_v, levels, where);
    const Json& residue = s.raw("residue");
    if (pipeline && i + 1 < stages.size()) {
      FieldReader res(residue, file, where + ".residue");
      readResidue(res, ps, levels, where);
    } else if (!residue.is_null()) {
      throw InputError("NNADC-DES-001",
                       s.where("residue") + " must be null (a last stage or a single stage)");
    }
    s.finish();
    d.pipeline.stages.push_back(std::move(ps));
  }
  if (pipeline) {
    FieldReader p = r.object("pipeline");
    d.pipeline.bits = p.integer("bits", std::nullopt, 1, 24);
    d.pipeline.redundancy = p.integer("redundancy", std::nullopt, 0, 3);
    d.pipeline.calibrated = p.boolean("calibrated", false);
    const Json& table = p.raw("table_v");
    if (!table.is_array() || table.size() != d.pipeline.stages.size()) {
      throw InputError("NNADC-DES-001", p.where("table_v") + " must have one row per stage");
    }
    // Combination-table entries are voltages referred to the input: a few supplies at most.
    const double limit = 10.0 * d.vdd_v;
    for (std::size_t i = 0; i < table.size(); ++i) {
      const std::size_t need = std::size_t{1} << d.pipeline.stages[i].adc.shape.bits;
      const std::string at = p.where("table_v") + "[" + std::to_string(i) + "]";
      if (!table[i].is_array() || table[i].size() != need) {
        throw InputError("NNADC-DES-001",
                         at + " must have one value per level (" + std::to_string(need) + ")");
      }
      std::vector<double> row;
      for (const Json& v : table[i]) {
        if (!v.is_number() || !std::isfinite(v.get<double>()) ||
            std::abs(v.get<double>()) > limit) {
          throw InputError("NNADC-DES-001", at + " holds " + v.dump() +
                                                ": entries must be finite voltages within +-" +
                                                formatDouble(limit) + " V");
        }
        row.push_back(v.get<double>());
      }
      d.pipeline.table.push_back(std::move(row));
    }
    p.finish();
    if (r.has("segmented")) d.segmented = readSegmented(r.object("segmented"));
  } else {
    if (stages.size() != 1) {
      throw InputError("NNADC-DES-001", r.where("stages") +
                                            " of a design of kind 'stage' must "
                                            "hold exactly one stage");
    }
    d.pipeline = adc::singleStagePipeline(std::move(d.pipeline.stages.front().adc));
  }
  r.finish();
  return d;
}

}  // namespace

adc::Design loadDesign(const fs::path& path) {
  design_files_parsed.fetch_add(1);
  try {
    return readDesign(path);
  } catch (const InputError& e) {
    // A malformed design field is NNADC-DES-001 (the field readers say NNADC-CFG-00n, as for
    // configs); the tables' own checks (VTC, drive, level set) keep their ids.
    if (!startsWith(e.id(), "NNADC-CFG-")) throw;
    throw InputError("NNADC-DES-001", e.message());
  }
}

}  // namespace nnadc::io
