// nnadc train --config recipe.json: trains a stage under the RRAM level constraint and writes the
// design JSON (CLI.md). Here --config is the recipe itself (nested JSON), not a flat option file.
#include <chrono>
#include <cstdio>

#include "cli_common.h"
#include "nnadc/adc/convert.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/error.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "stage_eval.h"

namespace nnadc::cli {

namespace {

struct TrainOptions {
  CommonOptions common;
  std::optional<int> iterations;
  std::optional<int> restarts;
};

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

int runTrainPipeline(TrainOptions& o, Logger& logger) {
  io::PipelineRecipe recipe = io::loadPipelineRecipe(o.common.config_file);
  if (o.common.seed) {
    recipe.training.stage.seed = *o.common.seed;
    recipe.training.residue.seed = *o.common.seed;
  }
  if (o.iterations) recipe.training.stage.iterations = *o.iterations;
  if (o.restarts) recipe.training.stage.restarts = *o.restarts;
  recipe.training.validate(recipe.plan, recipe.vtc.vdd_v);
  adc::Design design;
  design.seed = recipe.training.stage.seed;
  design.vdd_v = recipe.vtc.vdd_v;
  design.rram = recipe.rram;
  design.vtc = recipe.vtc;
  design.inverter = recipe.inverter;
  const auto start = std::chrono::steady_clock::now();
  const adc::PipelineTrainResult result =
      adc::trainPipeline(recipe.plan, recipe.training, design, logger);
  if (result.diverged) {
    std::fprintf(stderr, "error[NNADC-TRN-001]: %s; no design written\n", result.message.c_str());
    return kExitCheckFailed;
  }
  design.pipeline = result.pipeline;
  const io::Json metrics = pipelineMetrics(design, PipelineEvalOptions{});
  io::Json stages = io::Json::array();
  for (std::size_t i = 0; i < result.stages.size(); ++i) {
    io::Json s = {{"trained_ramp_enob", result.stages[i].trained_enob_ramp},
                  {"refined_ramp_enob", result.stages[i].best_enob_ramp},
                  {"best_iteration", result.stages[i].best_iteration}};
    if (design.pipeline.stages[i].residue == adc::ResidueStyle::kNetwork &&
        i + 1 < result.stages.size()) {
      s["residue_rms_error_v"] = result.residues[i].rms_error_v;
      s["residue_max_error_v"] = result.residues[i].max_error_v;
    }
    stages.push_back(s);
  }
  const io::Json training = {{"stages", stages}};
  io::Provenance provenance;
  provenance.command = "train";
  provenance.config = {{"recipe", o.common.config_file},
                       {"iterations", recipe.training.stage.iterations},
                       {"restarts", recipe.training.stage.restarts}};
  provenance.seed = design.seed;
  io::writeFileAtomic(o.common.output, io::dumpJson(io::designJson(design, provenance, recipe.raw,
                                                                   training, metrics)));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printSummary(o.common, "train: " + std::to_string(design.pipeline.bits) + "-bit pipeline of " +
                             std::to_string(design.pipeline.stages.size()) + " stages, ENOB " +
                             fixed(metrics["enob"].get<double>(), 3) + ", DNL [" +
                             fixed(metrics["dnl_lsb_min"].get<double>(), 2) + ", " +
                             fixed(metrics["dnl_lsb_max"].get<double>(), 2) + "] LSB, " +
                             std::to_string(metrics["missing_codes"].get<int>()) +
                             " missing codes, " + fixed(seconds, 1) + " s -> " + o.common.output);
  return kExitOk;
}

int runTrain(CLI::App& sub, TrainOptions& o) {
  StderrLogger logger(&o.common.quiet);
  if (o.common.config_file.empty()) {
    throw InputError("NNADC-CFG-005", "nnadc train needs --config RECIPE.json");
  }
  if (io::recipeKind(o.common.config_file) == "pipeline") return runTrainPipeline(o, logger);
  io::StageRecipe recipe = io::loadStageRecipe(o.common.config_file);
  if (o.common.seed) recipe.training.seed = *o.common.seed;
  if (o.iterations) recipe.training.iterations = *o.iterations;
  if (o.restarts) recipe.training.restarts = *o.restarts;
  recipe.training.validate();

  adc::Design design;
  design.seed = recipe.training.seed;
  design.vdd_v = recipe.vtc.vdd_v;
  design.rram = recipe.rram;
  design.vtc = recipe.vtc;
  design.inverter = recipe.inverter;
  adc::StageDesign stage;
  stage.shape.bits = recipe.bits;
  stage.shape.hidden = recipe.hidden;
  stage.shape.code = adc::OutputCode::make(recipe.code, recipe.bits, recipe.outputs);
  stage.shape.vdd_v = recipe.vtc.vdd_v;
  stage.shape.input_lo_v = recipe.input_lo_v;
  stage.shape.input_hi_v = recipe.input_hi_v;
  const adc::StageModel model(stage.shape, recipe.vtc, rram::LevelSet(recipe.rram));
  logger.info("training a " + std::to_string(recipe.bits) + "-bit " +
              adc::codeKindName(recipe.code) + " stage (" + std::to_string(recipe.hidden) +
              " hidden, " + std::to_string(stage.shape.outputs()) + " outputs, " +
              std::to_string(recipe.rram.cell_bits) + "-bit cells)");
  const adc::StageTrainResult result = adc::trainStage(model, recipe.training, logger);
  if (result.diverged) {
    std::fprintf(stderr, "error[NNADC-TRN-001]: %s; no design written\n", result.message.c_str());
    return kExitCheckFailed;
  }
  stage.cells = result.cells;
  // Calibrate the lookup-table decoder on a ramp (the foreground calibration a real converter
  // would run), then store it sorted so the file is deterministic.
  Eigen::VectorXd ramp;
  std::vector<int> ideal;
  adc::makeRamp(stage.shape, recipe.training.samples_per_level, ramp, ideal);
  adc::Decoder decoder(stage.shape.code);
  decoder.calibrate(model.words(model.conductances(stage.cells), ramp), ideal);
  stage.decoder_table.assign(decoder.table().begin(), decoder.table().end());
  std::sort(stage.decoder_table.begin(), stage.decoder_table.end());
  design.pipeline = adc::singleStagePipeline(stage);

  const io::Json metrics = stageMetrics(design, 0, EvalOptions{});
  io::Json history = io::Json::array();
  for (const auto& h : result.history) {
    history.push_back({{"iteration", h.iteration}, {"loss", h.loss}, {"ramp_enob", h.enob_ramp}});
  }
  // No wall-clock figures in the file: the same seed must give a bit-identical design.
  const io::Json training = {{"quantization", adc::quantizationName(recipe.training.quantization)},
                             {"trained_ramp_enob", result.trained_enob_ramp},
                             {"refined_ramp_enob", result.best_enob_ramp},
                             {"best_iteration", result.best_iteration},
                             {"best_restart", result.best_restart},
                             {"refine_changes", result.refine_changes},
                             {"history", history}};
  io::Provenance provenance;
  provenance.command = "train";
  provenance.config = {{"recipe", o.common.config_file},
                       {"iterations", recipe.training.iterations},
                       {"restarts", recipe.training.restarts}};
  provenance.seed = recipe.training.seed;
  io::writeFileAtomic(o.common.output, io::dumpJson(io::designJson(design, provenance, recipe.raw,
                                                                   training, metrics)));
  printSummary(o.common, "train: " + std::to_string(recipe.bits) + "-bit stage, ENOB " +
                             fixed(metrics["enob"].get<double>(), 3) + ", DNL [" +
                             fixed(metrics["dnl_lsb_min"].get<double>(), 2) + ", " +
                             fixed(metrics["dnl_lsb_max"].get<double>(), 2) + "] LSB, " +
                             std::to_string(metrics["missing_codes"].get<int>()) +
                             " missing codes, " + fixed(result.seconds, 1) + " s -> " +
                             o.common.output);
  (void)sub;
  return kExitOk;
}

}  // namespace

void addTrainCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train", "Train an NN ADC stage under the RRAM cell constraint from a recipe (--config)");
  addCommonOptions(*sub, options->common, "design.json");
  sub->add_option("--iterations", options->iterations, "Override the recipe's iterations");
  sub->add_option("--restarts", options->restarts, "Override the recipe's restarts");
  sub->callback([sub, options, &exit_code] { exit_code = runTrain(*sub, *options); });
}

}  // namespace nnadc::cli
