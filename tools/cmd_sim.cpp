// nnadc sim: run a SPICE deck through libngspice in an isolated worker process and write its
// vectors as JSON (--deck), or emit a trained design's bench, run it on the worker pool, decode
// the bits and measure the converter (--design).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli_common.h"
#include "deck_options.h"
#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/metrics_json.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/metrics/power.h"
#include "nnadc/sim/pipeline_bench.h"
#include "nnadc/sim/pool.h"
#include "nnadc/sim/stage_bench.h"
#include "nnadc/spice/lint.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::cli {

namespace {

struct SimOptions {
  CommonOptions common;
  std::string deck_path;
  std::vector<std::string> vectors;
  std::vector<std::string> commands;
  double timeout_s = 600.0;
  bool allow_dangling = false;
  DeckCliOptions design;
  int workers = 0;
};

io::Json vectorJson(const sim::Vector& v) {
  io::Json j;
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
  return j;
}

// rampEnob's measure (adc/stage_trainer.h) on any decoded record: the error of each code
// against the ideal continuous level of its input, ENOB = N - log2(rms(e) sqrt 12).
double inputsEnob(const std::vector<std::int64_t>& codes, const std::vector<double>& x,
                  const adc::StageShape& shape) {
  const double scale = (1 << shape.bits) / (shape.input_hi_v - shape.input_lo_v);
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const double e = static_cast<double>(codes[i]) + 0.5 - (x[i] - shape.input_lo_v) * scale;
    sum_sq += e * e;
  }
  const double rms = std::sqrt(sum_sq / static_cast<double>(codes.size()));
  return shape.bits - std::log2(rms * std::sqrt(12.0));
}

// Fraction of inputs where SPICE and the behavioural model (adc::convert) give the same code.
double agreement(const std::vector<std::int64_t>& spice_codes,
                 const std::vector<std::int64_t>& model_codes) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < spice_codes.size(); ++i) same += spice_codes[i] == model_codes[i];
  return static_cast<double>(same) / static_cast<double>(spice_codes.size());
}

// Every CLI.md metrics field, null: for records no analysis applies to.
io::Json nullMetrics(std::size_t samples, int bits) {
  io::Json j;
  for (const char* f : {"enob", "sndr_db", "snr_db", "thd_db", "sfdr_db", "enob_sinefit",
                        "dnl_lsb_min", "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max", "missing_codes",
                        "power_w", "fs_hz", "fom_walden_j", "fom_schreier_db"}) {
    j[f] = nullptr;
  }
  j["samples"] = samples;
  j["bits"] = bits;
  return j;
}

// The worker pool of a --design run.
sim::PoolOptions designPoolOptions(const SimOptions& o, Logger& logger) {
  sim::PoolOptions pool_options;
  pool_options.workers = o.workers;
  pool_options.logger = &logger;
  return pool_options;
}

// The fields every --design result shares (the run's bookkeeping, the bench's extra fields,
// provenance), then the atomic write of `j` to --output.
void writeDesignSim(CLI::App& sub, const SimOptions& o, const adc::Design& design,
                    sim::WorkerPool& pool, std::size_t jobs, double elapsed_s,
                    const std::vector<std::int64_t>& codes, const io::Json& extra, io::Json& j) {
  j["bench"] = o.design.bench;
  j["design_file"] = o.design.design;
  j["workers"] = pool.workerCount();
  j["jobs"] = jobs;
  j["elapsed_s"] = elapsed_s;
  j["conversions_per_s"] = static_cast<double>(codes.size()) / elapsed_s;
  j["codes"] = codes;
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  io::Provenance provenance;
  provenance.command = "sim";
  provenance.config = effectiveConfig(sub);
  provenance.seed = design.seed;
  provenance.ngspice_version = pool.version();
  j["provenance"] = io::provenanceJson(provenance);
  io::writeFileAtomic(o.common.output, io::dumpJson(j));
}

