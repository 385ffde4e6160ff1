#pragma once
/// The SPICE engine of a campaign: each die's deck (spice::DeckOptions::die: its RRAM cells,
/// CMOS instance parameters and amplifiers) runs as the chosen bench on the worker pool
/// (eval::measureBench), one die at a time with its chunks spread over the workers. The die's
/// codes are combined through the die's own calibrated table, which the behavioural model of the
/// same die computes (a foreground calibration measured on the model of the die, not in SPICE).
#include "nnadc/eval/bench.h"
#include "nnadc/mc/campaign.h"
#include "nnadc/sim/pool.h"

namespace nnadc::mc {

class SpiceEngine final : public Engine {
 public:
  /// `pool` and `design` must outlive the engine. Validates the bench (InputError before any job).
  SpiceEngine(sim::WorkerPool& pool, const adc::Design& design, Recipe recipe,
              eval::BenchOptions bench, BehaviouralOptions behavioural);
  [[nodiscard]] std::string name() const override { return "spice"; }
  [[nodiscard]] int concurrency() const override { return 1; }
  /// A sine bench gives the FFT metrics, a ramp (static) the code density, both give power.
  [[nodiscard]] bool provides(Metric metric) const override;
  [[nodiscard]] MetricValues run(int die) override;
  /// The die's deck and measurement (`nnadc mc --die K --engine spice`).
  [[nodiscard]] eval::BenchSummary measure(int die, std::string* deck = nullptr);
  /// The campaign's metrics of a measured die.
  [[nodiscard]] MetricValues metricsOf(const eval::BenchSummary& s) const;

 private:
  sim::WorkerPool& pool_;
  const adc::Design& design_;
  Recipe recipe_;
  eval::BenchOptions bench_;
  BehaviouralEngine behavioural_;
  bool sine_ = true;
};

}  // namespace nnadc::mc
