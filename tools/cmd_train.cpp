// nnadc train --config recipe.json: trains a stage or a whole pipelined ADC under the RRAM level
// constraint (eval::train) and writes the design JSON (CLI.md). Here --config is the recipe
// itself (nested JSON), not a flat option file.

#include "cli_common.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/train.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/nonlinear_json.h"
#include "nnadc/io/results_json.h"

namespace nnadc::cli {

namespace {

struct TrainOptions {
  CommonOptions common;
  std::optional<int> iterations;
  std::optional<int> restarts;
};

std::string nonlinearLine(const eval::TrainSummary& s) {
  if (!s.nonlinear) return "";
  const auto& l = s.nonlinear->linearity;
  return "; " + s.nonlinear->target + " target: max |INL| " + fixed(l.max_abs_inl_lsb, 3) +
         ", max |DNL| " + fixed(l.max_abs_dnl_lsb, 3) + " LSB, " + std::to_string(l.missing_codes) +
         " missing codes";
}

int runTrain(TrainOptions& o) {
  StderrLogger logger(&o.common.quiet);
  if (o.common.config_file.empty()) {
    throw InputError("NNADC-CFG-005", "nnadc train needs --config RECIPE.json");
  }
  io::Recipe recipe = io::loadRecipe(o.common.config_file);
  applyTrainOverrides(recipe.request, o.common.seed, o.iterations, o.restarts);
  const eval::TrainSummary s = eval::train(recipe.request, logger);
  if (s.diverged) {
    std::fprintf(stderr, "error[NNADC-TRN-001]: %s; no design written\n", s.message.c_str());
    return kExitCheckFailed;
  }
  const eval::TrainRequest& q = recipe.request;
  io::Provenance provenance;
  provenance.command = "train";
  const auto& training = q.stage ? q.stage_training : q.pipeline_training.stage;
  provenance.config = {{"recipe", o.common.config_file},
                       {"iterations", training.iterations},
                       {"restarts", training.restarts}};
  provenance.seed = s.design.seed;
  io::Json metrics = io::evalJson(s.metrics);
  if (s.nonlinear) metrics["nonlinear"] = io::nonlinearJson(*s.nonlinear);
  io::writeOutput(o.common.output, io::dumpJson(io::designJson(s.design, provenance, recipe.raw,
                                                               io::trainingJson(q, s), metrics)));
  const std::string what = q.stage
                               ? std::to_string(q.stage->bits) + "-bit stage"
                               : std::to_string(s.design.pipeline.bits) + "-bit pipeline of " +
                                     std::to_string(s.design.pipeline.stages.size()) + " stages";
  printSummary(o.common, "train: " + what + ", ENOB " + fixed(metrics["enob"].get<double>(), 3) +
                             ", DNL [" + fixed(metrics["dnl_lsb_min"].get<double>(), 2) + ", " +
                             fixed(metrics["dnl_lsb_max"].get<double>(), 2) + "] LSB, " +
                             std::to_string(metrics["missing_codes"].get<int>()) +
                             " missing codes, " + fixed(s.seconds, 1) + " s" + nonlinearLine(s) +
                             " -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void applyTrainOverrides(eval::TrainRequest& request, std::optional<std::uint64_t> seed,
                         std::optional<int> iterations, std::optional<int> restarts) {
  for (adc::StageTrainOptions* t : {&request.stage_training, &request.pipeline_training.stage}) {
    if (seed) t->seed = *seed;
    if (iterations) t->iterations = *iterations;
    if (restarts) t->restarts = *restarts;
  }
  if (seed) {
    request.pipeline_training.residue.seed = *seed;
    request.base.seed = *seed;
  }
}

void addTrainCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train", "Train an NN ADC stage under the RRAM cell constraint from a recipe (--config)");
  addCommonOptions(*sub, options->common, "design.json", ConfigRole::kRecipe);
  sub->add_option("--iterations", options->iterations, "Override the recipe's iterations");
  sub->add_option("--restarts", options->restarts, "Override the recipe's restarts");
  setRun(
      *sub, options->common, [options] { return runTrain(*options); }, exit_code);
}

}  // namespace nnadc::cli
