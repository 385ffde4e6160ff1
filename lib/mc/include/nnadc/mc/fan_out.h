#pragma once
/// The one way Monte-Carlo work is spread over cores: sample k of [0, count) runs f(k) on one of
/// `threads` threads (strided). Every sample draws from its own seed (Rng::sampleSeed(base, k)),
/// so the results do not depend on the thread count or order; f writes only to sample k's slot.
#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace nnadc::mc {

/// Threads to use for `count` samples: the machine's cores, at most one per sample.
inline int defaultThreads(int count) {
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, std::max(count, 1));
}

/// Runs f(k) for every k in [0, count); rethrows the first exception (by thread) after all
/// threads have stopped.
template <typename F>
void forEachSample(int count, int threads, F f) {
  threads = std::clamp(threads, 1, std::max(count, 1));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  {
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        try {
          for (int k = t; k < count; k += threads) f(k);
        } catch (...) {
          errors[static_cast<std::size_t>(t)] = std::current_exception();
        }
      });
    }
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace nnadc::mc
