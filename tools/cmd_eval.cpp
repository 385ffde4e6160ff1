// nnadc eval --design D: behavioural conversion of a coherent sine and a ramp -> metrics JSON.
#include <cstdio>

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "stage_eval.h"

namespace nnadc::cli {

namespace {

struct EvalCliOptions {
  CommonOptions common;
  std::string design;
  int sine_log2 = 14;
  int ramp_per_level = 64;
  std::optional<double> require_enob;
  double variation_sigma = 0.0;
  int draws = 100;
  bool no_recalibrate = false;
  std::string transfer;
  int transfer_bits = 10;
};

int runEval(CLI::App& sub, EvalCliOptions& o) {
  applyConfigFile(sub, o.common);
  if (o.design.empty()) throw InputError("NNADC-CFG-005", "nnadc eval needs --design FILE");
  if (o.sine_log2 < 8 || o.sine_log2 > 24) {
    throw InputError("NNADC-CFG-003", "field 'sine-log2' = " + std::to_string(o.sine_log2) +
                                          " is outside the allowed range [8, 24]");
  }
  if (o.variation_sigma < 0.0 || o.variation_sigma > 1.0 || o.draws < 1 || o.draws > 100000) {
    throw InputError("NNADC-CFG-003",
                     "field 'variation-sigma' must be in [0, 1] and 'draws' in "
                     "[1, 100000]");
  }
  if (o.ramp_per_level < 1 || o.ramp_per_level > 4096) {
    throw InputError("NNADC-CFG-003",
                     "field 'ramp-per-level' = " + std::to_string(o.ramp_per_level) +
                         " is outside the allowed range [1, 4096]");
  }
  const adc::Design design = io::loadDesign(o.design);
  EvalOptions options;
  options.sine_samples = std::size_t{1} << static_cast<unsigned>(o.sine_log2);
  options.ramp_samples_per_level = o.ramp_per_level;
  io::Json j;
  if (!design.singleStage()) {
    j = pipelineMetrics(design, PipelineEvalOptions{});
    if (o.variation_sigma > 0.0) {
      VariationOptions v;
      v.sigma = o.variation_sigma;
      v.draws = o.draws;
      v.seed = o.common.seed.value_or(1);
      v.recalibrate = !o.no_recalibrate;
      j["variation"] = variationStudy(design, v);
    }
    if (!o.transfer.empty()) j["nonlinear"] = transferStudy(design, o.transfer, o.transfer_bits);
  } else {
    j = stageMetrics(design, 0, options);
  }
  io::Provenance provenance;
  provenance.command = "eval";
  provenance.config = effectiveConfig(sub);
  provenance.seed = design.seed;
  j["provenance"] = io::provenanceJson(provenance);
  bool ok = true;
  if (o.require_enob) {
    ok = j["enob"].is_number() && j["enob"].get<double>() >= *o.require_enob;
    j["checks"] = {{"require_enob", *o.require_enob}, {"passed", ok}};
  }
  io::writeFileAtomic(o.common.output, io::dumpJson(j));
  char line[512];
  std::snprintf(line, sizeof line,
                "eval: ENOB %.3f (sine-fit %.3f), DNL [%.2f, %.2f] LSB, %d missing codes -> %s",
                j["enob"].get<double>(),
                j["enob_sinefit"].is_number() ? j["enob_sinefit"].get<double>() : 0.0,
                j["dnl_lsb_min"].get<double>(), j["dnl_lsb_max"].get<double>(),
                j["missing_codes"].get<int>(), o.common.output.c_str());
  printSummary(o.common, line);
  if (!ok) {
    std::fprintf(stderr, "error[NNADC-CHK-001]: ENOB %.3f is below --require-enob %.3f\n",
                 j["enob"].get<double>(), *o.require_enob);
    return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace

void addEvalCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EvalCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "eval", "Behavioural (C++ model) conversion of a coherent sine and a ramp -> metrics JSON");
  addCommonOptions(*sub, options->common, "metrics.json");
  auto& o = *options;
  sub->add_option("--design", o.design, "Design JSON written by nnadc train");
  sub->add_option("--sine-log2", o.sine_log2, "Sine record length: 2^N samples")
      ->capture_default_str();
  sub->add_option("--ramp-per-level", o.ramp_per_level, "Ramp samples per code for DNL/INL")
      ->capture_default_str();
  sub->add_option("--require-enob", o.require_enob, "Exit 1 if the sine ENOB is below this");
  sub->add_option("--variation-sigma", o.variation_sigma,
                  "Pipelines: Monte-Carlo with every conductance * exp(N(0, sigma))");
  sub->add_option("--draws", o.draws, "Monte-Carlo draws (seed = --seed + draw)")
      ->capture_default_str();
  sub->add_option("--transfer", o.transfer,
                  "Pipelines: also map the output through a nonlinear quantiser (log2 | sqrt) and "
                  "report its error against the ideal nonlinear curve");
  sub->add_option("--transfer-bits", o.transfer_bits, "Resolution of that nonlinear code")
      ->capture_default_str();
  sub->add_flag("--no-recalibrate", o.no_recalibrate,
                "Monte-Carlo: keep the design's combination table instead of recalibrating each "
                "die on a foreground ramp");
  sub->callback([sub, options, &exit_code] { exit_code = runEval(*sub, *options); });
}

}  // namespace nnadc::cli
