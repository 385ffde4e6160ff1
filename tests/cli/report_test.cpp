// Issue 14: `nnadc report`. Bad inputs name the file at fault and leave no page behind; the flow's
// report.html is opened in headless Chromium (tests/cli/flow_test.cpp calls checkReportInBrowser).
#include "report_check.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;
using nnadc::test::runCommand;

namespace nnadc::test {

namespace {
// Plain string scanning: std::regex recurses per character and long pages would exhaust the stack.
/// The value of attribute `name` in the tag text `tag`, or "" when absent.
std::string attr(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = tag.find(key);
  if (at == std::string::npos) return "";
  const std::size_t from = at + key.size();
  return tag.substr(from, tag.find('"', from) - from);
}

/// True when gnuplot's data groups in `svg` hold a line of several vertices or points (axes and a
/// legend sample alone do not count).
bool drawsData(const std::string& svg) {
  const std::size_t data = svg.find("gnuplot_plot_");
  if (data == std::string::npos) return false;
  int uses = 0;
  for (std::size_t at = svg.find("<use", data); at != std::string::npos;
       at = svg.find("<use", at + 1)) {
    ++uses;
  }
  if (uses >= 2) return true;
  for (std::size_t at = svg.find("<path", data); at != std::string::npos;
       at = svg.find("<path", at + 1)) {
    const std::string tag = svg.substr(at, svg.find('>', at) - at);
    if (attr(tag, "d").size() > 60) return true;
  }
  return false;
}
}  // namespace

void checkReportInBrowser(const fs::path& folder) {
  const fs::path page = folder / "report.html";
  REQUIRE(fs::is_regular_file(page));
  // No skipping: a CI without Chromium fails here (.ci/deps installs the Debian package).
  const auto which = runCommand("command -v chromium");
  REQUIRE_MESSAGE(which.exit_code == 0, "chromium is not installed (Debian package 'chromium')");
  const fs::path scratch = scratchDir("report_browser");
  const fs::path dom = scratch / "dom.html";
  const fs::path log = scratch / "chromium.log";
  // Run as root in CI: no sandbox; no network, sync or component updates; a fresh profile.
  const std::string cmd =
      "(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--enable-logging=stderr --v=0 --user-data-dir=" +
      (scratch / "profile").string() + " --dump-dom 'file://" + fs::absolute(page).string() +
      "' > " + dom.string() + " 2> " + log.string() + ")";
  const auto r = runCommand(cmd);
  REQUIRE_MESSAGE(r.exit_code == 0, io::readTextFile(log));
  const std::string html = io::readTextFile(dom);
  const std::string console = io::readTextFile(log);
  const std::string root = html.substr(0, html.find('>', html.find("<html")));
  // Loaded, and no script error (the page's own onerror hook, and Chromium's console log).
  CHECK_MESSAGE(attr(root, "data-loaded") == "1", root);
  CHECK_MESSAGE(attr(root, "data-script-errors").empty(), root);
  CHECK_MESSAGE(console.find("Uncaught") == std::string::npos, console);
  // Every plot has drawn content: the page counted its drawn SVGs, and so do we.
  const int plots = std::stoi("0" + attr(root, "data-plots"));
  CHECK(plots >= 6);
  CHECK(attr(root, "data-plots-drawn") == std::to_string(plots));
  int svgs = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    const std::size_t end = html.find("</svg>", at);
    REQUIRE(end != std::string::npos);
    CHECK_MESSAGE(drawsData(html.substr(at, end - at)), "plot " << svgs << " draws no data");
    ++svgs;
  }
  CHECK(svgs == plots);
  // Every figure printed equals its source JSON to the digits shown.
  int figures = 0;
  for (std::size_t at = html.find("class=\"fig\""); at != std::string::npos;
       at = html.find("class=\"fig\"", at + 1)) {
    const std::size_t open = html.rfind("<span", at);
    const std::size_t close = html.find('>', at);
    const std::string tag = html.substr(open, close - open);
    const std::string text = html.substr(close + 1, html.find('<', close) - close - 1);
    const io::Json j = io::loadJsonFile(folder / attr(tag, "data-file"));
    const io::Json::json_pointer ptr(attr(tag, "data-ptr"));
    INFO(attr(tag, "data-file"), " ", attr(tag, "data-ptr"), " shown as ", text);
    REQUIRE(j.contains(ptr));
    if (!j.at(ptr).is_number()) {
      CHECK(text == "n/a");
      continue;
    }
    const double want = j.at(ptr).get<double>() * std::stod(attr(tag, "data-scale"));
    const int digits = std::stoi(attr(tag, "data-digits"));
    // Rounded to `digits` decimals: within half a unit of the last digit shown (plus a hair for
    // the binary representation of the printed decimal).
    CHECK(std::fabs(std::stod(text) - want) <= 0.5 * std::pow(10.0, -digits) * (1 + 1e-9));
    ++figures;
  }
  CHECK(figures >= 20);
}

}  // namespace nnadc::test

