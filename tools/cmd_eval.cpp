// nnadc eval --design D: behavioural conversion of a coherent sine and a ramp -> metrics JSON
// (lib/eval), with an RRAM-variation Monte-Carlo (lib/mc) and a nonlinear-transfer study.
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/transfer.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/nonlinear_json.h"
#include "nnadc/io/results_json.h"
#include "option_groups.h"

namespace nnadc::cli {

namespace {

struct EvalCliOptions {
  CommonOptions common;
  std::string design;
  eval::EvalOptions eval;
  std::optional<double> require_enob;
  MonteCarloCliOptions mc;
  eval::TransferOptions transfer;
};

int runEval(CLI::App& sub, EvalCliOptions& o) {
  if (o.design.empty()) throw InputError("NNADC-CFG-005", "nnadc eval needs --design FILE");
  requireDistinctOutput(o.common, {{"--design", o.design}});
  o.eval.validate();
  if (o.require_enob) requireInRange("NNADC-CFG-003", "require-enob", *o.require_enob, 0.0, 64.0);
  const bool variation = o.mc.requested();
  mc::VariationOptions variation_options = o.mc.options(o.common.seed.value_or(1));
  if (variation) variation_options.validate();
  if (!o.transfer.transfer.empty()) o.transfer.validate();
  const adc::Design design = io::loadDesign(o.design);
  o.eval.noise_seed = o.common.seed.value_or(1);
  io::Json j = io::evalJson(eval::evaluate(design, o.eval));
  StderrLogger logger(&o.common.quiet);
  if (variation) {
    j["variation"] =
        io::variationJson(mc::variationStudy(design, variation_options, logger.progress()));
  }
  if (design.segmented || !design.stage(0).shape.target_thresholds.empty())
    j["nonlinear"] = io::nonlinearJson(eval::nonlinearStudy(design, {}));
  if (!o.transfer.transfer.empty()) {
    j["nonlinear"] = io::transferJson(eval::transferStudy(design, o.transfer));
    j["nonlinear"]["linearity"] = io::nonlinearJson(eval::digitalMappingStudy(
        design, adc::namedTarget(o.transfer.transfer, o.transfer.bits, "--transfer"), {}));
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
  io::writeOutput(o.common.output, io::dumpJson(j));
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
  sub->add_option("--sine-log2", o.eval.sine_log2,
                  "Sine record length: 2^N samples (default 14 for a stage, 16 for a pipeline)");
  sub->add_option("--ramp-per-level", o.eval.ramp_per_code,
                  "Ramp samples per output code for DNL/INL (default 64 for a stage, 16 for a "
                  "pipeline)");
  sub->add_flag("!--no-noise", o.eval.noise,
                "Leave out the residue amplifiers' noise (a design's noise_v_rms; default: drawn "
                "from --seed)");
  sub->add_option("--require-enob", o.require_enob, "Exit 1 if the sine ENOB is below this");
  addMonteCarloOptions(*sub, o.mc);
  sub->add_option("--transfer", o.transfer.transfer,
                  "Pipelines: also map the output through a nonlinear quantiser (log2 | sqrt | "
                  "mu-law) and report its error and its transition-level DNL/INL against the "
                  "ideal nonlinear quantiser (docs/nonlinear.md)");
  sub->add_option("--transfer-bits", o.transfer.bits, "Resolution of that nonlinear code")
      ->capture_default_str();
  setRun(
      *sub, options->common, [sub, options] { return runEval(*sub, *options); }, exit_code);
}

}  // namespace nnadc::cli