// A pipelined design: the whole converter in one deck per chunk (spice/pipeline_deck.h).
int runPipelineSim(CLI::App& sub, SimOptions& o, Logger& logger, const adc::Design& design) {
  const spice::DeckOptions& deck = o.design.deck;
  (void)spice::designDeck(design, deck);  // input errors before any worker starts
  const adc::Pipeline& pipeline = design.pipeline;
  const std::size_t stages = pipeline.stages.size();
  adc::StageShape shape = pipeline.stages.front().adc.shape;  // the converter's input window
  shape.bits = pipeline.bits;
  const adc::PipelineModel model(pipeline, design);
  const adc::PipelineConductances g = model.nominal();

  sim::WorkerPool pool(designPoolOptions(o, logger));

  std::vector<double> x;
  std::vector<std::int64_t> codes;
  std::vector<std::vector<int>> decisions;
  std::vector<double> stage_power_w(stages, 0.0);
  double elapsed_s = 0.0;
  std::size_t jobs = 0;
  std::optional<double> fs_hz;
  io::Json extra;
  if (deck.bench == spice::Bench::kStatic) {
    const sim::PipelineStaticRun run = sim::runPipelineStatic(pool, design, deck, o.timeout_s);
    x = run.x_v;
    codes = run.codes;
    decisions = run.decisions;
    for (std::size_t s = 0; s < stages; ++s) {
      std::vector<double> current;
      for (const auto& per_input : run.supply_a) current.push_back(per_input[s]);
      stage_power_w[s] = metrics::averagePowerW(design.vdd_v, current);
    }
    elapsed_s = run.elapsed_s;
    jobs = run.jobs;
    extra["points"] = deck.points;
    extra["chunk_points"] = sim::kStaticChunkPoints;
    extra["record"] = deck.static_sine ? "sine" : "ramp";
    if (deck.static_sine) extra["sine_cycles"] = spice::staticSineCycles(deck);
  } else {
    const sim::PipelineTransientRun run =
        sim::runPipelineTransient(pool, design, deck, o.timeout_s);
    x = run.plan.record.x_v;
    codes = run.codes;
    decisions = run.decisions;
    for (std::size_t s = 0; s < stages; ++s) {
      // SPICE reports the current into the source's + terminal: the supply delivers -i.
      stage_power_w[s] = -design.vdd_v * run.supply_avg_a[s];
    }
    elapsed_s = run.elapsed_s;
    jobs = run.jobs;
    fs_hz = run.plan.record.fs_hz;
    extra["sine_cycles"] = run.plan.record.cycles;
    extra["input_hz"] = run.plan.record.input_hz;
    extra["edge_fraction"] = deck.edge_fraction;
    extra["chunk_samples"] = sim::kTransientChunkSamples;
    extra["sample_and_hold"] = "ideal switch + 1 pF + unity buffer, two non-overlapping phases";
  }
  double power_w = 0.0;
  for (const double p : stage_power_w) power_w += p;

  // The behavioural model on the same inputs (nominal cells, the design's combination table).
  Eigen::VectorXd xe(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) xe(static_cast<Eigen::Index>(i)) = x[i];
  adc::PipelineTrace trace;
  const std::vector<std::int64_t> model_codes = model.convert(g, xe, &trace);
  std::size_t differing = 0;
  std::int64_t max_diff = 0;
  std::vector<double> stage_agreement(stages, 0.0);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    differing += codes[i] != model_codes[i];
    max_diff = std::max(max_diff, std::abs(codes[i] - model_codes[i]));
    for (std::size_t s = 0; s < stages; ++s) {
      stage_agreement[s] += decisions[i][s] == trace.decisions(static_cast<Eigen::Index>(i),
                                                               static_cast<Eigen::Index>(s));
    }
  }
  for (double& a : stage_agreement) a /= static_cast<double>(codes.size());

  const bool sine = deck.bench == spice::Bench::kTransient || deck.static_sine;
  io::Json j;
  if (sine) {
    metrics::AnalysisOptions ao;
    ao.bits = pipeline.bits;
    ao.fs_hz = fs_hz;
    if (fs_hz) ao.power_w = power_w;
    j = io::metricsJson(metrics::analyzeCodes(codes, ao));
    metrics::AnalysisOptions bo;
    bo.bits = pipeline.bits;
    j["behavioural_enob"] = metrics::analyzeCodes(model_codes, bo).spectrum->enob;
  } else if (codes.size() >= (std::size_t{4} << pipeline.bits)) {
    metrics::AnalysisOptions ao;
    ao.bits = pipeline.bits;
    ao.record = metrics::RecordKind::kRamp;
    j = io::metricsJson(metrics::analyzeCodes(codes, ao));
  } else {
    // Fewer than 4 inputs per code: code density is meaningless; the ramp ENOB below is not.
    j = nullMetrics(codes.size(), pipeline.bits);
  }
  j["power_w"] = power_w;
  j["power_per_stage_w"] = stage_power_w;
  j["power_note"] =
      "SPICE supply current of each stage's NN sub-ADC (inverters and RRAM arrays); the residue "
      "amplifiers, DAC/decoder and sample-and-holds are ideal behavioural sources and draw none";
  j["agreement"] =
      static_cast<double>(codes.size() - differing) / static_cast<double>(codes.size());
  j["differing_codes"] = differing;
  j["max_code_difference"] = max_diff;
  j["stage_decision_agreement"] = stage_agreement;
  j["ramp_enob"] = sine ? io::Json() : io::Json(inputsEnob(codes, x, shape));
  j["behavioural_ramp_enob"] = sine ? io::Json() : io::Json(inputsEnob(model_codes, x, shape));
  j["kind"] = "pipeline";
  j["stages"] = stages;
  j["behavioural_codes"] = model_codes;
  writeDesignSim(sub, o, design, pool, jobs, elapsed_s, codes, extra, j);

  char line[640];
  const double enob = j["enob"].is_number()        ? j["enob"].get<double>()
                      : j["ramp_enob"].is_number() ? j["ramp_enob"].get<double>()
                                                   : std::nan("");
  std::snprintf(line, sizeof line,
                "sim: pipeline %s bench%s, %zu conversions in %.2f s, %s ENOB %.3f, %.2f%% codes "
                "as the behavioural model, power %.3g W -> %s",
                o.design.bench.c_str(), deck.static_sine ? " (sine)" : "", codes.size(), elapsed_s,
                sine ? "sine" : "ramp", enob, 100.0 * j["agreement"].get<double>(), power_w,
                o.common.output.c_str());
  printSummary(o.common, line);
  return kExitOk;
}

