#include "nnadc/sim/pipeline_bench.h"

#include "bench_jobs.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/spice/segmented_deck.h"

namespace nnadc::sim {

namespace {

const Vector& require(const Plot& plot, const std::string& name, const std::string& where) {
  const Vector* v = plot.find(name);
  if (v == nullptr || v->is_complex) {
    throw SimulationError("NNADC-SIM-008",
                          where + ": vector '" + name + "' missing from plot '" + plot.name + "'");
  }
  return *v;
}

std::vector<std::string> benchVectors(const adc::Design& design, spice::Bench bench) {
  const adc::Pipeline& pipeline = design.pipeline;
  std::vector<std::string> names;
  if (spice::hasSegmentedFrontEnd(design, bench)) {
    for (int j = 1; j <= design.segmented->segments; ++j) {
      names.push_back(spice::segmentComparatorVector(j));
    }
    names.emplace_back(spice::kFrontEndSupplyVector);
  }
  for (std::size_t i = 0; i < pipeline.stages.size(); ++i) {
    for (int k = 0; k < pipeline.stages[i].adc.shape.outputs(); ++k) {
      names.push_back(spice::pipelineBitVector(i, k));
    }
    names.push_back(spice::supplyVector(i));
    names.push_back(spice::pipelineInputVector(i));
  }
  return names;
}

const Plot& benchPlot(const RunResult& result, const std::string& where) {
  const std::string probe = spice::pipelineBitVector(0, 0);
  for (const Plot& p : result.plots) {
    if (p.find(probe) != nullptr) return p;
  }
  throw SimulationError("NNADC-SIM-008",
                        where + ": vector '" + probe + "' missing from the results");
}

struct Decoders {
  std::vector<std::vector<int>> dense;  // per stage: decision of every word
  explicit Decoders(const adc::Pipeline& pipeline) {
    for (const auto& stage : pipeline.stages) {
      dense.push_back(adc::stageDecoder(stage.adc).dense(stage.adc.shape.outputs()));
    }
  }
  [[nodiscard]] std::vector<int> decide(const std::vector<adc::Word>& words) const {
    std::vector<int> d;
    for (std::size_t i = 0; i < words.size(); ++i) {
      d.push_back(dense[i][static_cast<std::size_t>(words[i])]);
    }
    return d;
  }
};

}  // namespace

PipelineStaticRun runPipelineStatic(WorkerPool& pool, const adc::Design& design,
                                    spice::DeckOptions options, double timeout_s) {
  options.bench = spice::Bench::kStatic;
  options.dialect = spice::Dialect::kNgspice;
  options.first_point = 0;
  options.point_count = 0;
  options.validate();
  const std::vector<RunRequest> jobs = staticChunkJobs(
      options, [&](const spice::DeckOptions& chunk) { return spice::pipelineDeck(design, chunk); },
      benchVectors(design, spice::Bench::kStatic), timeout_s);
  const adc::Pipeline& pipeline = design.pipeline;
  const std::size_t stages = pipeline.stages.size();
  const Decoders decoders(pipeline);
  const adc::PipelineModel combination(pipeline, design);
  PipelineStaticRun run;
  run.x_v = spice::pipelineStaticInputs(design, options);
  run.jobs = jobs.size();
  const double threshold = 0.5 * design.vdd_v;
  const bool segmented = spice::hasSegmentedFrontEnd(design, spice::Bench::kStatic);
  const auto name = [&](std::size_t c) {
    return staticChunkName("pipeline static", c, options.points);
  };
  run.elapsed_s = runChunks(pool, jobs, name, [&](std::size_t c, const RunResult& result) {
    const int first = static_cast<int>(c) * kStaticChunkPoints;
    const auto expected = static_cast<std::size_t>(staticChunkCount(first, options.points));
    const std::string where = name(c);
    const Plot& plot = benchPlot(result, where);
    std::vector<std::vector<adc::Word>> words(expected, std::vector<adc::Word>(stages, 0));
    std::vector<std::vector<double>> supply(expected, std::vector<double>(stages, 0.0));
    std::vector<std::vector<double>> inputs(expected, std::vector<double>(stages, 0.0));
    for (std::size_t i = 0; i < stages; ++i) {
      for (int k = 0; k < pipeline.stages[i].adc.shape.outputs(); ++k) {
        const Vector& bit = require(plot, spice::pipelineBitVector(i, k), where);
        if (bit.real.size() != expected) {
          throw SimulationError("NNADC-SIM-014", where + ": expected " + std::to_string(expected) +
                                                     " points, got " +
                                                     std::to_string(bit.real.size()));
        }
        for (std::size_t p = 0; p < expected; ++p) {
          if (bit.real[p] > threshold) words[p][i] |= adc::Word{1} << k;
        }
      }
      const Vector& current = require(plot, spice::supplyVector(i), where);
      if (current.real.size() != expected) {
        throw SimulationError("NNADC-SIM-014", where + ": supply " + std::to_string(i) + " has " +
                                                   std::to_string(current.real.size()) +
                                                   " points, expected " + std::to_string(expected));
      }
      const Vector& input = require(plot, spice::pipelineInputVector(i), where);
      for (std::size_t p = 0; p < expected; ++p) {
        supply[p][i] = current.real[p];
        inputs[p][i] = input.real.at(p);
      }
    }
    if (segmented) {
      std::vector<int> segment(expected, 0);
      for (int j = 1; j <= design.segmented->segments; ++j) {
        const Vector& cmp = require(plot, spice::segmentComparatorVector(j), where);
        for (std::size_t p = 0; p < expected; ++p) {
          if (cmp.real.at(p) < threshold) ++segment[p];
        }
      }
      const Vector& current = require(plot, spice::kFrontEndSupplyVector, where);
      for (std::size_t p = 0; p < expected; ++p) {
        run.segments.push_back(segment[p]);
        run.comparator_supply_a.push_back(current.real.at(p));
      }
    }
    for (std::size_t p = 0; p < expected; ++p) {
      run.decisions.push_back(decoders.decide(words[p]));
      run.codes.push_back(combination.code(run.decisions.back()));
    }
    run.words.insert(run.words.end(), words.begin(), words.end());
    run.supply_a.insert(run.supply_a.end(), supply.begin(), supply.end());
    run.inputs_v.insert(run.inputs_v.end(), inputs.begin(), inputs.end());
  });
  return run;
}

PipelineTransientRun runPipelineTransient(WorkerPool& pool, const adc::Design& design,
                                          spice::DeckOptions options, double timeout_s,
                                          int chunk_samples) {
  options.bench = spice::Bench::kTransient;
  options.dialect = spice::Dialect::kNgspice;
  options.validate();
  const int chunk = chunk_samples <= 0 ? options.samples : chunk_samples;
  const int warmup = chunk_samples <= 0 ? 0 : kTransientWarmupSamples;
  std::vector<spice::PipelinePlan> plans;
  std::vector<RunRequest> jobs;
  for (int first = 0; first < options.samples; first += chunk) {
    spice::SampleWindow window;
    window.first_sample = first;
    window.sample_count = std::min(chunk, options.samples - first);
    window.warmup = warmup;
    plans.push_back(spice::pipelinePlan(design, options, window));
    RunRequest job;
    job.deck = spice::pipelineDeck(design, options, window);
    job.vectors = benchVectors(design, spice::Bench::kTransient);
    job.vectors.emplace_back("time");
    job.timeout_s = timeout_s;
    jobs.push_back(std::move(job));
  }
  const adc::Pipeline& pipeline = design.pipeline;
  const std::size_t stages = pipeline.stages.size();
  const Decoders decoders(pipeline);
  const adc::PipelineModel combination(pipeline, design);
  PipelineTransientRun run;
  run.plan = spice::pipelinePlan(design, options);
  run.jobs = jobs.size();
  run.supply_avg_a.assign(stages, 0.0);
  const double threshold = 0.5 * design.vdd_v;
  const auto name = [&](std::size_t c) {
    const spice::PipelinePlan& plan = plans[c];
    return "pipeline transient chunk " + std::to_string(c) + " (samples " +
           std::to_string(plan.first_sample) + ".." +
           std::to_string(plan.first_sample + plan.sample_count - 1) + ")";
  };
  run.elapsed_s = runChunks(pool, jobs, name, [&](std::size_t c, const RunResult& result) {
    const spice::PipelinePlan& plan = plans[c];
    const std::string where = name(c);
    const Plot& plot = benchPlot(result, where);
    const Vector& time = require(plot, "time", where);
    const auto count = static_cast<std::size_t>(plan.sample_count);
    std::vector<std::vector<adc::Word>> words(count, std::vector<adc::Word>(stages, 0));
    std::vector<std::vector<double>> inputs(count, std::vector<double>(stages, 0.0));
    for (std::size_t i = 0; i < stages; ++i) {
      const Vector& input = require(plot, spice::pipelineInputVector(i), where);
      for (std::size_t j = 0; j < count; ++j) {
        inputs[j][i] = interpolate(time.real, input.real, plan.read_times_s[i][j]);
      }
      for (int k = 0; k < pipeline.stages[i].adc.shape.outputs(); ++k) {
        const Vector& bit = require(plot, spice::pipelineBitVector(i, k), where);
        for (std::size_t j = 0; j < count; ++j) {
          if (interpolate(time.real, bit.real, plan.read_times_s[i][j]) > threshold) {
            words[j][i] |= adc::Word{1} << k;
          }
        }
      }
      const Vector& current = require(plot, spice::supplyVector(i), where);
      // Every chunk's window is sample_count periods long: weight by it.
      run.supply_avg_a[i] +=
          timeAverage(time.real, current.real, plan.average_from_s[i], plan.average_to_s[i]) *
          static_cast<double>(count) / static_cast<double>(options.samples);
    }
    for (std::size_t j = 0; j < count; ++j) {
      run.decisions.push_back(decoders.decide(words[j]));
      run.codes.push_back(combination.code(run.decisions.back()));
    }
    run.words.insert(run.words.end(), words.begin(), words.end());
    run.inputs_v.insert(run.inputs_v.end(), inputs.begin(), inputs.end());
  });
  return run;
}

}  // namespace nnadc::sim