namespace {

using nnadc::test::cli;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("ReportRefusesBadInputsNamingTheFileAndWritesNothing") {
    const auto dir = nnadc::test::scratchDir("report_bad");
    const auto out = dir / "report.html";
    write(dir / "unknown.json", R"({"what": "not an nnadc result"})");
    write(dir / "truncated.json", R"({"enob": 7.9, "provenance": {"command": "metr)");
    fs::create_directories(dir / "empty");
    write(dir / "codes.csv", "1\n2\n");
    struct Case {
      std::string args;
      std::string id;
      std::string names;
    };
    for (const Case& c : {Case{"unknown.json", "NNADC-REP-001", "unknown.json"},
                          Case{"truncated.json", "NNADC-IO-003", "truncated.json"},
                          Case{"empty", "NNADC-REP-002", "empty"},
                          Case{"codes.csv", "NNADC-IO-003", "codes.csv"}}) {
      const auto r = runCommand(cli("report " + (dir / c.args).string() + " -o " + out.string()));
      CAPTURE(r.output);
      CHECK(r.exit_code == 2);
      CHECK(r.output.find("error[" + c.id + "]") != std::string::npos);
      CHECK(r.output.find(c.names) != std::string::npos);
      CHECK_FALSE(fs::exists(out));
    }
    // gnuplot missing: a clear id, and still no page.
    write(dir / "m.csv", "");
    {
      std::ofstream csv(dir / "m.csv");
      for (int i = 0; i < 1024; ++i) {
        csv << std::lround(127.5 + 120 * std::sin(2 * M_PI * 13 * i / 1024.0)) << '\n';
      }
    }
    const auto m = runCommand(cli("metrics --codes " + (dir / "m.csv").string() +
                                  " --bits 8 --quiet -o " + (dir / "m.json").string()));
    REQUIRE_MESSAGE(m.exit_code == 0, m.output);
    // An eval result with a Monte-Carlo block (written by hand: 3 dies) has a plot to draw.
    write(dir / "mc.json",
          R"({"bits": 8, "enob": 7.9, "variation": {"sigma": 0.01, "draws": 3, "seed": 5,
              "median_enob": 7.9, "p10_enob": 7.8, "min_enob": 7.8, "max_enob": 7.95,
              "enob": [7.8, 7.9, 7.95]}, "provenance": {"command": "eval"}})");
    const auto g = runCommand("NNADC_GNUPLOT=/nonexistent/gnuplot " +
                              cli("report " + (dir / "mc.json").string() + " -o " + out.string()));
    CHECK(g.exit_code == 2);
    CHECK(g.output.find("error[NNADC-REP-003]") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    // A good result then a bad one: all inputs are read before the page is written.
    const auto mix = runCommand(cli("report " + (dir / "m.json").string() + " " +
                                    (dir / "unknown.json").string() + " -o " + out.string()));
    CHECK(mix.exit_code == 2);
    CHECK_FALSE(fs::exists(out));
    // Good ones alone give a page quoting their figures, with the Monte-Carlo plot (die 0 of
    // seed 5 is the worst).
    const auto ok = runCommand(cli("report " + (dir / "m.json").string() + " " +
                                   (dir / "mc.json").string() + " --quiet -o " + out.string()));
    REQUIRE_MESSAGE(ok.exit_code == 0, ok.output);
    const std::string page = nnadc::io::readTextFile(out);
    CHECK(page.find("data-file=\"m.json\" data-ptr=\"/enob\"") != std::string::npos);
    CHECK(page.find("<svg") != std::string::npos);
    CHECK(page.find("die 0 (seed 5)") != std::string::npos);
    CHECK(page.find("yield (ENOB &ge; 7.50) 100.0 % (3/3") != std::string::npos);
    CHECK(page.find("<script src") == std::string::npos);  // self-contained
    for (const char* remote :
         {"src=\"http", "href=\"http", "src='http", "href='http", "url(http"}) {
      CHECK_MESSAGE(page.find(remote) == std::string::npos, remote);
    }
  }
}

TEST_SUITE("cli") {
  TEST_CASE("ReportDrawsTrainingCurvesAndAxTrainAccuracyPerMode") {
    const auto dir = nnadc::test::scratchDir("report_train");
    const auto design = dir / "stage4.design.json";
    const auto ax = dir / "ax.json";
    const auto out = dir / "report.html";
    const auto t = runCommand(cli("train --config " +
                                  (nnadc::test::sourceDir() / "training" / "stage4.json").string() +
                                  " --iterations 300 --restarts 1 --quiet -o " + design.string()));
    REQUIRE_MESSAGE(t.exit_code == 0, t.output);
    const auto a =
        runCommand(cli("axtrain --synthetic 600 --hidden 16 --error-model ntv:ber=0.02 "
                       "--draws 2 --quiet -o " +
                       ax.string()));
    REQUIRE_MESSAGE(a.exit_code == 0, a.output);
    const auto r = runCommand(
        cli("report " + design.string() + " " + ax.string() + " --quiet -o " + out.string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const std::string page = nnadc::io::readTextFile(out);
    CHECK(page.find("<section data-kind=\"train\"") != std::string::npos);
    CHECK(page.find("<section data-kind=\"axtrain\"") != std::string::npos);
    CHECK(page.find("Training curves (loss and ENOB vs iteration)") != std::string::npos);
    CHECK(page.find("Accuracy vs error level per mode") != std::string::npos);
    CHECK(page.find("data-ptr=\"/models/0/modes/0/hw_accuracy_mean\"") != std::string::npos);
  }
}
