#pragma once
// nnadc flow: every input read and checked before any work (bad input is exit 2 with nothing
// written).
#include <optional>
#include <string>

#include "cli_common.h"
#include "nnadc/adc/design.h"
#include "nnadc/eval/buildable.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/flow_json.h"

namespace nnadc::cli {

struct FlowInputs {
  std::optional<io::Recipe> recipe;   ///< --recipe: to train (overrides applied, validated)
  std::optional<adc::Design> reused;  ///< --design
  /// --buildable-calibration, checked against the reused design and the buildable deck options.
  std::optional<eval::BuildableCalibration> calibration;
};

/// Exactly one of `design` and `recipe` (NNADC-CFG-005); --train-iterations with --recipe only and
/// --buildable-calibration with a reused design the buildable bench simulates (NNADC-CFG-003).
FlowInputs loadFlowInputs(const std::string& design, const std::string& recipe,
                          const CommonOptions& common, std::optional<int> train_iterations,
                          const io::FlowOptions& flow);

}  // namespace nnadc::cli
