#pragma once
/// Monte-Carlo campaigns (issue #13): many dies drawn from a variation recipe, each converted by
/// an engine (the behavioural model or SPICE), judged against a spec, and summarised as a yield
/// with its confidence interval. Die k draws everything from Rng(Rng::sampleSeed(seed, k)), so die
/// k is the same die whatever the engine, thread count, shard or resume (docs/montecarlo.md).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/adc/mismatch.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/progress.h"
#include "nnadc/mc/yield.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/rram/variation.h"

namespace nnadc::mc {

/// Variation sources of a die (examples/mc/variation.json).
struct Recipe {
  double rram_sigma = 0.01;       ///< RRAM programming spread: G * exp(N(0, sigma))
  double stuck_off_rate = 0.0;    ///< probability a cell is stuck open (0 S, below Gmin)
  double stuck_on_rate = 0.0;     ///< probability a cell is stuck at Gmax
  double read_noise_sigma = 0.0;  ///< relative read noise, drawn once per die with the spread
  /// CMOS Pelgrom mismatch: sigmas x cmos_scale (0 = off) from `cmos` (the card's mismatch file).
  double cmos_scale = 0.0;
  adc::MismatchCoefficients cmos;
  std::string cmos_file;  ///< where `cmos` came from (recorded in the results)
  /// Throws InputError NNADC-CFG-003 naming the field and its range.
  void validate() const;
  [[nodiscard]] rram::VariationOptions rram() const;
};

/// Die `die` of a campaign with base `seed`, in this order from Rng(sampleSeed(seed, die)):
/// RRAM programming spread, stuck-at faults and read noise per cell, then MDAC capacitors where
/// the design has them (PipelineModel::draw), then CMOS mismatch (adc::drawCmosMismatch).
adc::PipelineConductances drawDie(const adc::PipelineModel& model, const adc::Design& design,
                                  const Recipe& recipe, std::uint64_t seed, int die);

/// Per-die metrics, in table order (dies.csv columns).
enum class Metric {
  kEnob,
  kSndrDb,
  kSfdrDb,
  kThdDb,
  kEnobSinefit,
  kDnlMin,
  kDnlMax,
  kDnlAbsMax,
  kInlMin,
  kInlMax,
  kInlAbsMax,
  kMissingCodes,
  kPowerW,
};
inline constexpr int kMetricCount = 13;
/// The metric's field name (CLI.md names, plus dnl_abs_max_lsb / inl_abs_max_lsb).
const char* metricName(Metric metric);
/// NNADC-MC-002 naming `where` if `name` is no metric.
Metric parseMetric(const std::string& name, const std::string& where);
using MetricValues = std::vector<std::optional<double>>;  ///< kMetricCount entries
/// The metrics of a sine and a ramp record (ramp: DNL/INL/missing codes).
MetricValues dieMetrics(const metrics::Analysis& sine, const metrics::Analysis& ramp,
                        std::optional<double> power_w);

/// Pass/fail rule: every criterion must hold (spec file: {"enob": {"min": 13.5}, ...}).
struct Criterion {
  Metric metric = Metric::kEnob;
  std::optional<double> min;
  std::optional<double> max;
};
struct Spec {
  std::vector<Criterion> criteria;
  double confidence = 0.95;  ///< of the yield interval
  void validate() const;     ///< NNADC-MC-002 (empty, no bound), NNADC-CFG-003 (confidence)
};

struct DieResult {
  int index = 0;
  std::uint64_t seed = 0;
  bool simulated = true;  ///< false: the simulation failed twice; `failure` says why
  std::string failure;
  int attempts = 1;
  MetricValues metrics = MetricValues(kMetricCount);
  bool pass = false;
  std::vector<std::string> violated;  ///< metric names of the criteria that failed
};

/// Judges a die against the spec (a failed simulation or a missing value fails).
void judge(const Spec& spec, DieResult& die);

/// Converts one die: throws on a failed simulation (the campaign retries once).
class Engine {
 public:
  virtual ~Engine() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  /// Dies that may run at once (threads of the behavioural engine; 1 for SPICE, whose dies
  /// spread over the worker pool).
  [[nodiscard]] virtual int concurrency() const = 0;
  [[nodiscard]] virtual bool provides(Metric metric) const = 0;
  [[nodiscard]] virtual MetricValues run(int die) = 0;
};

struct BehaviouralOptions {
  std::uint64_t seed = 1;
  int sine_log2 = 14;                ///< coherent sine of 2^N samples (FFT metrics)
  int ramp_per_code = 16;            ///< ramp for DNL/INL and missing codes
  int calibration_points = 1 << 15;  ///< foreground calibration ramp (as eval --draws)
  bool recalibrate = true;
  bool lookup = true;  ///< the DieLookup fast path (false: PipelineModel::convert directly)
  int threads = 1;
  void validate() const;  ///< NNADC-CFG-003
};

/// The behavioural model with each die's draws (pipelines only: NNADC-CFG-003 otherwise).
class BehaviouralEngine final : public Engine {
 public:
  BehaviouralEngine(const adc::Design& design, Recipe recipe, BehaviouralOptions options);
  [[nodiscard]] std::string name() const override { return "behavioural"; }
  [[nodiscard]] int concurrency() const override { return options_.threads; }
  [[nodiscard]] bool provides(Metric metric) const override { return metric != Metric::kPowerW; }
  [[nodiscard]] MetricValues run(int die) override;
  /// One die's codes of the sine and the ramp (what run() measures).
  struct Codes {
    std::vector<std::int64_t> sine;
    std::vector<std::int64_t> ramp;
    std::vector<std::vector<double>> table;  ///< the die's combination table
  };
  [[nodiscard]] Codes convertDie(const adc::PipelineConductances& g) const;
  [[nodiscard]] const adc::PipelineModel& model() const { return model_; }
  [[nodiscard]] std::uint64_t seed() const { return options_.seed; }
  /// The die's combination table after its foreground calibration (the design's without
  /// recalibrate).
  [[nodiscard]] std::vector<std::vector<double>> calibratedTable(
      const adc::PipelineConductances& g) const;
  /// One die alone with everything inside it (`nnadc mc --die K`).
  struct Detail {
    adc::PipelineConductances g;
    std::vector<std::vector<double>> transitions_v;  ///< per stage (DieLookup)
    Codes codes;
    MetricValues metrics;
  };
  [[nodiscard]] Detail detail(int die) const;