int runDesignSim(CLI::App& sub, SimOptions& o, Logger& logger) {
  o.design.resolve("ngspice");
  const spice::DeckOptions& deck = o.design.deck;
  if (deck.bench == spice::Bench::kStage) {
    throw InputError("NNADC-NET-011",
                     "field 'bench' = 'stage' is emit-only; nnadc sim --design "
                     "runs: static, transient");
  }
  if (o.workers < 0 || o.workers > 1024) {
    throw InputError("NNADC-CFG-003", "field 'workers' = " + std::to_string(o.workers) +
                                          " is outside the allowed range [0, 1024]");
  }
  const adc::Design design = io::loadDesign(o.design.design);
  if (!design.singleStage()) return runPipelineSim(sub, o, logger, design);
  if (deck.static_sine) {
    throw InputError("NNADC-NET-012", "field 'static-sine' applies to pipelined designs ('" +
                                          o.design.design + "' is a single stage)");
  }
  // Validate (and emit once) before forking workers: a bad design is an input error, exit 2.
  (void)spice::stageDeck(design, deck);
  const adc::StageModel model = adc::stageModel(design, deck.stage);
  const adc::StageDesign& stage = design.stage(deck.stage);
  const adc::StageShape& shape = stage.shape;
  const adc::Decoder decoder = adc::stageDecoder(stage);
  const adc::StageConductances g = model.conductances(stage.cells);

  sim::WorkerPool pool(designPoolOptions(o, logger));

  std::vector<double> x;
  std::vector<adc::Word> words;
  double power_w = 0.0;
  double elapsed_s = 0.0;
  std::size_t jobs = 1;
  metrics::AnalysisOptions analysis_options;
  analysis_options.bits = shape.bits;
  io::Json extra;
  if (deck.bench == spice::Bench::kStatic) {
    const sim::StaticRun run = sim::runStatic(pool, design, deck, o.timeout_s);
    x = run.x_v;
    words = run.words;
    // DC power: the supply power averaged over the sweep's inputs.
    power_w = metrics::averagePowerW(shape.vdd_v, run.supply_a);
    elapsed_s = run.elapsed_s;
    jobs = run.jobs;
    analysis_options.record = metrics::RecordKind::kRamp;
    extra["points"] = deck.points;
    extra["chunk_points"] = sim::kStaticChunkPoints;
  } else {
    const sim::TransientRun run = sim::runTransient(pool, design, deck, o.timeout_s);
    x = run.plan.x_v;
    words = run.words;
    power_w = metrics::averagePowerW(shape.vdd_v, run.supply_a, run.time_s);
    elapsed_s = run.elapsed_s;
    analysis_options.fs_hz = run.plan.fs_hz;
    analysis_options.power_w = power_w;
    extra["sine_cycles"] = run.plan.cycles;
    extra["input_hz"] = run.plan.input_hz;
    extra["edge_fraction"] = deck.edge_fraction;
  }
  std::vector<std::int64_t> codes;
  codes.reserve(words.size());
  for (const adc::Word w : words) codes.push_back(decoder.decode(w));
  Eigen::VectorXd xe(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) xe(static_cast<Eigen::Index>(i)) = x[i];
  const std::vector<std::int64_t> model_codes = adc::convert(model, g, decoder, xe);

  io::Json j = io::metricsJson(metrics::analyzeCodes(codes, analysis_options));
  j["power_w"] = power_w;
  j["power_per_stage_w"] = io::Json::array({power_w});
  j["agreement"] = agreement(codes, model_codes);
  j["ramp_enob"] = inputsEnob(codes, x, shape);
  j["behavioural_ramp_enob"] = inputsEnob(model_codes, x, shape);
  j["driver_multiplier"] = deck.driver_multiplier;
  writeDesignSim(sub, o, design, pool, jobs, elapsed_s, codes, extra, j);

  char line[512];
  std::snprintf(line, sizeof line,
                "sim: %s bench, %zu conversions in %.2f s, ramp ENOB %.3f, %.2f%% codes as the "
                "behavioural model, power %.3g W -> %s",
                o.design.bench.c_str(), codes.size(), elapsed_s, j["ramp_enob"].get<double>(),
                100.0 * j["agreement"].get<double>(), power_w, o.common.output.c_str());
  printSummary(o.common, line);
  return kExitOk;
}

