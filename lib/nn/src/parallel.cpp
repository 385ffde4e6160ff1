#include "nnadc/nn/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nnadc::nn {

namespace {

constexpr int kMaxThreads = 256;

int defaultThreadCount() {
  if (const char* env = std::getenv("NNADC_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 1 && v <= kMaxThreads) return static_cast<int>(v);
  }
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, kMaxThreads);
}

// Workers wait for a new generation, take chunks from a shared counter until none are left,
// then report. The caller takes chunks too and returns once every chunk is done and no worker
// is still inside the job (so a late worker can never pick up the next job's chunks with this
// job's function).
class Pool {
 public:
  ~Pool() { resize(0); }

  void resize(int workers) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    std::lock_guard lock(mutex_);
    stop_ = false;
    // A new worker waits for the generation after the current one, taken here rather than when
    // the thread gets to run: the first job after a resize is posted right away, usually before
    // the thread has started, and a worker that read that job's generation as "seen" would sleep
    // through it and leave every chunk to the caller (one core for the whole job).
    const std::uint64_t current = generation_;
    for (int i = 0; i < workers; ++i) {
      threads_.emplace_back([this, current] { workerLoop(current); });
    }
  }

  [[nodiscard]] int workers() const { return static_cast<int>(threads_.size()); }

  // False when the pool is already running a job (the caller then runs inline).
  bool run(int chunks, const std::function<void(int)>& f) {
    if (busy_.exchange(true)) return false;
    {
      std::lock_guard lock(mutex_);
      job_ = &f;
      chunks_ = chunks;
      next_.store(0);
      finished_ = 0;
      errors_.assign(static_cast<std::size_t>(chunks), nullptr);
      ++generation_;
    }
    work_.notify_all();
    take(f, chunks);
    std::exception_ptr first;
    {
      std::unique_lock lock(mutex_);
      done_.wait(lock, [&] { return finished_ == chunks_ && active_ == 0; });
      for (const auto& e : errors_) {
        if (e) {
          first = e;
          break;
        }
      }
      job_ = nullptr;
    }
    busy_.store(false);
    if (first) std::rethrow_exception(first);
    return true;
  }

 private:
  void take(const std::function<void(int)>& f, int chunks) {
    int mine = 0;
    for (;;) {
      const int k = next_.fetch_add(1);
      if (k >= chunks) break;
      try {
        f(k);
      } catch (...) {
        std::lock_guard lock(mutex_);
        errors_[static_cast<std::size_t>(k)] = std::current_exception();
      }
      ++mine;
    }
    std::lock_guard lock(mutex_);
    finished_ += mine;
  }

  void workerLoop(std::uint64_t seen) {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (job_ == nullptr) continue;
      const std::function<void(int)>* f = job_;
      const int chunks = chunks_;
      ++active_;
      lock.unlock();
      take(*f, chunks);
      lock.lock();
      --active_;
      done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::vector<std::thread> threads_;
  std::uint64_t generation_ = 0;
  const std::function<void(int)>* job_ = nullptr;
  int chunks_ = 0;
  std::atomic<int> next_{0};
  int finished_ = 0;
  int active_ = 0;
  bool stop_ = false;
  std::vector<std::exception_ptr> errors_;
  std::atomic<bool> busy_{false};
};

std::mutex& configMutex() {
  static std::mutex m;
  return m;
}

int& configuredThreads() {
  static int threads = defaultThreadCount();
  return threads;
}

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

int threadCount() {
  std::lock_guard lock(configMutex());
  return configuredThreads();
}

void setThreadCount(int threads) {
  std::lock_guard lock(configMutex());
  configuredThreads() = std::clamp(threads, 1, kMaxThreads);
}

void parallelFor(int chunks, const std::function<void(int)>& f) {
  if (chunks <= 0) return;
  int threads = 1;
  {
    std::lock_guard lock(configMutex());
    threads = std::min(configuredThreads(), chunks);
    if (threads > 1 && pool().workers() != configuredThreads() - 1) {
      pool().resize(configuredThreads() - 1);
    }
  }
  if (threads > 1 && pool().run(chunks, f)) return;
  // One thread, or the pool is busy (nested or concurrent use): every chunk in order, here.
  std::exception_ptr first;
  for (int k = 0; k < chunks; ++k) {
    try {
      f(k);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace nnadc::nn
