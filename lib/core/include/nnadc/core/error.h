#pragma once
/// Error types with stable ids (`NNADC-<AREA>-<NNN>`), tested word for word.
///
/// User or input errors (bad files, fields, ranges) are `InputError`; failures of the external
/// simulator are `SimulationError`. Expected numerical outcomes (no convergence of a training run,
/// a failed Monte-Carlo sample) are data in result structs, not exceptions.
#include <stdexcept>
#include <string>

namespace nnadc {

/// What kind of failure an error is; the CLI maps it to an exit code (CLI.md).
enum class ErrorKind {
  kInput,       ///< bad input or usage: exit code 2
  kSimulation,  ///< simulator failure: exit code 3
  kInternal,    ///< a bug in nnadc: exit code 4
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string id, const std::string& message);
  /// Stable id, e.g. "NNADC-SIM-001".
  [[nodiscard]] const std::string& id() const { return id_; }
  /// The message without the id prefix.
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] ErrorKind kind() const { return kind_; }
  /// Exit code that CLI.md assigns to this kind of error.
  [[nodiscard]] int exitCode() const;

 private:
  ErrorKind kind_;
  std::string id_;
  std::string message_;
};

/// Bad user input: a file, field or value outside its allowed range. Message names them.
class InputError : public Error {
 public:
  InputError(std::string id, const std::string& message)
      : Error(ErrorKind::kInput, std::move(id), message) {}
};

/// The simulator failed: parse error, unknown model, no convergence, crash, timeout.
class SimulationError : public Error {
 public:
  SimulationError(std::string id, const std::string& message)
      : Error(ErrorKind::kSimulation, std::move(id), message) {}
};

/// Formats "error[ID]: message", the CLI's error line.
std::string formatError(const Error& error);

}  // namespace nnadc
