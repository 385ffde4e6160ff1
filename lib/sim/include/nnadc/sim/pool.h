#pragma once
/// A pool of worker processes, each with its own libngspice (ngspice is not re-entrant, so
/// parallelism is by processes). Jobs and results travel over Unix sockets; results come back in
/// submission order; each job has a wall-clock timeout; a worker that crashes or hangs is killed
/// and replaced, its job reported failed, and the batch goes on.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/sim/simulator.h"

namespace nnadc::sim {

/// Throws InputError NNADC-CFG-003 unless 0 < timeout_s <= 1e7 s (the one range every
/// simulation timeout option states).
void validateTimeout(double timeout_s);

/// Default address-space limit of one worker [MiB]: ngspice with a deck of the largest shipped
/// benches stays well below 1 GiB; a deck that grows without end (`.include /dev/zero`) stops here
/// instead of at the timeout or the machine's swap.
constexpr std::int64_t kDefaultWorkerMemoryMib = 4096;

struct PoolOptions {
  int workers = 0;             ///< worker processes; 0 = number of cores
  int threads_per_worker = 0;  ///< ngspice OpenMP threads each; 0 = max(1, cores / workers)
  /// Address-space limit of each worker (RLIMIT_AS) [MiB]; 0 = none. It counts virtual memory:
  /// thread stacks and malloc arenas too. Not applied in AddressSanitizer builds, whose shadow
  /// memory alone reserves terabytes of address space. A breach ends the job with NNADC-SIM-015.
  std::int64_t worker_memory_mib = kDefaultWorkerMemoryMib;
  Logger* logger = nullptr;
  /// Throws InputError NNADC-SIM-007 naming the field.
  void validate() const;
};

/// The outcome of one job: a result, or the error that ended it (never an exception, so one bad
/// job cannot end a batch).
struct JobOutcome {
  bool ok = false;
  RunResult result;      ///< valid when ok
  std::string error_id;  ///< e.g. NNADC-SIM-003 (simulation), -010 (timeout), -011 (crash)
  std::string error_message;
  /// Throws the SimulationError this outcome carries (no-op when ok).
  void throwIfFailed() const;
};

class WorkerPool {
 public:
  /// Forks the workers now. Throws SimulationError NNADC-SIM-009 if this process has itself
  /// created an NgspiceSimulator (forking a process whose OpenMP runtime is live can deadlock the
  /// child) or if fork/socketpair fail.
  explicit WorkerPool(const PoolOptions& options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Runs every job; outcome i belongs to jobs[i]. A job whose worker crashed (NNADC-SIM-011) is
  /// run once more on a fresh worker (a worker killed from outside loses no work); if that one
  /// crashes too, the outcome names both. A timed-out job is not retried: it would hang again.
  std::vector<JobOutcome> runBatch(const std::vector<RunRequest>& jobs);

  /// Runs one job and returns its result, or throws its SimulationError.
  RunResult run(const RunRequest& job);

  /// ngspice version string reported by a worker (e.g. "ngspice-39").
  std::string version();

  [[nodiscard]] int workerCount() const;
  /// Pools this process has started (flow holds itself to one; its test counts them).
  [[nodiscard]] static std::size_t poolsStarted();
  /// Workers started so far, replacements included (tests use it to see crash recovery).
  [[nodiscard]] int workersStarted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A Simulator that runs each job in a one-worker pool: in-process convenience with crash
/// isolation and timeouts (the CLI uses this).
class IsolatedSimulator final : public Simulator {
 public:
  /// One ngspice thread: for the small characterisation decks (inverter, amplifier, MDAC).
  explicit IsolatedSimulator(Logger* logger = nullptr);
  /// `options` with workers = 1.
  explicit IsolatedSimulator(PoolOptions options);
  RunResult run(const RunRequest& request) override;
  std::string version() override;

 private:
  WorkerPool pool_;
};

/// A Simulator that runs each request as a job on a pool the caller owns (so one pool can serve
/// characterisation and benches alike).
class PoolSimulator final : public Simulator {
 public:
  explicit PoolSimulator(WorkerPool& pool) : pool_(pool) {}
  RunResult run(const RunRequest& request) override { return pool_.run(request); }
  std::string version() override { return pool_.version(); }

 private:
  WorkerPool& pool_;
};

}  // namespace nnadc::sim
