#pragma once
/// Recipes (`nnadc train --config`) and design files (the trained result) as JSON.
#include <filesystem>

#include "nnadc/adc/design.h"
#include "nnadc/adc/pipeline_trainer.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/eval/train.h"
#include "nnadc/io/json.h"

namespace nnadc::io {

/// A stage recipe (training/stage4.json). Paths inside are relative to the recipe's folder.
struct StageRecipe {
  std::filesystem::path vtc_file;  ///< VTC JSON written by `nnadc characterize`
  Vtc vtc;
  adc::InverterSizing inverter;  ///< read from the VTC file (what characterize recorded)
  int bits = 4;
  int hidden = 24;
  adc::CodeKind code = adc::CodeKind::kSmooth;
  int outputs = 0;
  double input_lo_v = 0.0;
  double input_hi_v = 0.0;  ///< 0 = VDD of the VTC
  /// The `nonlinear` block: a target the stage learns directly (its 2^bits - 1 transition
  /// levels, fractions of the window); empty = uniform.
  std::vector<double> target_thresholds;
  rram::LevelSetOptions rram;
  adc::StageTrainOptions training;
  Json raw;  ///< the recipe as written (recorded in the design)
};

/// Loads and validates a recipe. Errors (NNADC-CFG-nnn) name the file and the field: unknown key
/// (001), wrong type (002), out of range (003), missing (005), bad name (007), and VTC file
/// missing or unreadable (008).
StageRecipe loadStageRecipe(const std::filesystem::path& path, bool load_vtc = true);

/// A pipelined-ADC recipe (training/adc14.json): a stage plan, each stage's sub-ADC and residue.
struct PipelineRecipe {
  std::filesystem::path vtc_file;
  Vtc vtc;
  adc::InverterSizing inverter;
  rram::LevelSetOptions rram;
  std::vector<adc::PipelineStagePlan> plan;
  adc::PipelineTrainOptions training;
  /// The `nonlinear` block (issue #16): a segmented front end whose mantissa converter is this
  /// pipeline; NNADC-NLQ-00n for a bad target or one the plan cannot resolve.
  std::optional<adc::SegmentedFrontEnd> segmented;
  int nonlinear_calibration_points = 1 << 16;
  Json raw;
};

/// Loads and validates a pipeline recipe: errors as for stages, plus NNADC-PIP-001 (plan resolves
/// fewer bits than the target) and NNADC-PIP-002 (a stage window outside the supply).
PipelineRecipe loadPipelineRecipe(const std::filesystem::path& path, bool load_vtc = true);

/// "stage" or "pipeline": the recipe's kind (default stage).
std::string recipeKind(const std::filesystem::path& path);

/// Any recipe, as the library's training request (eval::train), with what the design records.
struct Recipe {
  std::filesystem::path vtc_file;
  eval::TrainRequest request;
  Json raw;  ///< the recipe as written
};
/// loadStageRecipe or loadPipelineRecipe by the recipe's kind; errors as theirs. Without
/// `load_vtc` the recipe's VTC file is neither required nor read (the caller supplies the VTC
/// and inverter, as flow does from its own characterisation).
Recipe loadRecipe(const std::filesystem::path& path, bool load_vtc = true);

/// The design file's `training` block: per-stage results (and a single stage's history).
Json trainingJson(const eval::TrainRequest& request, const eval::TrainSummary& summary);

/// Reads a VTC JSON written by `nnadc characterize`: the table, and the inverter it came from
/// (sizes and models; defaults when a hand-made file lacks them).
Vtc loadVtc(const std::filesystem::path& path, adc::InverterSizing* inverter = nullptr);

/// The design file: provenance, recipe, seed, VDD, RRAM level set, VTC table, every stage with its
/// code, decoder table and cells as integer level indices; plus `training` and `metrics` blocks.
Json designJson(const adc::Design& design, const Provenance& provenance, const Json& recipe,
                const Json& training, const Json& metrics);

/// Loads a design file; checks every cell index lies in the level set and shapes agree
/// (NNADC-DES-001 naming the stage and field).
adc::Design loadDesign(const std::filesystem::path& path);
/// Design files this process has parsed (flow holds itself to one; its test counts them).
std::size_t designFilesParsed();

}  // namespace nnadc::io
