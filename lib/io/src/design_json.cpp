#include "nnadc/io/design_json.h"

#include <algorithm>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/fields.h"
#include "nnadc/io/vtc_json.h"

namespace nnadc::io {

namespace fs = std::filesystem;

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

void readStageTraining(FieldReader t, adc::StageTrainOptions& o) {
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

}  // namespace

StageRecipe loadStageRecipe(const fs::path& path) {
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
  recipe.vtc_file = readVtcPath(r, path);
  recipe.vtc = loadVtc(recipe.vtc_file, &recipe.inverter);
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
  readStageTraining(r.object("training"), recipe.training);
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

PipelineRecipe loadPipelineRecipe(const fs::path& path) {
  PipelineRecipe recipe;
  recipe.raw = loadJsonFile(path);
  FieldReader r(recipe.raw, path.string());
  (void)r.string("note", "");  // free text for people, ignored
  if (r.string("kind", std::nullopt) != "pipeline") {
    throw InputError("NNADC-CFG-007", r.where("kind") + " must be 'pipeline' here");
  }
  recipe.vtc_file = readVtcPath(r, path);
  recipe.vtc = loadVtc(recipe.vtc_file, &recipe.inverter);
  recipe.rram = readRram(r);
  adc::PipelineTrainOptions& o = recipe.training;
  o.target_bits = r.integer("target_bits", 14, 1, 24);
  o.redundancy = r.integer("redundancy", 1, 0, 3);
  readStageTraining(r.object("training"), o.stage);
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
    FieldReader a = s.object("amplifier");
    p.amplifier.gain_error = a.number("gain_error", 0.0, -0.5, 0.5);
    p.amplifier.offset_v = a.number("offset_v", 0.0, -1.0, 1.0);
    p.amplifier.a2_per_v = a.number("a2_per_v", 0.0, -100.0, 100.0);
    p.amplifier.a3_per_v2 = a.number("a3_per_v2", 0.0, -1000.0, 1000.0);
    a.finish();
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
  return recipe;
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
  j["kind"] = design.kind;
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
  std::vector<adc::StageDesign> adcs = design.stages;
  if (design.kind == "pipeline") {
    adcs.clear();
    for (const auto& st : design.pipeline.stages) adcs.push_back(st.adc);
  }
  for (std::size_t si = 0; si < adcs.size(); ++si) {
    const adc::StageDesign& s = adcs[si];
    Json st;
    st["bits"] = s.shape.bits;
    st["hidden"] = s.shape.hidden;
    st["input_range_v"] = {s.shape.input_lo_v, s.shape.input_hi_v};
    st["code"] = {{"kind", adc::codeKindName(s.shape.code.kind)},
                  {"outputs", s.shape.code.outputs},
                  {"words", s.shape.code.words}};
    Json table = Json::array();
    for (const auto& [word, level] : s.decoder_table) table.push_back({word, level});
    st["decoder"] = {{"rule", "table, then nearest codeword"}, {"table", table}};
    st["residue"] = nullptr;
    if (design.kind == "pipeline" && si + 1 < adcs.size()) {
      const adc::PipelineStage& ps = design.pipeline.stages[si];
      Json res = {{"style", adc::residueStyleName(ps.residue)}, {"gain", ps.gain}};
      if (ps.residue == adc::ResidueStyle::kAmplifier) {
        res["amplifier"] = {{"gain_error", ps.amplifier.gain_error},
                            {"offset_v", ps.amplifier.offset_v},
                            {"a2_per_v", ps.amplifier.a2_per_v},
                            {"a3_per_v2", ps.amplifier.a3_per_v2}};
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
  if (design.kind == "pipeline") {
    j["pipeline"] = {{"bits", design.pipeline.bits},
                     {"redundancy", design.pipeline.redundancy},
                     {"calibrated", design.pipeline.calibrated},
                     {"table_v", design.pipeline.table}};
  }
  j["training"] = training;
  j["metrics"] = metrics;
  return j;
}

adc::Design loadDesign(const fs::path& path) {
  const Json j = loadJsonFile(path);
  const std::string file = path.string();
  const auto fail = [&](const std::string& what) {
    throw InputError("NNADC-DES-001", "'" + file + "': " + what);
  };
  adc::Design d;
  try {
    d.kind = j.at("kind").get<std::string>();
    if (d.kind != "stage" && d.kind != "pipeline") {
      fail("field 'kind' = '" + d.kind + "' is not supported (stage, pipeline)");
    }
    d.seed = j.at("seed").get<std::uint64_t>();
    d.vdd_v = j.at("vdd_v").get<double>();
    const Json& rr = j.at("rram");
    d.rram.cell_bits = rr.at("cell_bits").get<int>();
    d.rram.spacing = rram::parseSpacing(rr.at("spacing").get<std::string>());
    d.rram.g_max_s = rr.at("g_max_s").get<double>();
    d.rram.g_min_s = rr.at("g_min_s").get<double>();
    if (d.rram.spacing == rram::Spacing::kTable) {
      d.rram.table_s = rr.at("levels_s").get<std::vector<double>>();
    }
    d.rram.validate();
    if (j.contains("inverter")) {
      const Json& inv = j.at("inverter");
      d.inverter.wn_m = inv.at("wn_m").get<double>();
      d.inverter.wp_m = inv.at("wp_m").get<double>();
      d.inverter.l_m = inv.at("l_m").get<double>();
      d.inverter.nmos = inv.at("nmos").get<std::string>();
      d.inverter.pmos = inv.at("pmos").get<std::string>();
      d.inverter.model_lib = inv.at("model_lib").get<std::string>();
      d.inverter.lib_section = inv.at("lib_section").get<std::string>();
      d.inverter.subckt_devices = inv.at("subckt_devices").get<bool>();
    }
    try {
      FieldReader vtc(j.at("vtc"), file, "vtc");
      d.vtc = readVtc(vtc);
    } catch (const InputError& e) {
      // A malformed design field is NNADC-DES-001 here; the table's own checks keep their ids.
      if (!startsWith(e.id(), "NNADC-CFG-")) throw;
      throw InputError("NNADC-DES-001", e.message());
    }
    const int levels = rram::LevelSet(d.rram).count();
    const Json& stages = j.at("stages");
    if (!stages.is_array() || stages.empty()) fail("field 'stages' must be a non-empty array");
    for (std::size_t i = 0; i < stages.size(); ++i) {
      const Json& s = stages[i];
      const std::string where = "stages[" + std::to_string(i) + "]";
      adc::StageDesign st;
      st.shape.bits = s.at("bits").get<int>();
      st.shape.hidden = s.at("hidden").get<int>();
      if (st.shape.hidden < 1) fail(where + ".hidden must be >= 1");
      const auto range = s.at("input_range_v").get<std::vector<double>>();
      if (range.size() != 2 || !(range[0] < range[1])) fail(where + ".input_range_v is invalid");
      st.shape.input_lo_v = range[0];
      st.shape.input_hi_v = range[1];
      st.shape.vdd_v = d.vdd_v;
      const Json& code = s.at("code");
      st.shape.code = adc::OutputCode::make(adc::parseCodeKind(code.at("kind").get<std::string>()),
                                            st.shape.bits, code.at("outputs").get<int>());
      if (code.at("words").get<std::vector<adc::Word>>() != st.shape.code.words) {
        fail(where + ".code.words differ from the " + code.at("kind").get<std::string>() +
             " code this version builds");
      }
      st.cells.hidden = matrixFrom(s.at("cells").at("hidden"), st.shape.hidden, adc::kInputRows,
                                   levels, where + ".cells.hidden");
      st.cells.output = matrixFrom(s.at("cells").at("output"), st.shape.outputs(),
                                   st.shape.outputRows(), levels, where + ".cells.output");
      for (const Json& entry : s.at("decoder").at("table")) {
        const int level = entry.at(1).get<int>();
        if (level < 0 || level >= st.shape.code.levels()) {
          fail(where + ".decoder.table level " + std::to_string(level) + " is out of range");
        }
        st.decoder_table.emplace_back(entry.at(0).get<adc::Word>(), level);
      }
      if (d.kind == "pipeline") {
        adc::PipelineStage ps;
        ps.adc = st;
        if (i + 1 < stages.size()) {
          const Json& res = s.at("residue");
          ps.residue = adc::parseResidueStyle(res.at("style").get<std::string>());
          ps.gain = res.at("gain").get<double>();
          if (ps.residue == adc::ResidueStyle::kAmplifier) {
            const Json& a = res.at("amplifier");
            ps.amplifier = {a.at("gain_error").get<double>(), a.at("offset_v").get<double>(),
                            a.at("a2_per_v").get<double>(), a.at("a3_per_v2").get<double>()};
          } else {
            const Json& net = res.at("network");
            ps.network.hidden = net.at("hidden").get<int>();
            if (ps.network.hidden < 1) fail(where + ".residue.network.hidden must be >= 1");
            const Eigen::Index in_rows = 4 + 2 * st.shape.outputs();
            ps.network.hidden_cells = matrixFrom(net.at("cells").at("hidden"), ps.network.hidden,
                                                 in_rows, levels, where + ".residue.cells.hidden");
            ps.network.output_cells =
                matrixFrom(net.at("cells").at("output"), 1, 2 * ps.network.hidden + in_rows, levels,
                           where + ".residue.cells.output");
          }
        }
        d.pipeline.stages.push_back(ps);
      }
      d.stages.push_back(std::move(st));
    }
    if (d.kind == "pipeline") {
      const Json& p = j.at("pipeline");
      d.pipeline.bits = p.at("bits").get<int>();
      d.pipeline.redundancy = p.at("redundancy").get<int>();
      d.pipeline.calibrated = p.at("calibrated").get<bool>();
      d.pipeline.table = p.at("table_v").get<std::vector<std::vector<double>>>();
      if (d.pipeline.table.size() != d.pipeline.stages.size()) {
        fail("field 'pipeline.table_v' must have one row per stage");
      }
      for (std::size_t i = 0; i < d.pipeline.table.size(); ++i) {
        if (d.pipeline.table[i].size() != static_cast<std::size_t>(1 << d.stages[i].shape.bits)) {
          fail("pipeline.table_v[" + std::to_string(i) + "] must have one value per level");
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("not a valid design file: ") + e.what());
  }
  return d;
}

}  // namespace nnadc::io
