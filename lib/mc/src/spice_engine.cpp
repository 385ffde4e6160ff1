#include "nnadc/mc/spice_engine.h"

#include "nnadc/adc/die_lookup.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::mc {

SpiceEngine::SpiceEngine(sim::WorkerPool& pool, const adc::Design& design, Recipe recipe,
                         eval::BenchOptions bench, BehaviouralOptions behavioural)
    : pool_(pool),
      design_(design),
      recipe_(recipe),
      bench_(std::move(bench)),
      behavioural_(design, std::move(recipe), behavioural) {
  bench_.deck.die = nullptr;
  bench_.validate(design);
  sine_ = bench_.deck.bench == spice::Bench::kTransient || bench_.deck.static_sine;
}

bool SpiceEngine::provides(Metric metric) const {
  switch (metric) {
    case Metric::kDnlMin:
    case Metric::kDnlMax:
    case Metric::kDnlAbsMax:
    case Metric::kInlMin:
    case Metric::kInlMax:
    case Metric::kInlAbsMax:
    case Metric::kMissingCodes:
      return !sine_;
    case Metric::kPowerW:
      return true;
    default:
      return sine_;
  }
}

eval::BenchSummary SpiceEngine::measure(int die, std::string* deck) {
  const adc::PipelineConductances g =
      drawDie(behavioural_.model(), design_, recipe_, behavioural_.seed(), die);
  // The die's codes go through its own calibrated table, as a calibrated chip's would.
  adc::Design die_design = design_;
  die_design.pipeline.table = behavioural_.calibratedTable(g);
  eval::BenchOptions options = bench_;
  options.deck.die = &g;
  if (deck != nullptr) *deck = spice::designDeck(die_design, options.deck);
  return eval::measureBench(pool_, die_design, options);
}

MetricValues SpiceEngine::run(int die) { return metricsOf(measure(die)); }

MetricValues SpiceEngine::metricsOf(const eval::BenchSummary& s) const {
  MetricValues m(kMetricCount);
  if (s.analysis) {
    m = sine_ ? dieMetrics(*s.analysis, metrics::Analysis{}, s.power_w)
              : dieMetrics(metrics::Analysis{}, *s.analysis, s.power_w);
    if (sine_) {
      // A sine record's code density is not the campaign's DNL (too few samples per code).
      for (const Metric k : {Metric::kDnlMin, Metric::kDnlMax, Metric::kDnlAbsMax, Metric::kInlMin,
                             Metric::kInlMax, Metric::kInlAbsMax, Metric::kMissingCodes}) {
        m[static_cast<std::size_t>(k)].reset();
      }
    }
  }
  m[static_cast<std::size_t>(Metric::kPowerW)] = s.power_w;
  return m;
}

}  // namespace nnadc::mc
