#pragma once
/// Progress of long work: training iterations and epochs, Monte-Carlo draws, simulation jobs. The
/// one facility every long command uses (`train`, `eval --draws`, `sim`, `flow`, `axtrain`):
/// libraries report through the Progress their Logger carries (Logger::progress(), a no-op by
/// default); the command line's logger draws it on stderr (TextProgress) unless --quiet.
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace nnadc {

class Progress {
 public:
  virtual ~Progress() = default;
  /// Starts a task of `total` units (0: unknown), replacing any current one.
  virtual void begin(std::string_view label, std::size_t total) = 0;
  /// `units` more are done. Safe to call from several threads at once.
  virtual void advance(std::size_t units = 1) = 0;
  /// The task is over.
  virtual void end() = 0;
  /// A short running figure shown beside the count (e.g. a Monte-Carlo campaign's "yield 93.4 %"),
  /// replacing the previous one until the task ends. Safe from several threads. Default: ignored.
  virtual void detail(std::string_view /*text*/) {}
};

/// Ignores everything: what a Logger reports to unless its owner draws progress.
class NullProgress final : public Progress {
 public:
  void begin(std::string_view /*label*/, std::size_t /*total*/) override {}
  void advance(std::size_t /*units*/) override {}
  void end() override {}
};

/// Process-wide NullProgress (stateless, so sharing it is safe).
Progress& nullProgress();

/// One task for a scope: begin() now, end() when the scope ends (also by an exception).
class ProgressTask {
 public:
  ProgressTask(Progress& progress, std::string_view label, std::size_t total)
      : progress_(progress) {
    progress_.begin(label, total);
  }
  ~ProgressTask() { progress_.end(); }
  ProgressTask(const ProgressTask&) = delete;
  ProgressTask& operator=(const ProgressTask&) = delete;
  void advance(std::size_t units = 1) { progress_.advance(units); }

 private:
  Progress& progress_;
};

/// Progress as text, written through a sink (the tool's stderr; libraries never print):
/// - kBar (a terminal): one line redrawn in place with `\r`, at most every kBarRedrawSeconds:
///   `label [=========>          ]  45%  12/27  ETA 0:13`, erased at the end;
/// - kLines (a log or a pipe): `label: 45% (12/27), ETA 0:13` every `line_interval_s`, and
///   `label: done, 27 in 0:30` at the end (tasks shorter than one interval print nothing).
class TextProgress final : public Progress {
 public:
  enum class Style { kBar, kLines };
  using Sink = std::function<void(std::string_view)>;
  /// Seconds on a monotonic clock (tests pass a fake one).
  using Clock = std::function<double()>;
  static constexpr double kBarRedrawSeconds = 0.1;
  static constexpr double kDefaultLineIntervalSeconds = 10.0;
  static constexpr int kBarWidth = 30;

  TextProgress(Style style, Sink sink, double line_interval_s = kDefaultLineIntervalSeconds,
               Clock clock = {});
  void begin(std::string_view label, std::size_t total) override;
  void advance(std::size_t units) override;
  void end() override;
  /// Shown after the count: "... 12/27  yield 93.4 %  ETA 0:13" (bar), ", yield 93.4 %" (lines).
  void detail(std::string_view text) override;
  /// Erases a drawn bar so that a log line can be written (the next advance redraws it).
  void clearLine();

  /// "[====>     ]  45%  12/27  ETA 0:13" (no ETA before the first unit is done).
  static std::string formatBar(std::string_view label, std::size_t done, std::size_t total,
                               double elapsed_s, int width = kBarWidth);
  /// "0:13", "1:02:03"
  static std::string formatDuration(double seconds);

 private:
  void draw(bool final_line);
  Style style_;
  Sink sink_;
  double line_interval_s_;
  Clock clock_;
  std::mutex mutex_;
  std::string label_;
  std::string detail_;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  bool active_ = false;
  bool drawn_ = false;  ///< a bar is on the line now
  double start_s_ = 0.0;
  double last_draw_s_ = 0.0;
};

}  // namespace nnadc
