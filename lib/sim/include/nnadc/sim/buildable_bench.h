#pragma once
/// The buildable converter's transient bench (spice/buildable_deck.h) on the worker pool: the
/// record cut into chunks of `chunk_samples` (each with warm-up samples first: the pipeline has no
/// memory beyond its latency and the amplifiers' settling), each stage's decision read from its
/// latched word, the output codes combined as adc::PipelineModel::code does, and the power of
/// every block from its own supply.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/buildable_deck.h"

namespace nnadc::sim {

/// Samples per job of the buildable transient (a fixed split: the same codes for any worker
/// count), and the warm-up samples each job simulates first.
inline constexpr int kBuildableChunkSamples = 16;
inline constexpr int kBuildableWarmupSamples = 2;

struct BlockPower {
  std::string source;  ///< the deck's supply source, e.g. "vdd_ota0"
  std::string block;   ///< what it feeds, e.g. "stage 0 amplifier (OTA, CMFB, bias)"
  spice::BlockKind kind = spice::BlockKind::kReference;
  int stage = -1;  ///< -1: shared by every stage
  double power_w = 0.0;
};

struct BuildableRun {
  spice::BuildablePlan plan;                ///< of the whole record
  std::vector<std::vector<int>> decisions;  ///< [sample][stage]
  std::vector<std::int64_t> codes;          ///< per sample
  /// [sample][stage]: stage i's differential output when stage i + 1 samples it, as the
  /// single-ended equivalent input of stage i + 1, (VDD + v(out_ip) - v(out_in)) / 2 [V] (the
  /// last stage has none: 0).
  std::vector<std::vector<double>> residues_v;
  /// Per supply: V x the average current it delivers over the periods of the reported samples
  /// (warm-up excluded); the common-mode references count |V I|.
  std::vector<BlockPower> power;
  double power_w = 0.0;  ///< sum of `power`
  std::size_t jobs = 0;
  double elapsed_s = 0.0;
};

/// Throws InputError before any job for options or a design the deck does not build;
/// SimulationError for a failed chunk (after the pool's retry).
BuildableRun runBuildable(WorkerPool& pool, const adc::Design& design,
                          const spice::BuildableOptions& options, double timeout_s,
                          int chunk_samples = kBuildableChunkSamples);

}  // namespace nnadc::sim
