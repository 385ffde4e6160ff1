#include "nnadc/io/flow_json.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include "nnadc/core/check.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/eval/stage_trace.h"
#include "nnadc/io/buildable_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/results_json.h"
#include "nnadc/io/vtc_json.h"
#include "nnadc/metrics/record.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/buildable_deck.h"
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

/// A buildable result's power per block summed by each entry's `kind` (spice::blockKindName): the
/// NN sub-ADCs, the amplifiers with CMFB and bias, the bootstrapped switches, the DAC and
/// common-mode references.
Json buildablePowerByKind(const Json& per_block) {
  Json out = {
      {"sub_adcs_w", 0.0}, {"amplifiers_w", 0.0}, {"switches_w", 0.0}, {"references_w", 0.0}};
  if (!per_block.is_array()) return out;
  for (const Json& b : per_block) {
    const std::string kind = b.value("kind", "");
    const double w = b.value("power_w", 0.0);
    const char* key = kind == "sub_adc"     ? "sub_adcs_w"
                      : kind == "amplifier" ? "amplifiers_w"
                      : kind == "switches"  ? "switches_w"
                                            : "references_w";
    out[key] = out[key].get<double>() + w;
  }
  return out;
}

/// summary.md's headline: the buildable converter's figures (`b`: summary.json's block, `r`: the
/// result it quotes), or why the flow did not simulate it.
void writeBuildableMarkdown(std::ostream& md, const Json& b, const Json& r) {
  md << "## The buildable converter: SPICE, transistor-level residue path, noise on\n\n";
  if (r.empty()) {
    md << "Not simulated: " << b.value("skipped", std::string("skipped")) << "\n\n";
    return;
  }
  const bool calibrated = b.value("calibrated", false);
  const Json kind = b["power_by_kind"];
  const auto mw = [&](const char* key) { return num(1e3 * field(kind, key), 3); };
  md << "| figure | value |\n|---|---|\n"
     << "| ENOB" << (calibrated ? " (SPICE-calibrated table)" : " (design's table, uncalibrated)")
     << " | **" << num(field(b, "enob")) << "** +- " << num(field(b, "enob_standard_error_bits"), 2)
     << " (one standard error of a " << b.value("samples", 0) << "-sample record) |\n";
  if (calibrated) {
    md << "| ENOB with the design's own table | " << num(field(b, "uncalibrated_enob")) << " |\n";
  }
  md << "| SNDR / SFDR / THD [dB] | " << num(field(b, "sndr_db")) << " / "
     << num(field(b, "sfdr_db")) << " / " << num(field(b, "thd_db")) << " |\n"
     << "| input | " << num(1e-6 * field(b, "input_hz"), 4) << " MHz sine at "
     << num(field(b, "amplitude"), 3) << " of full scale, "
     << (b.value("held_input", false) ? "held per sample"
                                      : "continuous (the first MDAC samples it)")
     << ", fs = " << num(1e-6 * field(b, "fs_hz"), 4) << " MS/s |\n"
     << "| power, every simulated transistor [mW] | **" << num(1e3 * field(b, "power_w"), 3)
     << "**: NN sub-ADCs " << mw("sub_adcs_w") << ", amplifiers with CMFB and bias "
     << mw("amplifiers_w") << ", bootstrapped switches " << mw("switches_w") << ", references "
     << mw("references_w") << " |\n"
     << "| Walden / Schreier FoM | " << num(1e15 * field(b, "fom_walden_j"), 3)
     << " fJ/conv-step / " << num(field(b, "fom_schreier_db")) << " dB (survey: best pipeline "
     << eval::kSurveyBestPipelineWaldenJ * 1e15 << " fJ, Schreier envelope "
     << eval::kSurveySchreierEnvelopeDb << " dB) |\n"
     << "| behavioural model, same inputs and noise, design's table | "
     << num(field(b, "behavioural_enob")) << " |\n"
     << "| calibration | "
     << (b["calibration_file"].is_string()
             ? "`" + b["calibration_file"].get<std::string>() + "` (foreground, measured in SPICE)"
             : std::string("none (give --buildable-calibration)"))
     << " |\n\nIdeal parts (allowed by the design rules, listed in netlists/buildable.cir):";
  for (const Json& e : b.value("ideal_elements", Json::array())) {
    md << "\n- " << e.get<std::string>();
  }
  md << "\n\n";
}

/// Every name a flow writes into its folder.
const std::set<std::string>& flowEntries() {
  static const std::set<std::string> names = {
      "vtc.json",     "recipe.json",      "design.json",    "behavioural.json",
      "static.json",  "static_sine.json", "transient.json", "buildable.json",
      "summary.json", "summary.md",       "netlists",       "report.html"};
  return names;
}

