#pragma once
/// Runs the pipeline benches of spice/pipeline_deck.h through the worker pool and reads back what
/// the converter did: each stage's output word and decision, the combined output code, and each
/// stage's supply current.
///
/// Decisions are the stage's adc::Decoder applied to the word read in C++ (bit k = V(bit<i>_k) >
/// VDD/2); the code is the pipeline's own digital combination (adc::PipelineModel::code).
/// Both benches run as fixed-size chunks (static: kStaticChunkPoints inputs; transient:
/// kTransientChunkSamples samples plus kTransientWarmupSamples warm-up samples), so results do not
/// depend on the number of workers.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/sim/pool.h"
#include "nnadc/sim/stage_bench.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::sim {

/// Samples per transient job. Each job also simulates warm-up samples and the pipeline latency
/// ((S + 1) / 2 periods), so shorter chunks waste more time on overhead.
inline constexpr int kTransientChunkSamples = 32;
/// Samples simulated before each chunk's first sample: the pipeline holds nothing older than its
/// latency, so one would do; two keep the initial DC operating point well clear of the reads.
inline constexpr int kTransientWarmupSamples = 2;

struct PipelineStaticRun {
  std::vector<double> x_v;                    ///< the bin centres [V]
  std::vector<std::vector<adc::Word>> words;  ///< [input][stage]
  std::vector<std::vector<int>> decisions;    ///< [input][stage]
  std::vector<std::vector<double>> inputs_v;  ///< [input][stage]: v_i (v_0 = x) [V]
  std::vector<std::int64_t> codes;            ///< per input
  std::vector<std::vector<double>> supply_a;  ///< [input][stage] (SPICE sign: < 0 delivers) [A]
  /// A segmented design's front end (spice/segmented_deck.h; empty otherwise), per input: the
  /// segment k read from the comparators (#{j : V(cmp<j>) < VDD / 2}), and the comparators'
  /// supply current (SPICE sign) [A]. Then x_v are the converter's inputs and codes the mantissa
  /// pipeline's codes of the tap the front end chose.
  std::vector<int> segments;
  std::vector<double> comparator_supply_a;
  std::size_t jobs = 0;    ///< chunks simulated
  double elapsed_s = 0.0;  ///< wall time of the batch [s]
};

/// The static bench: `options.points` bin centres over the first stage's window, in chunks of
/// kStaticChunkPoints (bench, dialect and chunk fields are set here). Throws the first failed
/// chunk's SimulationError (message names the chunk), InputError as pipelineDeck.
PipelineStaticRun runPipelineStatic(WorkerPool& pool, const adc::Design& design,
                                    spice::DeckOptions options, double timeout_s);

struct PipelineTransientRun {
  spice::PipelinePlan plan;                   ///< of the whole record (one window)
  std::vector<std::vector<adc::Word>> words;  ///< [sample][stage]
  std::vector<std::vector<int>> decisions;    ///< [sample][stage]
  std::vector<std::vector<double>> inputs_v;  ///< [sample][stage]: v_i at the read [V]
  std::vector<std::int64_t> codes;            ///< per sample
  /// Per stage: supply current averaged over the periods in which the stage processed the record's
  /// samples (warm-up and latency excluded; SPICE sign) [A].
  std::vector<double> supply_avg_a;
  std::size_t jobs = 0;
  double elapsed_s = 0.0;  ///< wall time of the batch [s]
};

/// The transient bench, `options.samples` samples in chunks of `chunk_samples` (0 = one job with
/// no warm-up). Throws as runPipelineStatic.
PipelineTransientRun runPipelineTransient(WorkerPool& pool, const adc::Design& design,
                                          spice::DeckOptions options, double timeout_s,
                                          int chunk_samples = kTransientChunkSamples);

}  // namespace nnadc::sim
