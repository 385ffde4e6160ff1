#include "cmd_flow_inputs.h"

#include "nnadc/core/error.h"
#include "nnadc/io/buildable_json.h"

namespace nnadc::cli {

FlowInputs loadFlowInputs(const std::string& design, const std::string& recipe,
                          const CommonOptions& common, std::optional<int> train_iterations,
                          const io::FlowOptions& flow) {
  FlowInputs in;
  if (design.empty() == recipe.empty()) {
    throw InputError("NNADC-CFG-005",
                     "nnadc flow needs exactly one of --design (reuse a trained design) or "
                     "--recipe (train one); got " +
                         std::string(design.empty() ? "neither" : "both"));
  }
  if (!recipe.empty()) {
    in.recipe = io::loadRecipe(recipe, /*load_vtc=*/false);
    applyTrainOverrides(in.recipe->request, common.seed, train_iterations, {});
    in.recipe->request.validate();
  } else {
    if (train_iterations) {
      throw InputError("NNADC-CFG-003",
                       "field 'train-iterations' = " + std::to_string(*train_iterations) +
                           " applies to --recipe only; --design reuses a design");
    }
    in.reused = io::loadDesign(design);
  }
  if (!flow.buildable_calibration.empty()) {
    // A calibration belongs to one design: checked against the reused one.
    const auto b =
        in.reused ? io::flowBuildable(*in.reused, flow, common.seed.value_or(1)) : std::nullopt;
    if (!b) {
      throw InputError("NNADC-CFG-003",
                       "field 'buildable-calibration' applies to a reused --design the buildable "
                       "bench simulates (not --recipe, --skip-buildable or a design it does not "
                       "build)");
    }
    in.calibration =
        io::loadBuildableCalibration(flow.buildable_calibration, *in.reused, *b, design);
  }
  return in;
}

}  // namespace nnadc::cli