/// A folder only a flow wrote: its artefacts, and temp files of an interrupted write.
bool holdsOnlyFlowArtefacts(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool temp = name.front() == '.' && name.find(".tmp") != std::string::npos;
    if (flowEntries().count(name) == 0 && !temp) return false;
  }
  return !ec;
}

/// New, empty, or a folder only a flow wrote.
bool replaceable(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir, ec);
  if (!fs::exists(status)) return true;
  return fs::is_directory(status) && (fs::is_empty(dir, ec) || holdsOnlyFlowArtefacts(dir));
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
  eval.validate();
  bench.deck.validate();
  sim::validateTimeout(bench.timeout_s);
  if (run_variation) variation.validate();
  requireInRange("NNADC-CFG-003", "require-agreement", require_agreement, 0.0, 1.0);
  if (!skip_buildable) {
    requireInRange("NNADC-CFG-003", "buildable-samples", buildable_samples,
                   static_cast<int>(metrics::kMinSamples), 65536);
    // The buildable deck's timing follows fs: checked here, before any work.
    try {
      buildableDeck().validate();
    } catch (const InputError& e) {
      throw InputError(e.id(), "the buildable converter at fs = " + num(bench.deck.fs_hz) +
                                   " Hz (--fs; --skip-buildable leaves it out): " + e.message());
    }
  }
}

