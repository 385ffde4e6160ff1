#pragma once
// The one bench runner of lib/sim (internal), shared by the stage and pipeline benches, static and
// transient: a batch of chunk decks on the worker pool, each outcome read back in order or its
// failure named; the static sweep cut into fixed chunks of kStaticChunkPoints.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "nnadc/core/error.h"
#include "nnadc/sim/pool.h"
#include "nnadc/sim/stage_bench.h"

namespace nnadc::sim {

inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Points of chunk starting at `first` in a sweep of `points`.
inline int staticChunkCount(int first, int points) {
  return std::min(kStaticChunkPoints, points - first);
}

/// One job per chunk of options.points: make_deck(options with first_point/point_count set).
template <typename MakeDeck>
std::vector<RunRequest> staticChunkJobs(const spice::DeckOptions& options, MakeDeck make_deck,
                                        const std::vector<std::string>& vectors, double timeout_s) {
  std::vector<RunRequest> jobs;
  for (int first = 0; first < options.points; first += kStaticChunkPoints) {
    spice::DeckOptions chunk = options;
    chunk.first_point = first;
    chunk.point_count = staticChunkCount(first, options.points);
    RunRequest job;
    job.deck = make_deck(chunk);
    job.vectors = vectors;
    job.timeout_s = timeout_s;
    jobs.push_back(std::move(job));
  }
  return jobs;
}

/// Runs `jobs` on the pool (results in submission order) and hands each chunk's result to
/// read(c, result); a failed chunk throws its SimulationError prefixed with name(c). Returns the
/// batch's wall time [s].
template <typename Name, typename Read>
double runChunks(WorkerPool& pool, const std::vector<RunRequest>& jobs, Name name, Read read) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<JobOutcome> outcomes = pool.runBatch(jobs);
  const double elapsed_s = secondsSince(start);
  for (std::size_t c = 0; c < outcomes.size(); ++c) {
    const JobOutcome& outcome = outcomes[c];
    if (!outcome.ok)
      throw SimulationError(outcome.error_id, name(c) + ": " + outcome.error_message);
    read(c, outcome.result);
  }
  return elapsed_s;
}

/// Mean of y(t) over [from, to] (trapezoids, ends interpolated).
inline double timeAverage(const std::vector<double>& t, const std::vector<double>& y, double from,
                          double to) {
  if (to <= from) return interpolate(t, y, from);
  double area = 0.0;
  double t_prev = from;
  double y_prev = interpolate(t, y, from);
  const auto begin = std::upper_bound(t.begin(), t.end(), from);
  for (auto it = begin; it != t.end() && *it < to; ++it) {
    const auto k = static_cast<std::size_t>(it - t.begin());
    area += 0.5 * (y_prev + y[k]) * (t[k] - t_prev);
    t_prev = t[k];
    y_prev = y[k];
  }
  area += 0.5 * (y_prev + interpolate(t, y, to)) * (to - t_prev);
  return area / (to - from);
}

/// "<label> chunk c (points a..b)", as errors name chunk c of a sweep of `points`.
inline std::string staticChunkName(const std::string& label, std::size_t c, int points) {
  const int first = static_cast<int>(c) * kStaticChunkPoints;
  return label + " chunk " + std::to_string(c) + " (points " + std::to_string(first) + ".." +
         std::to_string(first + staticChunkCount(first, points) - 1) + ")";
}

}  // namespace nnadc::sim