 private:
  const adc::Design& design_;
  Recipe recipe_;
  BehaviouralOptions options_;
  adc::PipelineModel model_;
  Eigen::VectorXd sine_;
  Eigen::VectorXd ramp_;
};

struct CampaignOptions {
  int dies = 1000;
  std::uint64_t seed = 1;
  int shard = 0;  ///< this shard runs dies shard, shard + shards, ...
  int shards = 1;
  /// Stop once the Wilson interval of the dies 0..n-1 is narrower than this (0: run all). The
  /// stop point n is the first such prefix, so it does not depend on threads or timing.
  double until_ci = 0.0;
  int min_dies = 20;      ///< no early stop before this many dies
  void validate() const;  ///< NNADC-CFG-003; until_ci with shards > 1: NNADC-MC-003
};

struct Statistics {
  std::string metric;
  int count = 0;
  double min = 0, p5 = 0, p10 = 0, median = 0, p90 = 0, p95 = 0, max = 0, mean = 0;
};

struct CampaignSummary {
  std::vector<DieResult> dies;  ///< the campaign's dies, by index
  int planned = 0;              ///< dies asked for (this shard's share)
  bool stopped_early = false;
  int passed = 0;
  int failed_simulations = 0;
  Interval wilson;
  Interval clopper_pearson;
  double confidence = 0.95;
  std::vector<Statistics> statistics;  ///< every metric with values
  std::vector<int> worst;              ///< indices into dies: failing first, then lowest ENOB
};

/// NNADC-MC-002 (and Spec::validate's) if the spec asks for a metric the engine does not
/// measure; runCampaign checks it, callers that create files first check it before.
void requireMeasurable(const Engine& engine, const Spec& spec);

/// Dies this shard runs, ascending.
std::vector<int> shardDies(const CampaignOptions& options);

/// Runs the shard's dies not in `done` (a resumed journal), `concurrency()` at a time, calling
/// `record` (serialised) for every finished die before it counts, and returns the summary of all
/// of them. A die whose run throws is retried once (engines start a fresh worker), then recorded
/// as a failed simulation with the reason.
CampaignSummary runCampaign(Engine& engine, const Spec& spec, const CampaignOptions& options,
                            std::vector<DieResult> done,
                            const std::function<void(const DieResult&)>& record,
                            Progress& progress = nullProgress());

/// The summary of a set of dies (judged already): applies until_ci's stop rule, statistics, yield.
CampaignSummary summarize(std::vector<DieResult> dies, const Spec& spec,
                          const CampaignOptions& options);

/// Combines shards' dies: refuses (NNADC-MC-004) a die twice with different results, or a
/// missing die of 0..dies-1.
std::vector<DieResult> mergeDies(const std::vector<std::vector<DieResult>>& shards, int dies);

}  // namespace nnadc::mc
