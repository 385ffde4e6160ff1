#pragma once
/// JSON of `nnadc sim --bench buildable` (eval::BuildableSummary): the CLI.md metrics fields of the
/// SPICE codes (power and FoMs included), then the bench, power per block, noise and the
/// comparison with the behavioural model.
#include <string>

#include "nnadc/eval/buildable.h"
#include "nnadc/io/json.h"

namespace nnadc::io {

Json buildableJson(const eval::BuildableSummary& summary, const std::string& design_file);

/// The `calibration` block of a buildable result: points, span, unit_cap_f, fs_hz, table and the
/// ramp's residuals.
Json buildableCalibrationJson(const eval::BuildableCalibration& calibration);

/// Reads the `calibration` block of a `sim --bench buildable` result (or such a block alone) and
/// checks it against the design (one row per stage, 2^bits entries per row) and the deck options
/// (unit capacitor and fs as measured): NNADC-IO-001/003 (file), NNADC-CFG-002 (shape or type),
/// NNADC-CFG-003 (measured with other deck options, or, when the block records the design file's
/// digest and `design_file` is given, on another design file), each naming the file and field.
eval::BuildableCalibration loadBuildableCalibration(const std::string& path,
                                                    const adc::Design& design,
                                                    const spice::BuildableOptions& options,
                                                    const std::string& design_file = "");

}  // namespace nnadc::io
