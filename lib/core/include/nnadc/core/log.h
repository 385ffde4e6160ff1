#pragma once
/// Libraries never print: they take a Logger. Tools pass one that writes to stderr (and draws the
/// progress of long work).
#include <string_view>

#include "nnadc/core/progress.h"

namespace nnadc {

enum class LogLevel { kDebug, kInfo, kWarning };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  void info(std::string_view message) { log(LogLevel::kInfo, message); }
  void warning(std::string_view message) { log(LogLevel::kWarning, message); }
  void debug(std::string_view message) { log(LogLevel::kDebug, message); }
  /// Where long work reports its progress (nnadc/core/progress.h); none unless overridden.
  virtual Progress& progress() { return nullProgress(); }
};

/// Discards everything; the default where a caller passes no logger.
class NullLogger final : public Logger {
 public:
  void log(LogLevel /*level*/, std::string_view /*message*/) override {}
};

/// Process-wide NullLogger instance (stateless, so sharing it is safe).
Logger& nullLogger();

}  // namespace nnadc
