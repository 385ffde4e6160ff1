#include "nnadc/eval/bench.h"

#include <cmath>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/metrics/power.h"
#include "nnadc/sim/pipeline_bench.h"
#include "nnadc/sim/stage_bench.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::eval {

namespace {

Eigen::VectorXd toVector(const std::vector<double>& x) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) v(static_cast<Eigen::Index>(i)) = x[i];
  return v;
}

void compareCodes(BenchSummary& s) {
  for (std::size_t i = 0; i < s.codes.size(); ++i) {
    s.differing_codes += s.codes[i] != s.behavioural_codes[i];
    s.max_code_difference =
        std::max(s.max_code_difference, std::abs(s.codes[i] - s.behavioural_codes[i]));
  }
  s.agreement =
      static_cast<double>(s.codes.size() - s.differing_codes) / static_cast<double>(s.codes.size());
}

BenchSummary measurePipeline(sim::WorkerPool& pool, const adc::Design& design,
                             const BenchOptions& o) {
  const spice::DeckOptions& deck = o.deck;
  (void)spice::designDeck(design, deck);  // input errors before any worker starts
  const adc::Pipeline& pipeline = design.pipeline;
  const std::size_t stages = pipeline.stages.size();
  const adc::PipelineModel model(pipeline, design);
  BenchSummary s;
  s.bench = deck.bench;
  s.pipeline = true;
  s.bits = pipeline.bits;
  s.power_per_stage_w.assign(stages, 0.0);
  std::vector<std::vector<int>> decisions;
  std::optional<double> fs_hz;
  if (deck.bench == spice::Bench::kStatic) {
    // This bench measures a linear converter: of a segmented design, its mantissa pipeline alone
    // (the whole converter's static bench is eval/nonlinear_bench.h).
    adc::Design mantissa = design;
    mantissa.segmented.reset();
    const sim::PipelineStaticRun run = sim::runPipelineStatic(pool, mantissa, deck, o.timeout_s);
    s.x_v = run.x_v;
    s.codes = run.codes;
    decisions = run.decisions;
    for (std::size_t i = 0; i < stages; ++i) {
      std::vector<double> current;
      for (const auto& per_input : run.supply_a) current.push_back(per_input[i]);
      s.power_per_stage_w[i] = metrics::averagePowerW(design.vdd_v, current);
    }
    s.elapsed_s = run.elapsed_s;
    s.jobs = run.jobs;
    s.points = deck.points;
    s.chunk_points = sim::kStaticChunkPoints;
    if (deck.static_sine) s.sine_cycles = static_cast<std::size_t>(spice::staticSineCycles(deck));
  } else {
    const sim::PipelineTransientRun run =
        sim::runPipelineTransient(pool, design, deck, o.timeout_s);
    s.x_v = run.plan.record.x_v;
    s.codes = run.codes;
    decisions = run.decisions;
    for (std::size_t i = 0; i < stages; ++i) {
      // SPICE reports the current into the source's + terminal: the supply delivers -i.
      s.power_per_stage_w[i] = -design.vdd_v * run.supply_avg_a[i];
    }
    s.elapsed_s = run.elapsed_s;
    s.jobs = run.jobs;
    fs_hz = run.plan.record.fs_hz;
    s.sine_cycles = run.plan.record.cycles;
    s.input_hz = run.plan.record.input_hz;
    s.edge_fraction = deck.edge_fraction;
    s.chunk_samples = sim::kTransientChunkSamples;
  }
  for (const double p : s.power_per_stage_w) s.power_w += p;

  // The behavioural model on the same inputs (nominal cells, the design's combination table).
  adc::PipelineTrace trace;
  s.behavioural_codes = model.convert(model.nominal(), toVector(s.x_v), &trace);
  compareCodes(s);
  s.stage_decision_agreement.assign(stages, 0.0);
  for (std::size_t i = 0; i < s.codes.size(); ++i) {
    for (std::size_t k = 0; k < stages; ++k) {
      const auto row = static_cast<Eigen::Index>(i);
      const auto col = static_cast<Eigen::Index>(k);
      const int model_decision = trace.decisions(row, col);
      if (decisions[i][k] == model_decision) {
        s.stage_decision_agreement[k] += 1.0;
      } else {
        s.stage_decision_mismatches.push_back(
            {i, k, decisions[i][k], model_decision, trace.inputs(row, col)});
      }
    }
  }
  for (double& a : s.stage_decision_agreement) a /= static_cast<double>(s.codes.size());

  s.sine = deck.bench == spice::Bench::kTransient || deck.static_sine;
  metrics::AnalysisOptions ao;
  ao.bits = pipeline.bits;
  if (s.sine) {
    ao.fs_hz = fs_hz;
    if (fs_hz) ao.power_w = s.power_w;
    s.analysis = metrics::analyzeCodes(s.codes, ao);
    metrics::AnalysisOptions bo;
    bo.bits = pipeline.bits;
    s.behavioural_enob = metrics::analyzeCodes(s.behavioural_codes, bo).spectrum->enob;
  } else {
    if (s.codes.size() >= (std::size_t{4} << pipeline.bits)) {
      ao.record = metrics::RecordKind::kRamp;
      s.analysis = metrics::analyzeCodes(s.codes, ao);
    }
    // Fewer than 4 inputs per code: code density is meaningless; the ramp ENOB is not.
    s.ramp_enob = inputsEnob(s.codes, s.x_v, pipeline.lo(), pipeline.hi(), pipeline.bits);
    s.behavioural_ramp_enob =
        inputsEnob(s.behavioural_codes, s.x_v, pipeline.lo(), pipeline.hi(), pipeline.bits);
  }
  return s;
}

