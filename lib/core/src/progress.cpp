#include "nnadc/core/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnadc {

Progress& nullProgress() {
  static NullProgress instance;
  return instance;
}

namespace {
double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
/// Percent of total done, 0..100.
int percentOf(std::size_t done, std::size_t total) {
  return total == 0 ? 0
                    : static_cast<int>(100.0 * static_cast<double>(std::min(done, total)) /
                                       static_cast<double>(total));
}
/// Remaining time at the average rate so far; negative when unknown.
double etaSeconds(std::size_t done, std::size_t total, double elapsed_s) {
  if (done == 0 || total == 0 || done >= total) return done >= total && total > 0 ? 0.0 : -1.0;
  return elapsed_s * static_cast<double>(total - done) / static_cast<double>(done);
}
}  // namespace

TextProgress::TextProgress(Style style, Sink sink, double line_interval_s, Clock clock)
    : style_(style),
      sink_(std::move(sink)),
      line_interval_s_(line_interval_s),
      clock_(clock ? std::move(clock) : Clock(steadySeconds)) {}

std::string TextProgress::formatDuration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

std::string TextProgress::formatBar(std::string_view label, std::size_t done, std::size_t total,
                                    double elapsed_s, int width) {
  std::string line(label);
  if (total == 0) return line + "  " + std::to_string(done) + "  " + formatDuration(elapsed_s);
  const int pct = percentOf(done, total);
  const int fill = width * pct / 100;
  line += " [";
  for (int i = 0; i < width; ++i) line += i < fill ? '=' : (i == fill ? '>' : ' ');
  char buf[64];
  std::snprintf(buf, sizeof buf, "] %3d%%  %zu/%zu", pct, done, total);
  line += buf;
  const double eta = etaSeconds(done, total, elapsed_s);
  if (eta >= 0) line += "  ETA " + formatDuration(eta);
  return line;
}

void TextProgress::begin(std::string_view label, std::size_t total) {
  const std::lock_guard lock(mutex_);
  label_ = label;
  detail_.clear();
  total_ = total;
  done_ = 0;
  active_ = true;
  start_s_ = clock_();
  last_draw_s_ = start_s_;
  if (style_ == Style::kBar) draw(false);
}

void TextProgress::advance(std::size_t units) {
  const std::lock_guard lock(mutex_);
  if (!active_) return;
  done_ += units;
  const double now = clock_();
  const double interval = style_ == Style::kBar ? kBarRedrawSeconds : line_interval_s_;
  if (now - last_draw_s_ >= interval || (style_ == Style::kBar && done_ >= total_)) {
    last_draw_s_ = now;
    draw(false);
  }
}

void TextProgress::end() {
  const std::lock_guard lock(mutex_);
  if (!active_) return;
  draw(true);
  active_ = false;
}

void TextProgress::detail(std::string_view text) {
  const std::lock_guard lock(mutex_);
  detail_ = text;
}

void TextProgress::clearLine() {
  const std::lock_guard lock(mutex_);
  if (drawn_) sink_("\r\x1b[K");
  drawn_ = false;
}

void TextProgress::draw(bool final_line) {
  const double elapsed = clock_() - start_s_;
  if (style_ == Style::kBar) {
    if (final_line) {
      if (drawn_) sink_("\r\x1b[K");
      drawn_ = false;
      return;
    }
    std::string bar = formatBar(label_, done_, total_, elapsed);
    if (!detail_.empty()) {
      // Before the ETA: "... 12/27  yield 93.4 %  ETA 0:13".
      const std::size_t eta = bar.rfind("  ETA ");
      bar.insert(eta == std::string::npos ? bar.size() : eta, "  " + detail_);
    }
    sink_("\r\x1b[K" + bar);
    drawn_ = true;
    return;
  }
  // Lines: nothing for a task shorter than one interval (no noise in short runs' logs).
  if (elapsed < line_interval_s_) return;
  std::string line = label_ + ": ";
  if (final_line) {
    line += "done, " + std::to_string(done_) + " in " + formatDuration(elapsed);
  } else if (total_ > 0) {
    line += std::to_string(percentOf(done_, total_)) + "% (" + std::to_string(done_) + "/" +
            std::to_string(total_) + ")";
    if (!detail_.empty()) line += ", " + detail_;
    const double eta = etaSeconds(done_, total_, elapsed);
    if (eta >= 0) line += ", ETA " + formatDuration(eta);
  } else {
    line += std::to_string(done_) + " so far";
  }
  sink_(line + "\n");
}

}  // namespace nnadc
