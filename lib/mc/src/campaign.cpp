#include "nnadc/mc/campaign.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/die_lookup.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"

namespace nnadc::mc {

namespace {
constexpr const char* kMetricNames[kMetricCount] = {
    "enob",         "sndr_db",     "sfdr_db",         "thd_db",
    "enob_sinefit", "dnl_lsb_min", "dnl_lsb_max",     "dnl_abs_max_lsb",
    "inl_lsb_min",  "inl_lsb_max", "inl_abs_max_lsb", "missing_codes",
    "power_w"};
}  // namespace

void Recipe::validate() const {
  requireInRange("NNADC-CFG-003", "rram_sigma", rram_sigma, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "stuck_off_rate", stuck_off_rate, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "stuck_on_rate", stuck_on_rate, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "read_noise_sigma", read_noise_sigma, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "cmos_mismatch.scale", cmos_scale, 0.0, 100.0);
}

rram::VariationOptions Recipe::rram() const {
  rram::VariationOptions v;
  v.lognormal_sigma = rram_sigma;
  v.stuck_off_rate = stuck_off_rate;
  v.stuck_on_rate = stuck_on_rate;
  v.read_noise_sigma = read_noise_sigma;
  return v;
}

adc::PipelineConductances drawDie(const adc::PipelineModel& model, const adc::Design& design,
                                  const Recipe& recipe, std::uint64_t seed, int die) {
  Rng rng(Rng::sampleSeed(seed, static_cast<std::uint64_t>(die)));
  adc::PipelineConductances g = model.draw(recipe.rram(), rng);
  if (recipe.cmos_scale > 0.0) {
    adc::drawCmosMismatch(design, recipe.cmos, recipe.cmos_scale, rng, g);
  }
  return g;
}

const char* metricName(Metric metric) { return kMetricNames[static_cast<int>(metric)]; }

Metric parseMetric(const std::string& name, const std::string& where) {
  for (int i = 0; i < kMetricCount; ++i) {
    if (name == kMetricNames[i]) return static_cast<Metric>(i);
  }
  std::string all;
  for (const char* n : kMetricNames) all += std::string(all.empty() ? "" : ", ") + n;
  throw InputError("NNADC-MC-002",
                   where + ": '" + name + "' is not a campaign metric (one of " + all + ")");
}

MetricValues dieMetrics(const metrics::Analysis& sine, const metrics::Analysis& ramp,
                        std::optional<double> power_w) {
  MetricValues m(kMetricCount);
  const auto set = [&](Metric k, std::optional<double> v) {
    if (v && std::isfinite(*v)) m[static_cast<std::size_t>(k)] = v;
  };
  if (sine.spectrum) {
    set(Metric::kEnob, sine.spectrum->enob);
    set(Metric::kSndrDb, sine.spectrum->sndr_db);
    set(Metric::kSfdrDb, sine.spectrum->sfdr_db);
    set(Metric::kThdDb, sine.spectrum->thd_db);
  }
  set(Metric::kEnobSinefit, sine.enob_sinefit);
  const auto& cd = ramp.code_density;
  // INL against the best-fit line (metrics' default reference, as metrics JSON reports it).
  set(Metric::kDnlMin, cd.dnl_min_lsb);
  set(Metric::kDnlMax, cd.dnl_max_lsb);
  set(Metric::kDnlAbsMax, std::max(std::fabs(cd.dnl_min_lsb), std::fabs(cd.dnl_max_lsb)));
  set(Metric::kInlMin, cd.inl_best_fit_min_lsb);
  set(Metric::kInlMax, cd.inl_best_fit_max_lsb);
  set(Metric::kInlAbsMax,
      std::max(std::fabs(cd.inl_best_fit_min_lsb), std::fabs(cd.inl_best_fit_max_lsb)));
  set(Metric::kMissingCodes, static_cast<double>(cd.missing_codes.size()));
  set(Metric::kPowerW, power_w);
  return m;
}

void Spec::validate() const {
  if (criteria.empty()) throw InputError("NNADC-MC-002", "the spec has no criterion");
  for (const Criterion& c : criteria) {
    if (!c.min && !c.max) {
      throw InputError("NNADC-MC-002", std::string("spec field '") + metricName(c.metric) +
                                           "' has neither \"min\" nor \"max\"");
    }
  }
  requireInRange("NNADC-CFG-003", "confidence", confidence, 0.5, 0.9999);
}

void judge(const Spec& spec, DieResult& die) {
  die.violated.clear();
  for (const Criterion& c : spec.criteria) {
    const auto& v = die.metrics[static_cast<std::size_t>(c.metric)];
    const bool ok = die.simulated && v && (!c.min || *v >= *c.min) && (!c.max || *v <= *c.max);
    if (!ok) die.violated.emplace_back(metricName(c.metric));
  }
  die.pass = die.simulated && die.violated.empty();
}

void BehaviouralOptions::validate() const {
  requireInRange("NNADC-CFG-003", "sine-log2", sine_log2, 8, 20);
  requireInRange("NNADC-CFG-003", "ramp-per-level", ramp_per_code, 1, 1024);
  requireInRange("NNADC-CFG-003", "calibration-points", calibration_points, 16, 1 << 22);
  requireInRange("NNADC-CFG-003", "workers", threads, 1, 1024);
}

BehaviouralEngine::BehaviouralEngine(const adc::Design& design, Recipe recipe,
                                     BehaviouralOptions options)
    : design_(design),
      recipe_(std::move(recipe)),
      options_(options),
      model_(design.pipeline, design) {
  options_.validate();
  recipe_.validate();
  if (design.singleStage()) {
    throw InputError("NNADC-CFG-003",
                     "nnadc mc: the behavioural campaign applies to pipelined designs; this "
                     "design is a single stage");
  }
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  const std::size_t n = std::size_t{1} << static_cast<unsigned>(options_.sine_log2);
  sine_ = adc::coherentSine(lo, hi, n, adc::coherentCycles(n, adc::kDefaultSineFraction));
  const Eigen::Index r = static_cast<Eigen::Index>(options_.ramp_per_code) << design.pipeline.bits;
  ramp_.resize(r);
  for (Eigen::Index k = 0; k < r; ++k) {
    ramp_(k) = lo + (hi - lo) * (static_cast<double>(k) + 0.5) / static_cast<double>(r);
  }
}

std::vector<std::vector<double>> BehaviouralEngine::calibratedTable(
    const adc::PipelineConductances& g) const {
  if (!options_.recalibrate) return model_.pipeline().table;
  if (!options_.lookup) return model_.calibrate(g, options_.calibration_points);
  const adc::DieLookup lookup(model_, g);
  const Eigen::VectorXd cal = model_.calibrationRamp(options_.calibration_points);
  return model_.calibrateFrom(cal, lookup.decisions(cal));
}

BehaviouralEngine::Codes BehaviouralEngine::convertDie(const adc::PipelineConductances& g) const {
  adc::PipelineModel die = model_;
  Codes c;
  if (options_.lookup) {
    const adc::DieLookup lookup(model_, g);
    if (options_.recalibrate) {
      const Eigen::VectorXd cal = model_.calibrationRamp(options_.calibration_points);
      die.setTable(model_.calibrateFrom(cal, lookup.decisions(cal)));
    }
    c.sine = die.codes(lookup.decisions(sine_));
    c.ramp = die.codes(lookup.decisions(ramp_));
  } else {
    if (options_.recalibrate) die.setTable(model_.calibrate(g, options_.calibration_points));
    c.sine = die.convert(g, sine_);
    c.ramp = die.convert(g, ramp_);
  }
  c.table = die.pipeline().table;
  return c;
}

namespace {
MetricValues measure(const BehaviouralEngine::Codes& c, int bits) {
  metrics::AnalysisOptions sine;
  sine.bits = bits;
  metrics::AnalysisOptions ramp = sine;
  ramp.record = metrics::RecordKind::kRamp;
  return dieMetrics(metrics::analyzeCodes(c.sine, sine), metrics::analyzeCodes(c.ramp, ramp),
                    std::nullopt);
}
}  // namespace

BehaviouralEngine::Detail BehaviouralEngine::detail(int die) const {
  Detail d;
  d.g = drawDie(model_, design_, recipe_, options_.seed, die);
  const adc::DieLookup lookup(model_, d.g);
  for (std::size_t i = 0; i < design_.pipeline.stages.size(); ++i) {
    d.transitions_v.push_back(lookup.transitions(i));
  }
  d.codes = convertDie(d.g);
  d.metrics = measure(d.codes, design_.pipeline.bits);
  return d;
}

MetricValues BehaviouralEngine::run(int die) {
  const auto g = drawDie(model_, design_, recipe_, options_.seed, die);
  return measure(convertDie(g), design_.pipeline.bits);
}

void CampaignOptions::validate() const {
  requireInRange("NNADC-CFG-003", "dies", dies, 1, 10000000);
  requireInRange("NNADC-CFG-003", "shard count", shards, 1, 100000);
  requireInRange("NNADC-CFG-003", "shard index", shard, 0, shards - 1);
  requireInRange("NNADC-CFG-003", "until-ci", until_ci, 0.0, 1.0);
  if (until_ci > 0.0 && shards > 1) {
    throw InputError("NNADC-MC-003",
                     "--until-ci stops on the first dies 0..n-1 of the whole campaign, which no "
                     "single shard sees: run it unsharded, or give --dies without --until-ci");
  }
}

std::vector<int> shardDies(const CampaignOptions& options) {
  std::vector<int> out;
  for (int k = options.shard; k < options.dies; k += options.shards) out.push_back(k);
  return out;
}

namespace {
double percentile(const std::vector<double>& sorted, double q) {
  // Linear interpolation between order statistics (Hyndman-Fan type 7, numpy's default).
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(h));
  const std::size_t j = std::min(i + 1, sorted.size() - 1);
  return sorted[i] + (h - static_cast<double>(i)) * (sorted[j] - sorted[i]);
}

/// The stop point of --until-ci: the first prefix 0..n-1 (all present, n >= min_dies) whose
/// Wilson interval is narrower than asked; nullopt if none.
template <typename Dies, typename Get>
std::optional<int> stopPoint(const Dies& dies, Get get, const Spec& spec,
                             const CampaignOptions& options) {
  if (options.until_ci <= 0.0) return std::nullopt;
  int passed = 0;
  int count = 0;
  for (const auto& item : dies) {
    const DieResult& d = get(item);
    if (d.index != count) return std::nullopt;  // a gap: not yet
    passed += d.pass ? 1 : 0;
    ++count;
    if (count >= options.min_dies &&
        wilsonInterval(passed, count, spec.confidence).width() < options.until_ci) {
      return count;
    }
  }
  return std::nullopt;
}
}  // namespace