BenchSummary measureStage(sim::WorkerPool& pool, const adc::Design& design, const BenchOptions& o) {
  const spice::DeckOptions& deck = o.deck;
  // Validate (and emit once) before any job: a bad design is an input error, exit 2.
  (void)spice::stageDeck(design, deck);
  const adc::StageModel model = adc::stageModel(design, deck.stage);
  const adc::StageDesign& stage = design.stage(deck.stage);
  const adc::StageShape& shape = stage.shape;
  const adc::Decoder decoder = adc::stageDecoder(stage);
  BenchSummary s;
  s.bench = deck.bench;
  s.bits = shape.bits;
  s.jobs = 1;
  std::vector<adc::Word> words;
  metrics::AnalysisOptions ao;
  ao.bits = shape.bits;
  if (deck.bench == spice::Bench::kStatic) {
    const sim::StaticRun run = sim::runStatic(pool, design, deck, o.timeout_s);
    s.x_v = run.x_v;
    words = run.words;
    // DC power: the supply power averaged over the sweep's inputs.
    s.power_w = metrics::averagePowerW(shape.vdd_v, run.supply_a);
    s.elapsed_s = run.elapsed_s;
    s.jobs = run.jobs;
    ao.record = metrics::RecordKind::kRamp;
    s.points = deck.points;
    s.chunk_points = sim::kStaticChunkPoints;
  } else {
    const sim::TransientRun run = sim::runTransient(pool, design, deck, o.timeout_s);
    s.x_v = run.plan.x_v;
    words = run.words;
    s.power_w = metrics::averagePowerW(shape.vdd_v, run.supply_a, run.time_s);
    s.elapsed_s = run.elapsed_s;
    ao.fs_hz = run.plan.fs_hz;
    ao.power_w = s.power_w;
    s.sine = true;
    s.sine_cycles = run.plan.cycles;
    s.input_hz = run.plan.input_hz;
    s.edge_fraction = deck.edge_fraction;
  }
  s.codes.reserve(words.size());
  for (const adc::Word w : words) s.codes.push_back(decoder.decode(w));
  s.behavioural_codes =
      adc::convert(model, model.conductances(stage.cells), decoder, toVector(s.x_v));
  compareCodes(s);
  s.analysis = metrics::analyzeCodes(s.codes, ao);
  s.power_per_stage_w = {s.power_w};
  s.ramp_enob = inputsEnob(s.codes, s.x_v, shape.input_lo_v, shape.input_hi_v, shape.bits);
  s.behavioural_ramp_enob =
      inputsEnob(s.behavioural_codes, s.x_v, shape.input_lo_v, shape.input_hi_v, shape.bits);
  s.driver_multiplier = deck.driver_multiplier;
  return s;
}

}  // namespace

void BenchOptions::validate(const adc::Design& design) const {
  if (deck.bench == spice::Bench::kStage) {
    throw InputError("NNADC-NET-011",
                     "field 'bench' = 'stage' is emit-only; nnadc sim --design "
                     "runs: static, transient");
  }
  sim::validateTimeout(timeout_s);
  if (deck.static_sine && design.singleStage()) {
    throw InputError("NNADC-NET-012",
                     "field 'static-sine' applies to pipelined designs (this design is a single "
                     "stage)");
  }
  deck.validate();
}

BenchSummary measureBench(sim::WorkerPool& pool, const adc::Design& design,
                          const BenchOptions& options) {
  options.validate(design);
  BenchSummary s = design.singleStage() ? measureStage(pool, design, options)
                                        : measurePipeline(pool, design, options);
  s.workers = pool.workerCount();
  for (const spice::IdealElement& e : spice::idealElements(design, options.deck.bench)) {
    s.ideal_elements.push_back(e.instances + ": " + e.what);
  }
  return s;
}

}  // namespace nnadc::eval
