#pragma once
/// Libraries never print: they take a Logger. Tools pass one that writes to stderr.
#include <string_view>

namespace nnadc {

enum class LogLevel { kDebug, kInfo, kWarning };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  void info(std::string_view message) { log(LogLevel::kInfo, message); }
  void warning(std::string_view message) { log(LogLevel::kWarning, message); }
  void debug(std::string_view message) { log(LogLevel::kDebug, message); }
};

/// Discards everything; the default where a caller passes no logger.
class NullLogger final : public Logger {
 public:
  void log(LogLevel /*level*/, std::string_view /*message*/) override {}
};

/// Process-wide NullLogger instance (stateless, so sharing it is safe).
Logger& nullLogger();

}  // namespace nnadc