CampaignSummary summarize(std::vector<DieResult> dies, const Spec& spec,
                          const CampaignOptions& options) {
  std::sort(dies.begin(), dies.end(),
            [](const DieResult& a, const DieResult& b) { return a.index < b.index; });
  CampaignSummary s;
  s.planned = static_cast<int>(shardDies(options).size());
  if (const auto stop = stopPoint(
          dies, [](const DieResult& d) -> const DieResult& { return d; }, spec, options)) {
    dies.resize(static_cast<std::size_t>(*stop));
    s.stopped_early = *stop < options.dies;
  }
  s.confidence = spec.confidence;
  for (const DieResult& d : dies) {
    s.passed += d.pass ? 1 : 0;
    s.failed_simulations += d.simulated ? 0 : 1;
  }
  const int n = static_cast<int>(dies.size());
  s.wilson = wilsonInterval(s.passed, n, spec.confidence);
  s.clopper_pearson = clopperPearsonInterval(s.passed, n, spec.confidence);
  for (int m = 0; m < kMetricCount; ++m) {
    std::vector<double> v;
    for (const DieResult& d : dies) {
      if (d.metrics[static_cast<std::size_t>(m)])
        v.push_back(*d.metrics[static_cast<std::size_t>(m)]);
    }
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    Statistics st;
    st.metric = kMetricNames[m];
    st.count = static_cast<int>(v.size());
    st.min = v.front();
    st.max = v.back();
    st.p5 = percentile(v, 0.05);
    st.p10 = percentile(v, 0.10);
    st.median = percentile(v, 0.5);
    st.p90 = percentile(v, 0.90);
    st.p95 = percentile(v, 0.95);
    double sum = 0.0;
    for (const double x : v) sum += x;
    st.mean = sum / static_cast<double>(v.size());
    s.statistics.push_back(st);
  }
  std::vector<int> order(dies.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  const auto enob = [&](int i) {
    const auto& v = dies[static_cast<std::size_t>(i)].metrics[0];
    return v ? *v : -1e300;
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& da = dies[static_cast<std::size_t>(a)];
    const auto& db = dies[static_cast<std::size_t>(b)];
    if (da.pass != db.pass) return !da.pass;
    return enob(a) < enob(b);
  });
  constexpr std::size_t kWorstListed = 10;
  order.resize(std::min(order.size(), kWorstListed));
  s.worst = order;
  s.dies = std::move(dies);
  return s;
}

