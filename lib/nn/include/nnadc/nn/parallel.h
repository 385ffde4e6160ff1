#pragma once
/// The threads inside one process that training uses (AxTrain's MLP steps, the NN-ADC stage
/// trainer's operating-point solves and refinement): one persistent pool, so a step of a
/// millisecond can still be split without starting threads.
///
/// Reproducibility is the caller's part of the contract: work is split into a FIXED number of
/// chunks that does not depend on the thread count (the chunks are the unit of work, threads only
/// pick them up), every chunk writes its own slot, and the caller combines the slots in chunk
/// order. Then the same inputs give the same bits whether 1 or N threads ran them.
///
/// A call made while the pool is busy (from one of its own chunks, or from another thread that
/// uses it concurrently, e.g. a Monte-Carlo fan-out converting on every core) runs its chunks
/// inline on the calling thread, in order: same results, no deadlock, no oversubscription.
#include <cstddef>
#include <functional>

namespace nnadc::nn {

/// Threads the pool runs chunks on (the caller included). Default: the NNADC_THREADS
/// environment variable if set to 1..256, else std::thread::hardware_concurrency().
int threadCount();
/// Changes the thread count (clamped to [1, 256]); for tests and the command line. Not to be
/// called while a parallelFor is running.
void setThreadCount(int threads);

/// Runs f(k) for every k in [0, chunks), spread over threadCount() threads; returns when all
/// are done. The first exception (lowest chunk) is rethrown after every chunk has finished.
void parallelFor(int chunks, const std::function<void(int)>& f);

/// Chunk k's half-open range when `n` items are cut into `chunks` nearly equal pieces.
struct ChunkRange {
  std::ptrdiff_t begin = 0;
  std::ptrdiff_t end = 0;
};
inline ChunkRange chunkRange(std::ptrdiff_t n, int chunks, int k) {
  const auto c = static_cast<std::ptrdiff_t>(chunks);
  return {n * k / c, n * (k + 1) / c};
}

}  // namespace nnadc::nn