int runSim(CLI::App& sub, SimOptions& o) {
  applyConfigFile(sub, o.common);
  StderrLogger logger(&o.common.quiet);
  if (!(o.timeout_s > 0.0)) {
    throw InputError("NNADC-CFG-003", "field 'timeout' must be > 0 s");
  }
  if (!o.design.design.empty() && !o.deck_path.empty()) {
    throw InputError("NNADC-CFG-003", "nnadc sim takes --deck FILE or --design FILE, not both");
  }
  if (!o.design.design.empty()) return runDesignSim(sub, o, logger);
  if (o.deck_path.empty()) {
    throw InputError("NNADC-CFG-005",
                     "nnadc sim needs --deck FILE (a SPICE netlist) or --design FILE");
  }
  sim::RunRequest request;
  request.deck = io::readTextFile(o.deck_path);
  request.vectors = o.vectors;
  request.commands = o.commands;
  request.timeout_s = o.timeout_s;
  sim::IsolatedSimulator simulator(&logger);
  sim::RunResult result;
  try {
    result = simulator.run(request);
  } catch (const SimulationError& e) {
    // Name the user's file: the message alone only quotes ngspice.
    throw SimulationError(e.id(), "deck '" + o.deck_path + "': " + e.message());
  }
  if (!o.allow_dangling) {
    // ngspice solves a floating node through its gmin shunt without a word; name it instead
    // (after the run, so that ngspice's own message wins for decks it rejects).
    const auto dangling = spice::danglingNodes(request.deck);
    if (!dangling.empty()) {
      std::string list;
      for (std::size_t i = 0; i < dangling.size() && i < 8; ++i) {
        const auto& d = dangling[i];
        list += std::string(i == 0 ? "" : "; ") + "'" + d.node + "'" +
                (d.scope.empty() ? "" : " in subcircuit " + d.scope) + " (line " +
                std::to_string(d.line) + ")";
      }
      if (dangling.size() > 8) list += "; and " + std::to_string(dangling.size() - 8) + " more";
      throw InputError(
          "NNADC-NET-020",
          "deck '" + o.deck_path + "': " + std::to_string(dangling.size()) +
              " dangling node(s), touched by only one device terminal: " + list +
              ". ngspice ran, solving them through its gmin shunt: their voltages "
              "are meaningless and nothing was written; fix the netlist or pass --allow-dangling");
    }
  }

  io::Provenance provenance;
  provenance.command = "sim";
  provenance.config = effectiveConfig(sub);
  provenance.ngspice_version = simulator.version();
  io::Json j;
  j["provenance"] = io::provenanceJson(provenance);
  j["deck_file"] = o.deck_path;
  io::Json plots = io::Json::array();
  std::size_t points = 0;
  for (const sim::Plot& plot : result.plots) {
    io::Json p;
    p["name"] = plot.name;
    io::Json vectors = io::Json::object();
    for (const sim::Vector& v : plot.vectors) {
      vectors[v.name] = vectorJson(v);
      points = std::max(points, v.size());
    }
    p["vectors"] = vectors;
    plots.push_back(p);
  }
  j["plots"] = plots;
  j["elapsed_s"] = result.elapsed_s;
  io::writeFileAtomic(o.common.output, io::dumpJson(j));
  printSummary(o.common, "sim: " + std::to_string(result.plots.size()) + " plot(s), up to " +
                             std::to_string(points) + " points -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addSimCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SimOptions>();
  CLI::App* sub = app.add_subcommand(
      "sim",
      "Run a SPICE deck through ngspice (isolated worker process) and write its vectors, or run "
      "a trained design's static/transient bench on worker processes and measure it");
  addCommonOptions(*sub, options->common, "sim.json");
  auto& o = *options;
  sub->add_option("--deck", o.deck_path, "SPICE deck to run");
  sub->add_option("--vectors", o.vectors,
                  "Vectors to keep, e.g. v(out) i(vdd) (default: all; the scale is always kept)")
      ->delimiter(',');
  sub->add_option("--command", o.commands,
                  "ngspice command to run after loading instead of 'run' (repeatable), e.g. "
                  "\"dc vin 0 1 0.01\"");
  sub->add_option("--timeout", o.timeout_s, "Wall-clock limit [s] (per job)")
      ->capture_default_str();
  sub->add_flag("--allow-dangling", o.allow_dangling,
                "--deck: run even if a node touches only one device terminal (see NNADC-NET-020)");
  addDeckOptions(*sub, o.design);
  sub->add_option("--workers", o.workers, "--design: worker processes (0 = number of cores)")
      ->capture_default_str();
  sub->callback([sub, options, &exit_code] { exit_code = runSim(*sub, *options); });
}

}  // namespace nnadc::cli
