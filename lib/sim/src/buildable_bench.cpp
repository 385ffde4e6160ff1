#include "nnadc/sim/buildable_bench.h"

#include "bench_jobs.h"

#include <algorithm>
#include <cmath>

#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"

namespace nnadc::sim {

namespace {

const Vector& require(const RunResult& result, const std::string& name, const std::string& where) {
  const Vector* v = result.find(name);
  if (v == nullptr || v->is_complex) {
    throw SimulationError("NNADC-SIM-008", where + ": vector '" + name + "' missing");
  }
  return *v;
}

}  // namespace

BuildableRun runBuildable(WorkerPool& pool, const adc::Design& design,
                          const spice::BuildableOptions& options, double timeout_s,
                          int chunk_samples) {
  BuildableRun run;
  run.plan = spice::buildablePlan(design, options);  // validates
  const int samples = options.samples;
  const int chunk = chunk_samples <= 0 ? samples : chunk_samples;
  const std::size_t stages = design.pipeline.stages.size();
  const auto supplies = spice::buildableSupplies(design);
  std::vector<spice::BuildablePlan> plans;
  std::vector<RunRequest> jobs;
  for (int first = 0; first < samples; first += chunk) {
    spice::BuildableOptions o = options;
    o.first_sample = first;
    o.sample_count = std::min(chunk, samples - first);
    o.warmup = kBuildableWarmupSamples;
    plans.push_back(spice::buildablePlan(design, o));
    RunRequest job;
    job.deck = spice::buildableDeck(design, o);
    for (std::size_t i = 0; i < stages; ++i) job.vectors.push_back("v(d" + std::to_string(i) + ")");
    for (std::size_t i = 0; i + 1 < stages; ++i) {
      job.vectors.push_back("v(out" + std::to_string(i) + "p)");
      job.vectors.push_back("v(out" + std::to_string(i) + "n)");
    }
    for (const spice::BuildableSupply& s : supplies) job.vectors.push_back("i(" + s.source + ")");
    job.vectors.emplace_back("time");
    job.timeout_s = timeout_s;
    jobs.push_back(std::move(job));
  }
  run.jobs = jobs.size();
  const adc::PipelineModel combination(design.pipeline, design);
  std::vector<double> energy(supplies.size(), 0.0);  // sum over chunks of P x periods
  const auto name = [&](std::size_t c) {
    return "buildable transient chunk " + std::to_string(c) + " (samples " +
           std::to_string(plans[c].first_sample) + ".." +
           std::to_string(plans[c].first_sample + plans[c].sample_count - 1) + ")";
  };
  run.elapsed_s = runChunks(pool, jobs, name, [&](std::size_t c, const RunResult& result) {
    const spice::BuildablePlan& plan = plans[c];
    const std::string where = name(c);
    const Vector& time = require(result, "time", where);
    const auto count = static_cast<std::size_t>(plan.sample_count);
    std::vector<std::vector<int>> decisions(count, std::vector<int>(stages, 0));
    for (std::size_t i = 0; i < stages; ++i) {
      const Vector& d = require(result, "v(d" + std::to_string(i) + ")", where);
      for (std::size_t j = 0; j < count; ++j) {
        decisions[j][i] =
            static_cast<int>(std::lround(interpolate(time.real, d.real, plan.read_times_s[i][j])));
      }
    }
    std::vector<std::vector<double>> residues(count, std::vector<double>(stages, 0.0));
    for (std::size_t i = 0; i + 1 < stages; ++i) {
      const Vector& p = require(result, "v(out" + std::to_string(i) + "p)", where);
      const Vector& n = require(result, "v(out" + std::to_string(i) + "n)", where);
      for (std::size_t j = 0; j < count; ++j) {
        // Stage i + 1 samples it half a period after stage i sampled its own input.
        const double t =
            (static_cast<double>(plan.warmup) + static_cast<double>(j)) * plan.period_s +
            static_cast<double>(i + 1) * plan.period_s / 2 + plan.sample_offset_s;
        residues[j][i] = 0.5 * (design.vdd_v + interpolate(time.real, p.real, t) -
                                interpolate(time.real, n.real, t));
      }
    }
    for (std::size_t j = 0; j < count; ++j) {
      run.codes.push_back(combination.code(decisions[j]));
      run.decisions.push_back(std::move(decisions[j]));
      run.residues_v.push_back(std::move(residues[j]));
    }
    // Power over the reported samples' periods (from the first reported sample's start).
    const double from = plan.warmup * plan.period_s;
    const double to = from + static_cast<double>(count) * plan.period_s;
    for (std::size_t s = 0; s < supplies.size(); ++s) {
      const Vector& i = require(result, "i(" + supplies[s].source + ")", where);
      const double avg = timeAverage(time.real, i.real, from, to);
      const double v = supplies[s].source == "vcmi"
                           ? options.cell.vcm_in_v
                           : (supplies[s].source == "vcm" ? 0.5 * design.vdd_v : design.vdd_v);
      // SPICE sign: a source delivering power carries negative current.
      const bool reference = supplies[s].source == "vcm" || supplies[s].source == "vcmi";
      const double p = reference ? std::abs(v * avg) : -v * avg;
      energy[s] += p * static_cast<double>(count);
    }
  });
  for (std::size_t s = 0; s < supplies.size(); ++s) {
    BlockPower b;
    b.source = supplies[s].source;
    b.block = supplies[s].block;
    b.kind = supplies[s].kind;
    b.stage = supplies[s].stage;
    b.power_w = energy[s] / samples;
    run.power_w += b.power_w;
    run.power.push_back(std::move(b));
  }
  return run;
}

}  // namespace nnadc::sim