spice::BuildableOptions FlowOptions::buildableDeck() const {
  spice::BuildableOptions o;
  o.samples = buildable_samples;
  o.cell.fs_hz = bench.deck.fs_hz;
  return o;
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

std::optional<spice::BuildableOptions> flowBuildable(const adc::Design& design,
                                                     const FlowOptions& options, std::uint64_t seed,
                                                     std::string* why) {
  if (options.skip_buildable) {
    if (why != nullptr) *why = "skipped (--skip-buildable)";
    return std::nullopt;
  }
  const std::string refusal = spice::buildableRefusal(design);
  if (!refusal.empty()) {
    if (why != nullptr) *why = refusal;
    return std::nullopt;
  }
  spice::BuildableOptions o = options.buildableDeck();
  o.seed = seed;
  o.noise_v_rms = eval::buildableNoiseRms(design, o);
  o.validate();
  return o;
}

double enobStandardErrorBits(std::size_t samples) {
  const double bins = 0.5 * static_cast<double>(samples) - 2.0;
  return bins > 0 ? 10.0 * std::log10(std::exp(1.0)) / 6.02 / std::sqrt(bins) : std::nan("");
}

FlowWriter::FlowWriter(fs::path dir, Logger& logger)
    : dir_(std::move(dir)), logger_(logger), start_(std::chrono::steady_clock::now()) {
  const auto refuse = [&](const std::string& why) {
    throw InputError("NNADC-IO-005", "flow output folder '" + dir_.string() + "': " + why);
  };
  if (dir_.native() == kStandardOutput) {
    refuse("a flow writes a folder of files, which standard output cannot hold (give -o DIR)");
  }
  if (!dir_.empty() && !dir_.has_filename()) dir_ = dir_.parent_path();  // "out/" is "out"
  if (dir_.empty() || dir_.filename() == "." || dir_.filename() == "..") {
    refuse("name the folder itself (e.g. -o results/flow)");
  }
  std::error_code ec;
  if (fs::is_symlink(dir_, ec)) refuse("it is a symbolic link; give the folder it points to");
  if (!replaceable(dir_)) {
    refuse(fs::is_directory(dir_, ec)
               ? "the folder holds files that are not a flow's; nnadc replaces only a previous "
                 "flow's folder (choose a new or empty folder)"
               : "it exists and is not a folder; nnadc does not replace it");
  }
  build_dir_ = dir_;
  build_dir_ += ".incomplete";
  if (!replaceable(build_dir_) || fs::is_symlink(build_dir_, ec)) {
    refuse("'" + build_dir_.string() +
           "' exists and is not a flow's partial folder (remove it or choose another -o)");
  }
  fs::remove_all(build_dir_, ec);  // a failed run's leftover
  if (!ec) fs::create_directories(build_dir_ / "netlists", ec);
  if (ec) {
    throw InputError("NNADC-IO-001", "cannot create the flow folder '" + build_dir_.string() +
                                         "': " + ec.message());
  }
}

FlowWriter::~FlowWriter() {
  if (committed_ || reported_) return;
  try {
    logger_.warning("flow: the run stopped before its summary" + partialNote());
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

std::string FlowWriter::partialNote() {
  reported_ = true;
  std::error_code ec;
  return "; its partial results are in '" + build_dir_.string() + "'" +
         (fs::exists(dir_, ec) ? " and '" + dir_.string() + "' still holds the previous run" : "");
}

void FlowWriter::commit() {
  // rename() replaces only an empty folder: a previous run moves aside (a fresh unique name
  // beside it), the new one moves in, then the previous one is deleted.
  std::error_code ec;
  fs::path aside;
  if (fs::exists(fs::symlink_status(dir_, ec))) {
    std::string tmpl = dir_.string() + ".previous-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw InputError("NNADC-IO-002", "cannot move the previous flow folder '" + dir_.string() +
                                           "' aside: " + std::strerror(errno) + partialNote());
    }
    aside = tmpl;
    fs::rename(dir_, aside, ec);
    if (ec) {
      fs::remove(aside, ec);
      throw InputError("NNADC-IO-002", "cannot move the previous flow folder '" + dir_.string() +
                                           "' aside: " + ec.message() + partialNote());
    }
  }
  fs::rename(build_dir_, dir_, ec);
  if (ec) {
    const std::string reason = ec.message();
    if (!aside.empty()) fs::rename(aside, dir_, ec);
    throw InputError("NNADC-IO-002", "cannot move the finished flow folder into '" + dir_.string() +
                                         "': " + reason + partialNote());
  }
  committed_ = true;
  if (!aside.empty() && fs::remove_all(aside, ec) == static_cast<std::uintmax_t>(-1)) {
    logger_.warning("flow: could not delete the previous run, moved aside to '" + aside.string() +
                    "': " + ec.message());
  }
}

void FlowWriter::record(const std::string& name, std::chrono::steady_clock::time_point start) {
  timings_[name] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string FlowWriter::path(const std::string& name) const { return (dir_ / name).string(); }

std::string FlowWriter::buildPath(const std::string& name) const {
  return (build_dir_ / name).string();
}

void FlowWriter::writeJson(const std::string& name, const Json& json) {
  writeFileAtomic(buildPath(name), dumpJson(json));
}

void FlowWriter::writeVtc(const sim::CharacterizeOptions& options, const sim::Characterization& c) {
  ngspice_version_ = c.ngspice_version;
  writeJson("vtc.json",
            vtcFileJson(vtcRecord(options, c),
                        provenanceOf("characterize", Json::object(), c.ngspice_version)));
  writeFileAtomic(buildPath("netlists/inverter.cir"), c.deck);
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
  writeFileAtomic(buildPath("design.json"), readTextFile(file));
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
  const eval::EvalSummary summary = eval::evaluate(design, options.eval);
  behavioural_ = evalJson(summary);
  // The ramp's code histogram, from which the report draws DNL and INL per code (the figures
  // above are its extremes), run-length coded as [count, codes] pairs from code 0: a good
  // converter's 2^14 counts are a few runs, not 2^14 lines of JSON.
  Json runs = Json::array();
  for (const std::uint64_t count : summary.ramp.code_density.histogram) {
    if (!runs.empty() && runs.back()[0].get<std::uint64_t>() == count) {
      runs.back()[1] = runs.back()[1].get<std::uint64_t>() + 1;
    } else {
      runs.push_back({count, 1});
    }
  }
  behavioural_["ramp"]["histogram_runs"] = runs;
  // What each stage decides and passes on over a short ramp (the report's per-stage plots), in
  // microvolts' resolution (the plots' pixels are millivolts).
  const auto microvolts = [](const std::vector<double>& v) {
    Json a = Json::array();
    for (const double x : v) a.push_back(std::round(x * 1e6) / 1e6);
    return a;
  };
  const eval::StageTrace trace = eval::traceStages(design);
  Json stages = Json::array();
  for (const eval::StageTrace::Stage& st : trace.stages) {
    stages.push_back({{"input_v", microvolts(st.input_v)},
                      {"decision", st.decision},
                      {"residue_v", microvolts(st.residue_v)}});
  }
  behavioural_["stage_trace"] = {{"input_v", microvolts(trace.input_v)}, {"stages", stages}};
  // RRAM Monte-Carlo needs a combination table to recalibrate: pipelines only.
  if (options.run_variation && pipeline_) {
    behavioural_["variation"] =
        variationJson(mc::variationStudy(design, options.variation, logger_.progress()));
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
      writeFileAtomic(buildPath("netlists/" + spice::benchName(bench) + dialectExt(dialect)),
                      spice::designDeck(design, deck));
    }
  }
}

void FlowWriter::writeBuildable(const adc::Design& design, const eval::BuildableSummary& summary,
                                const std::string& calibration_file) {
  for (const spice::Dialect dialect :
       {spice::Dialect::kNgspice, spice::Dialect::kSpectre, spice::Dialect::kXyce}) {
    writeFileAtomic(buildPath("netlists/buildable" + dialectExt(dialect)),
                    spice::buildableDeck(design, summary.options, dialect));
  }
  Json j = buildableJson(summary, path("design.json"));
  j["provenance"] = provenanceJson(provenanceOf("sim", Json::object(), ngspice_version_));
  writeJson("buildable.json", j);
  benches_["buildable"] = std::move(j);
  buildable_calibration_ = calibration_file;
}

void FlowWriter::writeBench(const FlowBench& bench, const eval::BenchSummary& summary) {
  Json j = benchJson(summary, path("design.json"));
  j["provenance"] = provenanceJson(provenanceOf("sim", Json::object(), ngspice_version_));
  writeJson(bench.file, j);
  benches_[bench.label] = std::move(j);
}

Json FlowWriter::writeSummary(const std::string& design_name, bool trained,
                              const FlowOptions& options, const Json& config,
                              const FinishStep& finish) {
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
    s["transient"] =
        pick(tran, {"fs_hz", "enob", "sndr_db", "sfdr_db", "thd_db", "power_w", "power_per_stage_w",
                    "fom_walden_j", "fom_schreier_db", "ideal_elements"});
    s["transient"]["samples"] = samples;
  }
  const Json build = benches_.value("buildable", Json::object());
  if (!build.empty()) {
    s["buildable"] =
        pick(build, {"fs_hz", "input_hz", "amplitude", "held_input", "noise", "calibrated", "enob",
                     "uncalibrated_enob", "sndr_db", "sfdr_db", "thd_db", "power_w", "fom_walden_j",
                     "fom_schreier_db", "behavioural_enob", "elapsed_s", "ideal_elements"});
    s["buildable"]["samples"] = options.buildable_samples;
    s["buildable"]["enob_standard_error_bits"] =
        enobStandardErrorBits(static_cast<std::size_t>(options.buildable_samples));
    s["buildable"]["power_by_kind"] = buildablePowerByKind(build.value("power_per_block", Json()));
    s["buildable"]["calibration_file"] =
        buildable_calibration_.empty() ? Json() : Json(buildable_calibration_);
  } else {
    s["buildable"] = {{"skipped", buildable_skipped_}};
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
     << (trained ? "trained on this characterisation" : "reused") << ")\n\n";
  writeBuildableMarkdown(md, s["buildable"], build);
  md << "## Reference: ideal residue amplifiers and sample-and-holds\n\n"
     << "The benches below simulate the NN sub-ADCs at transistor level, but each stage's "
        "residue amplifier, sample-and-hold and the complement row are ideal behavioural "
        "sources: a reference for the NN sub-ADCs, not a converter one could build "
        "(docs/spice.md).\n\n"
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
    md << "Reference power: the SPICE supply current of the NN sub-ADCs and their RRAM arrays "
          "only; the ideal residue amplifiers and sample-and-holds draw none.\n";
  }
  md << "\nArtefacts: vtc.json, design.json, behavioural.json, static.json"
     << (pipeline_ ? ", static_sine.json" : "")
     << (options.skip_transient ? "" : ", transient.json")
     << (build.empty() ? "" : ", buildable.json")
     << ", netlists/ (inverter, static and transient benches for ngspice, Spectre, Xyce"
     << (build.empty() ? "" : "; the buildable converter's in the three dialects")
     << "), summary.json" << (finish ? ", report.html" : "") << ". Total " << num(total_s, 3)
     << " s.\n";
  writeFileAtomic(buildPath("summary.md"), md.str());
  if (finish) step("report", [&] { finish(build_dir_, dir_); });
  commit();
  return s;
}

