// `nnadc metrics`: IEEE 1241 metrics of a code record (CLI.md). Thin shell over nnadc::metrics.
#include <memory>
#include <string>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"
#include "nnadc/io/metrics_json.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/metrics/checks.h"

namespace nnadc::cli {

namespace {

struct MetricsCliOptions {
  CommonOptions common;
  std::string codes_path;
  int bits = 0;
  double fs_hz = 0.0;
  std::string window = "auto";
  std::string record = "sine";
  std::string inl = "best-fit";
  int max_harmonic = metrics::kMaxHarmonicOrder;
  double power_w = 0.0;
  double vdd_v = 0.0;
  std::string current_path;
  double require_enob = 0.0;
  bool require_no_missing_codes = false;
  bool tables = false;
  // Set when the option was given (flag or config file).
  CLI::Option* fs_option = nullptr;
  CLI::Option* power_option = nullptr;
  CLI::Option* vdd_option = nullptr;
  CLI::Option* current_option = nullptr;
  CLI::Option* require_enob_option = nullptr;
};

std::optional<double> supplyPower(const MetricsCliOptions& o) {
  const bool has_vdd = o.vdd_option->count() > 0;
  const bool has_current = o.current_option->count() > 0;
  if (o.power_option->count() > 0) return o.power_w;
  if (has_vdd && !has_current) {
    throw InputError("NNADC-MET-006", "--vdd needs a supply current waveform (--current FILE)");
  }
  if (!has_current) return std::nullopt;
  const std::optional<double> power = io::supplyPowerW(
      io::readSupplyWaveform(o.current_path), has_vdd ? std::optional(o.vdd_v) : std::nullopt);
  if (!power) {
    throw InputError("NNADC-MET-006", "'" + o.current_path +
                                          "' has no voltage column; give the supply voltage "
                                          "with --vdd");
  }
  return power;
}

int runMetrics(const MetricsCliOptions& o, CLI::App& sub) {
  // Required options are checked here, not by CLI11, so that --config can supply them.
  for (const char* name : {"--codes", "--bits"}) {
    if (sub.get_option(name)->count() == 0) throw CLI::RequiredError(name);
  }
  if (o.power_option->count() > 0 && (o.current_option->count() > 0 || o.vdd_option->count() > 0)) {
    throw InputError("NNADC-MET-006", "give the power either as --power or as --vdd/--current");
  }
  requireDistinctOutput(o.common, {{"--codes", o.codes_path}, {"--current", o.current_path}});
  StderrLogger logger(&o.common.quiet);
  metrics::AnalysisOptions options;
  options.bits = o.bits;
  options.record = metrics::parseRecordKind(o.record);
  if (o.window != "auto") options.window = metrics::parseWindow(o.window);
  if (o.fs_option->count() > 0) options.fs_hz = o.fs_hz;
  options.max_harmonic = o.max_harmonic;
  options.inl_reference = metrics::parseInlReference(o.inl);
  options.power_w = supplyPower(o);
  options.validate();
  metrics::Requirements requirements;
  if (o.require_enob_option->count() > 0) requirements.min_enob = o.require_enob;
  requirements.no_missing_codes = o.require_no_missing_codes;
  requirements.validate(options);

  const std::vector<std::int64_t> codes = io::readCodeRecord(o.codes_path, o.bits);
  const metrics::CheckedAnalysis result = metrics::analyzeAndCheck(codes, options, requirements);
  for (const std::string& warning : result.analysis.warnings) logger.warning(warning);

  io::Provenance provenance;
  provenance.command = "metrics";
  provenance.config = effectiveConfig(sub);
  provenance.seed = o.common.seed;
  io::writeOutput(o.common.output,
                  io::dumpJson(io::metricsReportJson(result, o.codes_path, o.tables, provenance)));
  printSummary(o.common, io::metricsSummary(result) + " -> " + o.common.output);
  return result.checks.passed() ? kExitOk : kExitCheckFailed;
}

}  // namespace

void addMetricsCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MetricsCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "metrics",
      "ADC metrics of a code record (IEEE 1241): spectrum, sine fit, code density, FoMs");
  sub->add_option("--codes", o->codes_path,
                  "Code record: CSV with one integer per line, or a JSON array (required)");
  sub->add_option("--bits", o->bits, "Resolution N; codes lie in [0, 2^N) (required)");
  o->fs_option = sub->add_option("--fs", o->fs_hz, "Sample rate [Hz]");
  sub->add_option("--window", o->window,
                  "auto (none if coherent, else blackman-harris), none, hann, blackman-harris")
      ->capture_default_str();
  sub->add_option("--record", o->record, "Stimulus: sine (full analysis) or ramp (code density)")
      ->capture_default_str();
  sub->add_option("--inl", o->inl, "INL reported as inl_lsb_min/max: best-fit or endpoint")
      ->capture_default_str();
  sub->add_option("--max-harmonic", o->max_harmonic, "Highest harmonic in THD (2..9)")
      ->capture_default_str();
  o->power_option = sub->add_option("--power", o->power_w, "Average power [W] for the FoMs");
  o->vdd_option = sub->add_option("--vdd", o->vdd_v, "Supply voltage [V] for --current");
  o->current_option = sub->add_option(
      "--current", o->current_path,
      "Supply waveform CSV: i, t,i or t,v,i per line [s, V, A]; power = |avg(v i)|");
  o->require_enob_option =
      sub->add_option("--require-enob", o->require_enob, "Exit 1 unless ENOB >= this [bits]");
  sub->add_flag("--require-no-missing-codes", o->require_no_missing_codes,
                "Exit 1 if code density finds a missing code");
  sub->add_flag("--tables", o->tables, "Include the per-code DNL and INL arrays");
  addCommonOptions(*sub, o->common, "metrics.json");
  setRun(
      *sub, o->common, [o, sub] { return runMetrics(*o, *sub); }, exit_code);
}

}  // namespace nnadc::cli