void requireMeasurable(const Engine& engine, const Spec& spec) {
  spec.validate();
  for (const Criterion& c : spec.criteria) {
    if (!engine.provides(c.metric)) {
      throw InputError("NNADC-MC-002", std::string("spec field '") + metricName(c.metric) +
                                           "': the " + engine.name() +
                                           " engine does not measure it");
    }
  }
}

CampaignSummary runCampaign(Engine& engine, const Spec& spec, const CampaignOptions& options,
                            std::vector<DieResult> done,
                            const std::function<void(const DieResult&)>& record,
                            Progress& progress) {
  options.validate();
  requireMeasurable(engine, spec);
  std::map<int, DieResult> results;
  for (DieResult& d : done) {
    judge(spec, d);
    results.emplace(d.index, std::move(d));
  }
  std::vector<int> todo;
  for (const int k : shardDies(options)) {
    if (!results.contains(k)) todo.push_back(k);
  }
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto stopped = [&] {  // under mutex
    if (options.until_ci <= 0.0) return false;
    return stopPoint(
               results, [](const auto& kv) -> const DieResult& { return kv.second; }, spec, options)
        .has_value();
  };
  {
    std::lock_guard lock(mutex);
    stop = stopped();
  }
  ProgressTask task(progress, "Monte-Carlo dies (" + engine.name() + ")", todo.size());
  int passed = 0;  // of results, for the running yield beside the bar (under mutex)
  for (const auto& [k, d] : results) passed += d.pass ? 1 : 0;
  std::exception_ptr error;
  const auto work = [&] {
    for (;;) {
      if (stop) return;
      const std::size_t i = next++;
      if (i >= todo.size()) return;
      DieResult d;
      d.index = todo[i];
      d.seed = Rng::sampleSeed(options.seed, static_cast<std::uint64_t>(d.index));
      for (d.attempts = 1;; ++d.attempts) {
        try {
          d.metrics = engine.run(d.index);
          d.simulated = true;
          d.failure.clear();
          break;
        } catch (const InputError&) {
          std::lock_guard lock(mutex);
          if (!error) error = std::current_exception();
          stop = true;
          return;
        } catch (const std::exception& e) {
          d.simulated = false;
          d.failure = e.what();
          d.metrics.assign(kMetricCount, std::nullopt);
          if (d.attempts == 2) break;
        }
      }
      judge(spec, d);
      std::lock_guard lock(mutex);
      try {
        record(d);
      } catch (...) {
        if (!error) error = std::current_exception();
        stop = true;
        return;
      }
      passed += d.pass ? 1 : 0;
      results.emplace(d.index, std::move(d));
      char yield[48];
      std::snprintf(yield, sizeof yield, "yield %.1f %%",
                    100.0 * passed / static_cast<double>(results.size()));
      progress.detail(yield);  // before the count moves, so the redraw shows it
      task.advance();
      if (stopped()) stop = true;
    }
  };
  {
    std::vector<std::jthread> pool;
    const int threads =
        std::clamp(engine.concurrency(), 1, std::max<int>(1, static_cast<int>(todo.size())));
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  }
  if (error) std::rethrow_exception(error);
  std::vector<DieResult> all;
  for (auto& [k, d] : results) all.push_back(std::move(d));
  return summarize(std::move(all), spec, options);
}

std::vector<DieResult> mergeDies(const std::vector<std::vector<DieResult>>& shards, int dies) {
  std::map<int, DieResult> merged;
  for (const auto& shard : shards) {
    for (const DieResult& d : shard) {
      if (d.index < 0 || d.index >= dies) {
        throw InputError("NNADC-MC-004", "die " + std::to_string(d.index) +
                                             " is outside the campaign's 0.." +
                                             std::to_string(dies - 1));
      }
      const auto [it, inserted] = merged.emplace(d.index, d);
      if (!inserted && (it->second.metrics != d.metrics || it->second.simulated != d.simulated)) {
        throw InputError("NNADC-MC-004", "die " + std::to_string(d.index) +
                                             " appears in two shards with different results");
      }
    }
  }
  std::vector<DieResult> out;
  for (int k = 0; k < dies; ++k) {
    const auto it = merged.find(k);
    if (it == merged.end()) {
      throw InputError("NNADC-MC-004", "die " + std::to_string(k) +
                                           " is in none of the shards given (is a shard missing "
                                           "or unfinished?)");
    }
    out.push_back(it->second);
  }
  return out;
}

}  // namespace nnadc::mc
