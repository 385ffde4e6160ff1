#pragma once
/// In-process ngspice (libngspice) backend.
///
/// ngspice is a C program with global state: it is not re-entrant and there is one per process.
/// This class enforces that (a second live instance throws NNADC-SIM-005), forces the C numeric
/// locale around every call, turns ngspice's error text into SimulationError, copies every
/// vector out of ngspice memory and then frees it (`destroy all`, `remcirc`) so memory stays flat
/// over thousands of runs. Parallelism is by processes: see WorkerPool.
#include <string>
#include <string_view>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/sim/simulator.h"

namespace nnadc::sim {

class NgspiceSimulator final : public Simulator {
 public:
  struct Options {
    /// OpenMP threads ngspice may use for BSIM4 evaluation (`set num_threads`). Workers set this
    /// so that processes x threads <= cores.
    int threads = 1;
    Logger* logger = nullptr;  ///< receives ngspice's output lines at debug level
    void validate() const;
  };

  /// ngspice rejects longer command strings silently (truncates them); we refuse instead.
  static constexpr std::size_t kMaxCommandLength = 1023;

  explicit NgspiceSimulator(const Options& options);
  NgspiceSimulator();
  ~NgspiceSimulator() override;
  NgspiceSimulator(const NgspiceSimulator&) = delete;
  NgspiceSimulator& operator=(const NgspiceSimulator&) = delete;

  RunResult run(const RunRequest& request) override;
  std::string version() override;

  /// Sends one interactive command (e.g. "set num_threads=1"). Returns the output lines it
  /// produced. Throws NNADC-SIM-004 if longer than kMaxCommandLength, NNADC-SIM-001 if ngspice
  /// reports an error.
  std::vector<std::string> command(std::string_view text);

  /// True once any NgspiceSimulator has been created in this process. A process that has used
  /// ngspice (and its OpenMP runtime) must not fork workers from itself.
  static bool everCreated();

 private:
  struct State;
  void checkUsable() const;
  Options options_;
};

}  // namespace nnadc::sim
