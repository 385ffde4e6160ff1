#include "nnadc/sim/stage_bench.h"

#include "bench_jobs.h"

#include <algorithm>
#include <chrono>

#include "nnadc/core/error.h"

namespace nnadc::sim {

namespace {

const Vector& require(const Plot& plot, const std::string& name) {
  const Vector* v = plot.find(name);
  if (v == nullptr || v->is_complex) {
    throw SimulationError("NNADC-SIM-008",
                          "vector '" + name + "' missing from plot '" + plot.name + "'");
  }
  return *v;
}

std::vector<std::string> benchVectors(int outputs, std::size_t stage) {
  std::vector<std::string> names;
  for (int k = 0; k < outputs; ++k) names.push_back(spice::bitVector(k));
  names.push_back(spice::supplyVector(stage));
  return names;
}

// The plot holding the bits (the bench's only analysis).
const Plot* benchPlot(const RunResult& result, const std::string& where) {
  for (const Plot& p : result.plots) {
    if (p.find(spice::bitVector(0)) != nullptr) return &p;
  }
  throw SimulationError("NNADC-SIM-008",
                        where + ": vector '" + spice::bitVector(0) + "' missing from the results");
}

}  // namespace

std::vector<adc::Word> wordsFromPlot(const Plot& plot, int outputs, double threshold_v) {
  std::vector<adc::Word> words;
  for (int k = 0; k < outputs; ++k) {
    const Vector& bit = require(plot, spice::bitVector(k));
    if (k == 0) words.assign(bit.real.size(), 0);
    if (bit.real.size() != words.size()) {
      throw SimulationError("NNADC-SIM-014",
                            "vector '" + bit.name + "' has " + std::to_string(bit.real.size()) +
                                " points, bit 0 has " + std::to_string(words.size()));
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (bit.real[i] > threshold_v) words[i] |= adc::Word{1} << k;
    }
  }
  return words;
}

StaticRun runStatic(WorkerPool& pool, const adc::Design& design, spice::DeckOptions options,
                    double timeout_s) {
  options.bench = spice::Bench::kStatic;
  options.dialect = spice::Dialect::kNgspice;
  options.first_point = 0;
  options.point_count = 0;
  options.validate();
  const adc::StageShape& shape = design.stage(options.stage).shape;
  const int outputs = shape.outputs();
  const std::vector<RunRequest> jobs = staticChunkJobs(
      options, [&](const spice::DeckOptions& chunk) { return spice::stageDeck(design, chunk); },
      benchVectors(outputs, options.stage), timeout_s);
  StaticRun run;
  run.x_v = spice::staticInputs(shape, options.points);
  run.jobs = jobs.size();
  const auto name = [&](std::size_t c) { return staticChunkName("static", c, options.points); };
  run.elapsed_s = runChunks(pool, jobs, name, [&](std::size_t c, const RunResult& result) {
    const int first = static_cast<int>(c) * kStaticChunkPoints;
    const auto expected = static_cast<std::size_t>(staticChunkCount(first, options.points));
    const Plot* plot = benchPlot(result, name(c));
    const auto words = wordsFromPlot(*plot, outputs, 0.5 * shape.vdd_v);
    const Vector& supply = require(*plot, spice::supplyVector(options.stage));
    if (words.size() != expected || supply.real.size() != expected) {
      throw SimulationError("NNADC-SIM-014", name(c) + ": expected " + std::to_string(expected) +
                                                 " points, got " + std::to_string(words.size()));
    }
    run.words.insert(run.words.end(), words.begin(), words.end());
    run.supply_a.insert(run.supply_a.end(), supply.real.begin(), supply.real.end());
  });
  return run;
}

double interpolate(const std::vector<double>& t, const std::vector<double>& y, double t_s) {
  if (t.empty() || t.size() != y.size()) return 0.0;
  if (t_s <= t.front()) return y.front();
  if (t_s >= t.back()) return y.back();
  const auto it = std::upper_bound(t.begin(), t.end(), t_s);
  const auto i = static_cast<std::size_t>(it - t.begin());
  const double a = (t_s - t[i - 1]) / (t[i] - t[i - 1]);
  return y[i - 1] + a * (y[i] - y[i - 1]);
}

TransientRun runTransient(WorkerPool& pool, const adc::Design& design, spice::DeckOptions options,
                          double timeout_s) {
  options.bench = spice::Bench::kTransient;
  options.dialect = spice::Dialect::kNgspice;
  const adc::StageShape& shape = design.stage(options.stage).shape;
  const int outputs = shape.outputs();
  TransientRun run;
  run.plan = spice::transientPlan(shape, options);
  RunRequest job;
  job.deck = spice::stageDeck(design, options);
  job.vectors = benchVectors(outputs, options.stage);
  job.vectors.emplace_back("time");
  job.timeout_s = timeout_s;
  const auto name = [](std::size_t) { return std::string("transient"); };
  run.elapsed_s = runChunks(pool, {job}, name, [&](std::size_t, const RunResult& result) {
    const Plot* plot = benchPlot(result, "transient");
    const Vector& time = require(*plot, "time");
    run.words.assign(run.plan.read_times_s.size(), 0);
    for (int k = 0; k < outputs; ++k) {
      const Vector& bit = require(*plot, spice::bitVector(k));
      for (std::size_t n = 0; n < run.words.size(); ++n) {
        if (interpolate(time.real, bit.real, run.plan.read_times_s[n]) > 0.5 * shape.vdd_v) {
          run.words[n] |= adc::Word{1} << k;
        }
      }
    }
    run.time_s = time.real;
    run.supply_a = require(*plot, spice::supplyVector(options.stage)).real;
  });
  return run;
}

}  // namespace nnadc::sim
