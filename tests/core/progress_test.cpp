// The one progress facility: a bar with ETA on a terminal, plain periodic lines otherwise.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/core/progress.h"

using nnadc::TextProgress;

namespace {

struct Capture {
  std::vector<std::string> writes;
  double now_s = 0.0;
  TextProgress make(TextProgress::Style style, double interval_s = 10.0) {
    return {style, [this](std::string_view s) { writes.emplace_back(s); }, interval_s,
            [this] { return now_s; }};
  }
};

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("ProgressBarShowsPercentCountAndEta") {
    // 12 of 27 done in 10 s: 15 left at 1.2 units/s is 12.5 s, shown rounded as 0:13.
    const std::string bar = TextProgress::formatBar("draws", 12, 27, 10.0, 10);
    CHECK(bar == "draws [====>     ]  44%  12/27  ETA 0:13");
    CHECK(TextProgress::formatBar("draws", 0, 27, 1.0, 4) == "draws [>   ]   0%  0/27");
    CHECK(TextProgress::formatDuration(3723.0) == "1:02:03");
  }

  TEST_CASE("ProgressBarRedrawsInPlaceAndErasesItselfAtTheEnd") {
    Capture c;
    TextProgress p = c.make(TextProgress::Style::kBar);
    {
      nnadc::ProgressTask task(p, "jobs", 2);
      c.now_s = 1.0;
      task.advance();
      c.now_s = 2.0;
      task.advance();
    }
    REQUIRE(c.writes.size() == 4);  // drawn at begin, after each unit, erased at the end
    CHECK(c.writes[0].rfind("\r\x1b[K", 0) == 0);
    CHECK(c.writes[2].find("100%  2/2") != std::string::npos);
    CHECK(c.writes[3] == "\r\x1b[K");
  }

  TEST_CASE("ProgressShowsARunningDetailBesideTheCount") {
    Capture bar_capture;
    TextProgress bar = bar_capture.make(TextProgress::Style::kBar);
    bar.begin("dies", 4);
    bar.detail("yield 50.0 %");
    bar_capture.now_s = 1.0;
    bar.advance(2);  // 2 of 4 in 1 s: ETA 0:01
    CHECK(bar_capture.writes.back() ==
          "\r\x1b[Kdies [===============>              ]  50%  2/4  "
          "yield 50.0 %  ETA 0:01");
    Capture line_capture;
    TextProgress lines = line_capture.make(TextProgress::Style::kLines, 10.0);
    lines.begin("dies", 4);
    lines.detail("yield 100.0 %");
    line_capture.now_s = 11.0;
    lines.advance(1);
    REQUIRE(line_capture.writes.size() == 1);
    CHECK(line_capture.writes[0] == "dies: 25% (1/4), yield 100.0 %, ETA 0:33\n");
    lines.begin("next", 1);  // a new task starts without the old detail
    line_capture.now_s = 22.0;
    lines.advance(1);
    CHECK(line_capture.writes.back() == "next: 100% (1/1), ETA 0:00\n");
  }

  TEST_CASE("ProgressLinesArePeriodicAndShortTasksStaySilent") {
    Capture c;
    TextProgress p = c.make(TextProgress::Style::kLines, 10.0);
    {
      nnadc::ProgressTask task(p, "quick", 3);
      task.advance(3);
    }
    CHECK(c.writes.empty());
    {
      nnadc::ProgressTask task(p, "draws", 4);
      c.now_s = 11.0;
      task.advance();  // one interval passed: a line
      c.now_s = 12.0;
      task.advance();  // within the interval: none
      c.now_s = 30.0;
    }
    REQUIRE(c.writes.size() == 2);
    CHECK(c.writes[0] == "draws: 25% (1/4), ETA 0:33\n");
    CHECK(c.writes[1] == "draws: done, 2 in 0:30\n");
  }

  TEST_CASE("LoggersCarryNoProgressUnlessTheirOwnerDrawsIt") {
    nnadc::Progress& p = nnadc::nullLogger().progress();
    p.begin("x", 1);
    p.advance();
    p.end();
    CHECK(&p == &nnadc::nullProgress());
  }
}
