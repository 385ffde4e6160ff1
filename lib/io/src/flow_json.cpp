#include "nnadc/io/flow_json.h"

#include <cmath>
#include <sstream>

#include "nnadc/core/check.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/io/file.h"
#include "nnadc/io/results_json.h"
#include "nnadc/io/vtc_json.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::io {

namespace fs = std::filesystem;

namespace {

std::string num(double v, int digits = 4) {
  if (!std::isfinite(v)) return "n/a";
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

double field(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nan("");
  return j[key].get<double>();
}

Json pick(const Json& from, std::initializer_list<const char*> keys) {
  Json j = Json::object();
  for (const char* k : keys) j[k] = from.is_object() ? from.value(k, Json()) : Json();
  return j;
}

std::string dialectExt(spice::Dialect dialect) {
  return dialect == spice::Dialect::kSpectre
             ? ".scs"
             : (dialect == spice::Dialect::kXyce ? ".xyce.cir" : ".cir");
}

Provenance provenanceOf(const std::string& command, const Json& config, std::string ngspice) {
  Provenance p;
  p.command = command;
  p.config = config;
  p.ngspice_version = std::move(ngspice);
  return p;
}

}  // namespace

FlowOptions::FlowOptions() {
  bench.deck.points = 4096;
  bench.deck.samples = 1024;
  bench.deck.fs_hz = 10e6;
  bench.timeout_s = 1800.0;
  variation.draws = 20;
}

void FlowOptions::validate() const {
  characterize.validate();
  bench.deck.validate();
  sim::validateTimeout(bench.timeout_s);
  if (run_variation) variation.validate();
  requireInRange("NNADC-CFG-003", "require-agreement", require_agreement, 0.0, 1.0);
}

std::vector<FlowBench> flowBenches(const adc::Design& design, const FlowOptions& options) {
  std::vector<FlowBench> benches;
  FlowBench b{"static", "static.json", options.bench};
  b.options.deck.bench = spice::Bench::kStatic;
  benches.push_back(b);
  // The static sine (FFT ENOB from DC operating points) is a pipeline bench; a single stage's
  // static figure is its ramp ENOB.
  if (!design.singleStage()) {
    FlowBench s{"static sine", "static_sine.json", b.options};
    s.options.deck.static_sine = true;
    benches.push_back(s);
  }
  if (!options.skip_transient) {
    FlowBench t{"transient", "transient.json", options.bench};
    t.options.deck.bench = spice::Bench::kTransient;
    benches.push_back(t);
  }
  return benches;
}

FlowWriter::FlowWriter(fs::path dir, Logger& logger)
    : dir_(std::move(dir)), logger_(logger), start_(std::chrono::steady_clock::now()) {
  std::error_code ec;
  fs::create_directories(dir_ / "netlists", ec);
  if (ec) {
    throw InputError("NNADC-IO-001",
                     "cannot create the flow folder '" + dir_.string() + "': " + ec.message());
  }
}

void FlowWriter::record(const std::string& name, std::chrono::steady_clock::time_point start) {
  timings_[name] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string FlowWriter::path(const std::string& name) const { return (dir_ / name).string(); }

void FlowWriter::writeJson(const std::string& name, const Json& json) {
  writeFileAtomic(path(name), dumpJson(json));
}

void FlowWriter::writeVtc(const sim::CharacterizeOptions& options, const sim::Characterization& c) {
  ngspice_version_ = c.ngspice_version;
  writeJson("vtc.json",
            vtcFileJson(vtcRecord(options, c),
                        provenanceOf("characterize", Json::object(), c.ngspice_version)));
  writeFileAtomic(path("netlists/inverter.cir"), c.deck);
}

void FlowWriter::writeDesign(const adc::Design& design, const Recipe& recipe,
                             const eval::TrainSummary& trained) {
  const auto& t =
      recipe.request.stage ? recipe.request.stage_training : recipe.request.pipeline_training.stage;
  Provenance p = provenanceOf(
      "train",
      {{"recipe", path("recipe.json")}, {"iterations", t.iterations}, {"restarts", t.restarts}},
      "");
  p.seed = design.seed;
  writeJson("design.json", designJson(design, p, recipe.raw, trainingJson(recipe.request, trained),
                                      evalJson(trained.metrics)));
}

void FlowWriter::copyDesign(const fs::path& file, const adc::Design& design, const Vtc& vtc) {
  writeFileAtomic(path("design.json"), readTextFile(file));
  const double dv = std::abs(design.vtc.threshold_v - vtc.threshold_v);
  if (dv > 1e-3) {
    logger_.warning(
        "flow: the design was trained on an inverter whose switching point differs from this "
        "characterisation by " +
        num(dv * 1e3, 3) + " mV (another model card or sizing?): SPICE will not match the model");
  }
}

void FlowWriter::writeBehavioural(const adc::Design& design, const FlowOptions& options) {
  pipeline_ = !design.singleStage();
  behavioural_ = evalJson(eval::evaluate(design));
  // RRAM Monte-Carlo needs a combination table to recalibrate: pipelines only.
  if (options.run_variation && pipeline_) {
    behavioural_["variation"] = variationJson(mc::variationStudy(design, options.variation));
  }
  Provenance p = provenanceOf("eval", Json::object(), "");
  p.seed = design.seed;
  behavioural_["provenance"] = provenanceJson(p);
  writeJson("behavioural.json", behavioural_);
}

void FlowWriter::writeNetlists(const adc::Design& design, const FlowOptions& options) {
  for (const spice::Bench bench : {spice::Bench::kStatic, spice::Bench::kTransient}) {
    for (const spice::Dialect dialect :
         {spice::Dialect::kNgspice, spice::Dialect::kSpectre, spice::Dialect::kXyce}) {
      spice::DeckOptions deck = options.bench.deck;
      deck.bench = bench;
      deck.dialect = dialect;
      writeFileAtomic(path("netlists/" + spice::benchName(bench) + dialectExt(dialect)),
                      spice::designDeck(design, deck));
    }
  }
}

void FlowWriter::writeBench(const FlowBench& bench, const eval::BenchSummary& summary) {
  Json j = benchJson(summary, path("design.json"));
  j["provenance"] = provenanceJson(provenanceOf("sim", Json::object(), ngspice_version_));
  writeJson(bench.file, j);
  benches_[bench.label] = std::move(j);
}

Json FlowWriter::writeSummary(const std::string& design_name, bool trained,
                              const FlowOptions& options, const Json& config) {
  const Json& beh = behavioural_;
  const Json stat = benches_.value("static", Json::object());
  const Json ssine = benches_.value("static sine", Json::object());
  const Json tran = benches_.value("transient", Json::object());
  const int points = options.bench.deck.points;
  const int samples = options.bench.deck.samples;
  Json s;
  s["design"] = design_name;
  s["trained"] = trained;
  s["behavioural"] = pick(beh, {"enob", "sndr_db", "missing_codes", "samples"});
  if (beh.contains("variation")) s["behavioural"]["variation"] = beh["variation"];
  s["static"] = pick(
      stat, {"enob", "ramp_enob", "agreement", "behavioural_ramp_enob", "dnl_lsb_min",
             "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max", "missing_codes", "conversions_per_s"});
  s["static"]["points"] = points;
  if (pipeline_) {
    s["static_sine"] = pick(ssine, {"enob", "enob_sinefit", "behavioural_enob", "sndr_db",
                                    "sfdr_db", "agreement", "power_w"});
    s["static_sine"]["samples"] = points;
  }
  if (!options.skip_transient) {
    s["transient"] = pick(tran, {"fs_hz", "enob", "sndr_db", "sfdr_db", "thd_db", "power_w",
                                 "power_per_stage_w", "fom_walden_j", "fom_schreier_db"});
    s["transient"]["samples"] = samples;
  }
  s["survey"] = {{"schreier_envelope_db", eval::kSurveySchreierEnvelopeDb},
                 {"best_pipeline_walden_j", eval::kSurveyBestPipelineWaldenJ},
                 {"best_pipelined_sar_walden_j", eval::kSurveyBestPipelinedSarWaldenJ},
                 {"source", "Murmann ADC survey, as quoted in ../shared/PAPERS.md"}};
  s["step_seconds"] = timings_;
  // What the run cost in set-up (tests hold flow to one of each).
  s["worker_pools_started"] = sim::WorkerPool::poolsStarted();
  s["design_files_parsed"] = designFilesParsed();
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  s["elapsed_s"] = total_s;
  s["provenance"] = provenanceJson(provenanceOf("flow", config, ngspice_version_));
  writeJson("summary.json", s);

  std::ostringstream md;
  md << "# nnadc flow summary\n\n"
     << "Design: `" << design_name << "` ("
     << (trained ? "trained on this characterisation" : "reused") << ")\n\n"
     << "| figure | behavioural model | SPICE static | SPICE transient |\n|---|---|---|---|\n";
  md << "| ENOB, sine (" << beh.value("samples", Json()).dump() << " / " << points << " / "
     << samples << " samples) | " << num(field(beh, "enob")) << " | " << num(field(ssine, "enob"))
     << " | " << num(field(tran, "enob")) << " |\n";
  md << "| ENOB, ramp vs ideal levels (" << points << " points) | "
     << num(field(stat, "behavioural_ramp_enob")) << " | " << num(field(stat, "ramp_enob"))
     << " | |\n";
  md << "| codes identical to the model (ramp / sine) | | " << num(100.0 * field(stat, "agreement"))
     << " % / " << num(100.0 * field(ssine, "agreement")) << " % | "
     << num(100.0 * field(tran, "agreement")) << " % |\n";
  md << "| SNDR [dB] | " << num(field(beh, "sndr_db")) << " | " << num(field(ssine, "sndr_db"))
     << " | " << num(field(tran, "sndr_db")) << " |\n";
  md << "| SFDR [dB] | " << num(field(beh, "sfdr_db")) << " | " << num(field(ssine, "sfdr_db"))
     << " | " << num(field(tran, "sfdr_db")) << " |\n";
  if (!options.skip_transient) {
    md << "\nTransient at fs = " << num(field(tran, "fs_hz")) << " Hz, " << samples
       << " samples: power " << num(field(tran, "power_w")) << " W (per stage:";
    if (tran.contains("power_per_stage_w")) {
      for (const auto& p : tran["power_per_stage_w"]) md << ' ' << num(p.get<double>(), 3);
    }
    md << "), Walden FoM " << num(field(tran, "fom_walden_j")) << " J/conv-step (survey: best "
       << "pipeline " << eval::kSurveyBestPipelineWaldenJ << ", best pipelined SAR "
       << eval::kSurveyBestPipelinedSarWaldenJ << "), Schreier FoM "
       << num(field(tran, "fom_schreier_db")) << " dB (survey envelope "
       << eval::kSurveySchreierEnvelopeDb << " dB).\n";
    md << "Power is the SPICE supply current of the NN sub-ADCs and their RRAM arrays; the "
          "residue amplifiers and sample-and-holds are ideal behavioural sources and draw "
          "none (docs/spice.md).\n";
  }
  md << "\nArtefacts: vtc.json, design.json, behavioural.json, static.json"
     << (pipeline_ ? ", static_sine.json" : "")
     << (options.skip_transient ? "" : ", transient.json")
     << ", netlists/ (inverter, static and transient benches for ngspice, Spectre, Xyce), "
        "summary.json. Total "
     << num(total_s, 3) << " s.\n";
  writeFileAtomic(path("summary.md"), md.str());
  return s;
}

std::string percent(double fraction) { return num(100.0 * fraction) + "%"; }

std::string flowSummaryLine(const Json& s, const std::string& folder) {
  const bool pipeline = s.contains("static_sine");
  const double static_enob =
      pipeline ? field(s["static_sine"], "enob") : field(s["static"], "ramp_enob");
  const Json tran = s.value("transient", Json::object());
  return "flow: static ENOB " + num(static_enob) + ", " + percent(field(s["static"], "agreement")) +
         " codes as the model, transient ENOB " + num(field(tran, "enob")) + ", power " +
         num(field(tran, "power_w"), 3) + " W, " + num(field(s, "elapsed_s"), 3) + " s -> " +
         folder;
}

}  // namespace nnadc::io
