// nnadc report RESULTS... -o report.html: one self-contained HTML page (plots by gnuplot, every
// style and script inline) from flow folders and eval/sim/metrics/train/axtrain results.
#include <chrono>
#include <filesystem>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/report/report.h"

namespace nnadc::cli {

namespace {

struct ReportCliOptions {
  CommonOptions common;
  std::vector<std::string> inputs;
  report::ReportOptions report;
};

int runReport(ReportCliOptions& o) {
  if (o.inputs.empty()) {
    throw InputError("NNADC-CFG-005",
                     "nnadc report needs at least one result (a flow folder or "
                     "a result JSON file)");
  }
  requireDistinctOutput(o.common);
  std::error_code ec;
  for (const std::string& in : o.inputs) {
    if (std::filesystem::exists(o.common.output, ec) &&
        std::filesystem::equivalent(in, o.common.output, ec)) {
      throw InputError("NNADC-IO-004",
                       "-o '" + o.common.output + "' names the input '" + in + "' of this run");
    }
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::filesystem::path> inputs(o.inputs.begin(), o.inputs.end());
  const std::size_t bytes = report::writeReport(inputs, o.common.output, o.report);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printSummary(o.common, "report: " + std::to_string(o.inputs.size()) + " result(s), " +
                             std::to_string(bytes / 1024) + " KiB in " +
                             std::to_string(static_cast<int>(seconds * 1000)) + " ms -> " +
                             o.common.output);
  return kExitOk;
}

}  // namespace

void addReportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReportCliOptions>();
  std::string kinds;
  for (const std::string& k : report::resultKinds()) kinds += (kinds.empty() ? "" : ", ") + k;
  CLI::App* sub = app.add_subcommand(
      "report",
      "Write one self-contained HTML report (plots drawn by gnuplot, opens offline) of flow "
      "folders and result files (kinds: " +
          kinds + ")");
  addCommonOptions(*sub, options->common, "report.html");
  auto& o = *options;
  sub->add_option("results", o.inputs, "Flow folders and result JSON files")->required();
  sub->add_option("--title", o.report.title, "Page title")->capture_default_str();
  sub->add_option("--enob-spec-margin", o.report.enob_spec_margin_bits,
                  "Monte-Carlo yield: a die passes at ENOB >= bits minus this [bits]")
      ->capture_default_str();
  setRun(
      *sub, options->common, [options] { return runReport(*options); }, exit_code);
}

}  // namespace nnadc::cli
