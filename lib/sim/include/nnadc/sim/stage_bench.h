#pragma once
/// Runs the stage benches of spice/stage_deck.h through the worker pool and reads back what the
/// converter did: one output word per input, and the supply current.
///
/// The static sweep is cut into chunks of a fixed number of points (not one per worker): each
/// chunk is its own deck and ngspice solves every chunk from scratch, so the words do not depend
/// on how many workers ran them.
#include <cstddef>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/sim/plot.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/stage_deck.h"

namespace nnadc::sim {

/// Points per static-sweep job: small enough that 4096 points keep 2+ workers busy, large enough
/// that the deck load (~ms) is a small part of each job.
inline constexpr int kStaticChunkPoints = 256;

/// Output words of a bench plot: bit k = 1 where v(bit_k) > threshold_v. Throws SimulationError
/// NNADC-SIM-008 naming a missing vector, NNADC-SIM-014 if the bits have different lengths.
std::vector<adc::Word> wordsFromPlot(const Plot& plot, int outputs, double threshold_v);

struct StaticRun {
  std::vector<double> x_v;       ///< the bin centres [V]
  std::vector<adc::Word> words;  ///< word per input
  std::vector<double> supply_a;  ///< supply current per input [A] (SPICE sign: < 0 delivers)
  std::size_t jobs = 0;          ///< chunks simulated
  double elapsed_s = 0.0;        ///< wall time of the batch [s]
};

/// The static bench of `options` (bench, dialect and chunk fields are set here; the rest is
/// kept), `options.points` inputs in chunks of kStaticChunkPoints. Bits are thresholded at VDD / 2.
/// Throws the first failed chunk's SimulationError (message names the chunk).
StaticRun runStatic(WorkerPool& pool, const adc::Design& design, spice::DeckOptions options,
                    double timeout_s);

struct TransientRun {
  spice::TransientPlan plan;
  std::vector<adc::Word> words;  ///< word per sample, read at the end of each hold
  std::vector<double> time_s;    ///< simulator time points [s]
  std::vector<double> supply_a;  ///< supply current at time_s [A]
  double elapsed_s = 0.0;
};

/// The transient bench (one job). Throws SimulationError as runStatic.
TransientRun runTransient(WorkerPool& pool, const adc::Design& design, spice::DeckOptions options,
                          double timeout_s);

/// Linear interpolation of (t, y) at time t_s (clamped to the ends); t strictly increasing.
double interpolate(const std::vector<double>& t, const std::vector<double>& y, double t_s);

}  // namespace nnadc::sim
