#pragma once
/// Nonlinear quantisation (issue #16) as JSON: target tables, the recipe's `nonlinear` block, the
/// design's `segmented` block and the `nonlinear` results of eval/train.
#include <filesystem>
#include <string>

#include "nnadc/adc/design.h"
#include "nnadc/eval/nonlinear.h"
#include "nnadc/eval/nonlinear_bench.h"
#include "nnadc/io/fields.h"
#include "nnadc/io/json.h"

namespace nnadc::io {

/// A table of transition levels (fractions of the input window, rising strictly): a CSV file
/// (numbers separated by commas, spaces or line breaks; '#' starts a comment) or, for a `.json`
/// file, an array of numbers or an object {"thresholds": [...]}. Errors name the file and the
/// field: NNADC-CFG-008 (unreadable), NNADC-CFG-002 (not a number), then adc::tableTarget's
/// NNADC-NLQ-001/002/003.
adc::NonlinearTarget loadTargetTable(const std::filesystem::path& path);

/// The target of a recipe block: {"target": "log2" | "sqrt" | "mu-law", "bits": N} or
/// {"table": "file.csv" (relative to the recipe's folder)}.
adc::NonlinearTarget readTarget(FieldReader& r, const std::filesystem::path& recipe_path);

/// A pipeline recipe's `nonlinear` block: the target, "architecture": "segmented" (the only one a
/// recipe trains; "digital" needs no training: `eval --transfer`), "segments", "select_fraction",
/// "amplifier" {gain_error, offset_v, a2_per_v, a3_per_v2}, "comparator_offset_v",
/// "calibration_points".
adc::SegmentedFrontEnd readNonlinearRecipe(FieldReader r, const std::filesystem::path& recipe_path,
                                           int& calibration_points);

Json segmentedJson(const adc::SegmentedFrontEnd& front_end);
/// A design's `segmented` block (NNADC-DES-001 through loadDesign for a malformed one).
adc::SegmentedFrontEnd readSegmented(FieldReader r);

Json nonlinearJson(const eval::NonlinearSummary& s);
/// The segmented SPICE static bench's result (sim --design D --bench static), with its codes.
Json nonlinearBenchJson(const eval::NonlinearBenchSummary& s, const std::string& design_file);

}  // namespace nnadc::io