std::string percent(double fraction) { return num(100.0 * fraction) + "%"; }

std::string flowSummaryLine(const Json& s, const std::string& folder) {
  const bool pipeline = s.contains("static_sine");
  const double static_enob =
      pipeline ? field(s["static_sine"], "enob") : field(s["static"], "ramp_enob");
  const Json tran = s.value("transient", Json::object());
  const Json ideal = tran.value("ideal_elements", Json::array());
  const bool reference = ideal.is_array() && !ideal.empty();
  const Json b = s.value("buildable", Json::object());
  std::string head;
  if (b.contains("enob")) {
    head = "buildable converter (SPICE, noise on, " + std::to_string(b.value("samples", 0)) +
           " samples" + (b.value("calibrated", false) ? ", calibrated" : ", uncalibrated") +
           "): ENOB " + num(field(b, "enob")) + ", power " + num(field(b, "power_w"), 3) +
           " W, Schreier " + num(field(b, "fom_schreier_db")) + " dB; ";
  }
  return "flow: " + head + (reference ? "reference with ideal amplifiers: " : "") + "static ENOB " +
         num(static_enob) + ", " + percent(field(s["static"], "agreement")) +
         " codes as the model, transient ENOB " + num(field(tran, "enob")) + ", power " +
         num(field(tran, "power_w"), 3) + " W" + (reference ? " (its ideal parts draw none)" : "") +
         ", " + num(field(s, "elapsed_s"), 3) + " s -> " + folder;
}

}  // namespace nnadc::io
