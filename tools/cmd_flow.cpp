// nnadc flow --config F -o DIR: the whole mission in one folder. characterize (the inverter, in
// SPICE) -> train a recipe on that VTC, or reuse a trained design -> eval (behavioural) -> emit
// (every bench and dialect) -> sim static and transient (ngspice, worker processes) -> summary.
// Each step is the subcommand of the same name, run in process with the arguments it would get
// on the command line, so every artefact is exactly what that subcommand writes.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "app.h"
#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace nnadc::cli {

namespace {

namespace fs = std::filesystem;

// Survey records the summary sets our figures against (../shared/PAPERS.md, Murmann ADC survey).
constexpr double kSurveySchreierEnvelopeDb = 186.7;
constexpr double kSurveyBestPipelineWaldenJ = 7.28e-15;  // pure pipeline, 28 nm, 1 GS/s
constexpr double kSurveyBestPipelinedSarWaldenJ = 1.78e-15;

struct FlowOptions {
  CommonOptions common;
  std::string design;
  std::string recipe;
  int points = 4096;
  int samples = 1024;
  double fs_hz = 10e6;
  int workers = 0;
  double variation_sigma = 0.01;
  int draws = 20;
  bool skip_transient = false;
  double timeout_s = 1800.0;
  double require_agreement = 0.0;
  int train_iterations = 0;
};

std::string num(double v, int digits = 4) {
  if (!std::isfinite(v)) return "n/a";
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

double field(const io::Json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nan("");
  return j[key].get<double>();
}

class Flow {
 public:
  Flow(const FlowOptions& o, Logger& logger) : o_(o), logger_(logger), dir_(o.common.output) {}

  // One subcommand, in process. Its errors propagate with the step named.
  int step(const std::string& name, std::vector<std::string> args) {
    logger_.info("flow: " + name + ": nnadc " + join(args));
    args.insert(args.begin(), "nnadc");
    if (o_.common.quiet) args.emplace_back("--quiet");
    const auto start = std::chrono::steady_clock::now();
    int code = 0;
    try {
      code = runApp(args, /*rethrow=*/true);
    } catch (const InputError& e) {
      throw InputError(e.id(), "flow step '" + name + "': " + e.message());
    } catch (const SimulationError& e) {
      throw SimulationError(e.id(), "flow step '" + name + "': " + e.message());
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timings_[name] = s;
    if (code != kExitOk && code != kExitCheckFailed) {
      throw InputError("NNADC-CLI-002", "flow step '" + name + "' exited with code " +
                                            std::to_string(code) + " (see the message above)");
    }
    return code;
  }

  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }
  [[nodiscard]] const io::Json& timings() const { return timings_; }

 private:
  static std::string join(const std::vector<std::string>& a) {
    std::string s;
    for (const auto& x : a) s += (s.empty() ? "" : " ") + x;
    return s;
  }
  const FlowOptions& o_;
  Logger& logger_;
  fs::path dir_;
  io::Json timings_ = io::Json::object();
};

// The recipe with its "vtc" pointing at the flow's own characterisation (relative paths inside
// the recipe are resolved from the recipe's folder, so it is written next to the VTC).
void writeRecipe(const std::string& recipe, const std::string& vtc_name, const std::string& out) {
  io::Json j = io::loadJsonFile(recipe);
  if (!j.is_object()) {
    throw InputError("NNADC-CFG-002", "'" + recipe + "' must hold a JSON object (a recipe)");
  }
  j["vtc"] = vtc_name;
  io::writeFileAtomic(out, io::dumpJson(j));
}

std::string dialectExt(const std::string& dialect) {
  return dialect == "spectre" ? ".scs" : (dialect == "xyce" ? ".xyce.cir" : ".cir");
}

int runFlow(CLI::App& sub, FlowOptions& o) {
  // Paths in a config file are relative to that file (as a recipe's "vtc" is); on the command
  // line, to the working directory.
  const bool design_on_cli = sub.get_option("--design")->count() > 0;
  const bool recipe_on_cli = sub.get_option("--recipe")->count() > 0;
  applyConfigFile(sub, o.common);
  const fs::path config_dir = fs::path(o.common.config_file).parent_path();
  for (auto [value, on_cli] : {std::pair{&o.design, design_on_cli}, {&o.recipe, recipe_on_cli}}) {
    if (!on_cli && !value->empty() && fs::path(*value).is_relative()) {
      *value = (config_dir / *value).lexically_normal().string();
    }
  }
  StderrLogger logger(&o.common.quiet);
  if (o.design.empty() == o.recipe.empty()) {
    throw InputError("NNADC-CFG-005",
                     "nnadc flow needs exactly one of --design (reuse a trained design) or "
                     "--recipe (train one); got " +
                         std::string(o.design.empty() ? "neither" : "both"));
  }
  if (o.points < 16 || o.points > (1 << 20)) {
    throw InputError("NNADC-CFG-003", "field 'points' = " + std::to_string(o.points) +
                                          " is outside the allowed range [16, 1048576]");
  }
  if (!o.skip_transient && (o.samples < 64 || o.samples > (1 << 16))) {
    throw InputError("NNADC-CFG-003", "field 'samples' = " + std::to_string(o.samples) +
                                          " is outside the allowed range [64, 65536]");
  }
  if (!(o.require_agreement >= 0.0 && o.require_agreement <= 1.0)) {
    throw InputError("NNADC-CFG-003", "field 'require-agreement' must be in [0, 1]");
  }
  for (const std::string* f : {&o.design, &o.recipe}) {
    std::error_code ec;
    if (!f->empty() && !fs::is_regular_file(*f, ec)) {
      throw InputError("NNADC-CFG-008", "field '" +
                                            std::string(f == &o.design ? "design" : "recipe") +
                                            "': file '" + *f + "' does not exist");
    }
  }
  std::error_code ec;
  fs::create_directories(fs::path(o.common.output) / "netlists", ec);
  if (ec) {
    throw InputError("NNADC-IO-001",
                     "cannot create the flow folder '" + o.common.output + "': " + ec.message());
  }
  const auto start = std::chrono::steady_clock::now();
  Flow flow(o, logger);
  const std::string seed = o.common.seed ? std::to_string(*o.common.seed) : "";
  const std::string workers = std::to_string(o.workers);

  // 1. The inverter, characterised in SPICE.
  flow.step("characterize", {"characterize", "-o", flow.path("vtc.json"), "--deck",
                             flow.path("netlists/inverter.cir")});
  // 2. The design: trained on that VTC, or reused (and checked against it).
  const std::string design = flow.path("design.json");
  if (!o.recipe.empty()) {
    writeRecipe(o.recipe, "vtc.json", flow.path("recipe.json"));
    std::vector<std::string> args = {"train", "--config", flow.path("recipe.json"), "-o", design};
    if (o.train_iterations > 0) {
      args.insert(args.end(), {"--iterations", std::to_string(o.train_iterations)});
    }
    if (!seed.empty()) args.insert(args.end(), {"--seed", seed});
    flow.step("train", args);
  } else {
    io::writeFileAtomic(design, io::readTextFile(o.design));
    const io::Json d = io::loadJsonFile(design);
    const io::Json v = io::loadJsonFile(flow.path("vtc.json"));
    if (d.contains("vtc") && d["vtc"].contains("threshold_v")) {
      const double dv =
          std::abs(d["vtc"]["threshold_v"].get<double>() - v["threshold_v"].get<double>());
      if (dv > 1e-3) {
        logger.warning(
            "flow: the design was trained on an inverter whose switching point differs "
            "from this characterisation by " +
            num(dv * 1e3, 3) +
            " mV (another model card or sizing?): SPICE will not match the model");
      }
    }
  }
  // 3. Behavioural figures (nominal and RRAM-variation Monte-Carlo).
  {
    std::vector<std::string> args = {"eval", "--design", design, "-o",
                                     flow.path("behavioural.json")};
    if (o.draws > 0 && o.variation_sigma > 0.0) {
      args.insert(args.end(), {"--variation-sigma", num(o.variation_sigma, 17), "--draws",
                               std::to_string(o.draws)});
    }
    if (!seed.empty()) args.insert(args.end(), {"--seed", seed});
    flow.step("eval", args);
  }
  // 4. Netlists: every bench in every dialect (ngspice's are the ones simulated below).
  for (const std::string bench : {"static", "transient"}) {
    for (const std::string dialect : {"ngspice", "spectre", "xyce"}) {
      const std::string out = flow.path("netlists/" + bench + dialectExt(dialect));
      std::vector<std::string> args = {"emit",      "--design", design, "--bench", bench,
                                       "--dialect", dialect,    "-o",   out};
      if (bench == "static") args.insert(args.end(), {"--points", std::to_string(o.points)});
      if (bench == "transient") {
        args.insert(args.end(), {"--samples", std::to_string(o.samples), "--fs", num(o.fs_hz, 17)});
      }
      flow.step("emit " + bench + " " + dialect, args);
    }
  }
  // 5. SPICE: the static bench (codes vs the behavioural model) and the clocked transient.
  flow.step("sim static", {"sim", "--design", design, "--bench", "static", "--points",
                           std::to_string(o.points), "--workers", workers, "--timeout",
                           num(o.timeout_s, 17), "-o", flow.path("static.json")});
  // The static sine (FFT ENOB from DC operating points) is a pipeline bench; a single stage's
  // static figure is its ramp ENOB.
  const bool pipeline = io::loadJsonFile(design).value("kind", std::string()) == "pipeline";
  if (pipeline) {
    flow.step("sim static sine",
              {"sim", "--design", design, "--bench", "static", "--static-sine", "--points",
               std::to_string(o.points), "--workers", workers, "--timeout", num(o.timeout_s, 17),
               "-o", flow.path("static_sine.json")});
  }
  if (!o.skip_transient) {
    flow.step("sim transient",
              {"sim", "--design", design, "--bench", "transient", "--samples",
               std::to_string(o.samples), "--fs", num(o.fs_hz, 17), "--workers", workers,
               "--timeout", num(o.timeout_s, 17), "-o", flow.path("transient.json")});
  }

  // 6. Summary.
  const io::Json beh = io::loadJsonFile(flow.path("behavioural.json"));
  const io::Json stat = io::loadJsonFile(flow.path("static.json"));
  const io::Json ssine =
      pipeline ? io::loadJsonFile(flow.path("static_sine.json")) : io::Json::object();
  const io::Json tran =
      o.skip_transient ? io::Json::object() : io::loadJsonFile(flow.path("transient.json"));
  io::Json s;
  s["design"] = o.recipe.empty() ? o.design : o.recipe;
  s["trained"] = !o.recipe.empty();
  s["behavioural"] = {{"enob", beh.value("enob", io::Json())},
                      {"sndr_db", beh.value("sndr_db", io::Json())},
                      {"missing_codes", beh.value("missing_codes", io::Json())}};
  if (beh.contains("variation")) s["behavioural"]["variation"] = beh["variation"];
  s["static"] = {{"points", o.points},
                 {"enob", stat.value("enob", io::Json())},
                 {"ramp_enob", stat.value("ramp_enob", io::Json())},
                 {"agreement", stat.value("agreement", io::Json())},
                 {"behavioural_ramp_enob", stat.value("behavioural_ramp_enob", io::Json())},
                 {"dnl_lsb_min", stat.value("dnl_lsb_min", io::Json())},
                 {"dnl_lsb_max", stat.value("dnl_lsb_max", io::Json())},
                 {"inl_lsb_min", stat.value("inl_lsb_min", io::Json())},
                 {"inl_lsb_max", stat.value("inl_lsb_max", io::Json())},
                 {"missing_codes", stat.value("missing_codes", io::Json())},
                 {"conversions_per_s", stat.value("conversions_per_s", io::Json())}};
  if (pipeline) {
    s["static_sine"] = {{"samples", o.points},
                        {"enob", ssine.value("enob", io::Json())},
                        {"enob_sinefit", ssine.value("enob_sinefit", io::Json())},
                        {"behavioural_enob", ssine.value("behavioural_enob", io::Json())},
                        {"sndr_db", ssine.value("sndr_db", io::Json())},
                        {"sfdr_db", ssine.value("sfdr_db", io::Json())},
                        {"agreement", ssine.value("agreement", io::Json())},
                        {"power_w", ssine.value("power_w", io::Json())}};
  }
  if (!o.skip_transient) {
    s["transient"] = {{"samples", o.samples},
                      {"fs_hz", tran.value("fs_hz", io::Json())},
                      {"enob", tran.value("enob", io::Json())},
                      {"sndr_db", tran.value("sndr_db", io::Json())},
                      {"sfdr_db", tran.value("sfdr_db", io::Json())},
                      {"thd_db", tran.value("thd_db", io::Json())},
                      {"power_w", tran.value("power_w", io::Json())},
                      {"power_per_stage_w", tran.value("power_per_stage_w", io::Json())},
                      {"fom_walden_j", tran.value("fom_walden_j", io::Json())},
                      {"fom_schreier_db", tran.value("fom_schreier_db", io::Json())}};
  }
  s["survey"] = {{"schreier_envelope_db", kSurveySchreierEnvelopeDb},
                 {"best_pipeline_walden_j", kSurveyBestPipelineWaldenJ},
                 {"best_pipelined_sar_walden_j", kSurveyBestPipelinedSarWaldenJ},
                 {"source", "Murmann ADC survey, as quoted in ../shared/PAPERS.md"}};
  s["step_seconds"] = flow.timings();
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s["elapsed_s"] = total_s;
  io::Provenance provenance;
  provenance.command = "flow";
  provenance.config = effectiveConfig(sub);
  s["provenance"] = io::provenanceJson(provenance);
  io::writeFileAtomic(flow.path("summary.json"), io::dumpJson(s));

  // The same, for people.
  std::ostringstream md;
  md << "# nnadc flow summary\n\n"
     << "Design: `" << s["design"].get<std::string>() << "` ("
     << (o.recipe.empty() ? "reused" : "trained on this characterisation") << ")\n\n"
     << "| figure | behavioural model | SPICE static | SPICE transient |\n|---|---|---|---|\n";
  const double t_enob = field(tran, "enob");
  md << "| ENOB, sine (" << (1 << 16) << " / " << o.points << " / " << o.samples << " samples) | "
     << num(field(beh, "enob")) << " | " << num(field(ssine, "enob")) << " | " << num(t_enob)
     << " |\n";
  md << "| ENOB, ramp vs ideal levels (" << o.points << " points) | "
     << num(field(stat, "behavioural_ramp_enob")) << " | " << num(field(stat, "ramp_enob"))
     << " | |\n";
  md << "| codes identical to the model (ramp / sine) | | " << num(100.0 * field(stat, "agreement"))
     << " % / " << num(100.0 * field(ssine, "agreement")) << " % | "
     << num(100.0 * field(tran, "agreement")) << " % |\n";
  md << "| SNDR [dB] | " << num(field(beh, "sndr_db")) << " | " << num(field(ssine, "sndr_db"))
     << " | " << num(field(tran, "sndr_db")) << " |\n";
  md << "| SFDR [dB] | " << num(field(beh, "sfdr_db")) << " | " << num(field(ssine, "sfdr_db"))
     << " | " << num(field(tran, "sfdr_db")) << " |\n";
  if (!o.skip_transient) {
    md << "\nTransient at fs = " << num(field(tran, "fs_hz")) << " Hz, " << o.samples
       << " samples: power " << num(field(tran, "power_w")) << " W (per stage:";
    if (tran.contains("power_per_stage_w")) {
      for (const auto& p : tran["power_per_stage_w"]) md << ' ' << num(p.get<double>(), 3);
    }
    md << "), Walden FoM " << num(field(tran, "fom_walden_j")) << " J/conv-step (survey: best "
       << "pipeline " << kSurveyBestPipelineWaldenJ << ", best pipelined SAR "
       << kSurveyBestPipelinedSarWaldenJ << "), Schreier FoM "
       << num(field(tran, "fom_schreier_db")) << " dB (survey envelope "
       << kSurveySchreierEnvelopeDb << " dB).\n";
    md << "Power is the SPICE supply current of the NN sub-ADCs and their RRAM arrays; the "
          "residue amplifiers and sample-and-holds are ideal behavioural sources and draw "
          "none (docs/spice.md).\n";
  }
  md << "\nArtefacts: vtc.json, design.json, behavioural.json, static.json"
     << (pipeline ? ", static_sine.json" : "") << (o.skip_transient ? "" : ", transient.json")
     << ", netlists/ (inverter, static and transient benches for ngspice, Spectre, Xyce), "
        "summary.json. Total "
     << num(total_s, 3) << " s.\n";
  io::writeFileAtomic(flow.path("summary.md"), md.str());

  const double agree = field(stat, "agreement");
  const double static_enob = pipeline ? field(ssine, "enob") : field(stat, "ramp_enob");
  printSummary(o.common, "flow: static ENOB " + num(static_enob) + ", " + num(100.0 * agree) +
                             "% codes as the model, transient ENOB " + num(t_enob) + ", power " +
                             num(field(tran, "power_w"), 3) + " W, " + num(total_s, 3) + " s -> " +
                             o.common.output);
  if (o.require_agreement > 0.0 && !(agree >= o.require_agreement)) {
    logger.warning("flow: SPICE static codes agree with the model for " + num(100.0 * agree) +
                   "% of inputs, below the required " + num(100.0 * o.require_agreement) + "%");
    return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace

void addFlowCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<FlowOptions>();
  CLI::App* sub = app.add_subcommand(
      "flow",
      "characterize -> train (or reuse) -> eval -> emit -> sim static and transient -> summary, "
      "into one folder");
  addCommonOptions(*sub, options->common, "flow");
  sub->get_option("--output")->description("Output folder (created; every artefact goes in it)");
  auto& o = *options;
  sub->add_option("--design", o.design, "Reuse this trained design JSON");
  sub->add_option("--recipe", o.recipe,
                  "Train this recipe instead (its VTC is replaced by the flow's own "
                  "characterisation)");
  sub->add_option("--points", o.points,
                  "Static benches: inputs (ramp: one per bin; static sine: samples)")
      ->capture_default_str();
  sub->add_option("--samples", o.samples, "Transient bench: samples of the coherent sine")
      ->capture_default_str();
  sub->add_option("--fs", o.fs_hz, "Transient bench: sample rate [Hz]")->capture_default_str();
  sub->add_option("--workers", o.workers, "Simulation worker processes (0 = number of cores)")
      ->capture_default_str();
  sub->add_option("--variation-sigma", o.variation_sigma,
                  "Behavioural Monte-Carlo: lognormal RRAM programming sigma (0 = skip)")
      ->capture_default_str();
  sub->add_option("--draws", o.draws, "Behavioural Monte-Carlo draws (0 = skip)")
      ->capture_default_str();
  sub->add_flag("--skip-transient", o.skip_transient, "Do not run the transient bench");
  sub->add_option("--timeout", o.timeout_s, "Per simulation job wall-clock limit [s]")
      ->capture_default_str();
  sub->add_option("--train-iterations", o.train_iterations,
                  "--recipe: training iterations per stage (0 = the recipe's)")
      ->capture_default_str();
  sub->add_option("--require-agreement", o.require_agreement,
                  "Exit 1 if fewer than this fraction of static codes match the model")
      ->capture_default_str();
  sub->callback([sub, options, &exit_code] { exit_code = runFlow(*sub, *options); });
}

}  // namespace nnadc::cli
