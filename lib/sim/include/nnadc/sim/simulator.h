#pragma once
/// The simulator interface: a deck in, plots out. Backends: the in-process ngspice shared library
/// (ngspice.h) and the worker-process pool around it (pool.h).
#include <string>
#include <vector>

#include "nnadc/sim/plot.h"

namespace nnadc::sim {

/// One simulation job: a complete SPICE deck whose analysis cards (.op/.dc/.tran/.ac) are run.
struct RunRequest {
  std::string deck;                  ///< full netlist: title line first, `.end` last
  std::vector<std::string> vectors;  ///< vectors to return (case-insensitive); empty = all
  double timeout_s = 600.0;          ///< wall-clock limit, enforced by the worker pool
  /// ngspice commands run after loading the deck; empty = {"run"} (the deck's analysis cards).
  /// E.g. {"dc vin 0 1 0.01"} runs another analysis without editing the deck. Each must fit
  /// NgspiceSimulator::kMaxCommandLength.
  std::vector<std::string> commands;
};

struct RunResult {
  std::vector<Plot> plots;          ///< one per analysis, in the order ngspice ran them
  std::vector<std::string> output;  ///< ngspice's stdout/stderr lines, as received
  double elapsed_s = 0.0;           ///< wall time of load + run + copy-out
  /// The first plot holding `vector_name` (case-insensitive), or nullptr.
  [[nodiscard]] const Vector* find(std::string_view vector_name) const;
};

class Simulator {
 public:
  virtual ~Simulator() = default;
  /// Runs the deck. Throws SimulationError (NNADC-SIM-nnn) with ngspice's message on failure.
  virtual RunResult run(const RunRequest& request) = 0;
  /// e.g. "ngspice-39"
  virtual std::string version() = 0;
};

}  // namespace nnadc::sim
