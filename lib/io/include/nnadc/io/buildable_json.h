#pragma once
/// JSON of `nnadc sim --bench buildable` (eval::BuildableSummary): the CLI.md metrics fields of the
/// SPICE codes (power and FoMs included), then the bench, power per block, noise and the
/// comparison with the behavioural model.
#include <string>

#include "nnadc/eval/buildable.h"
#include "nnadc/io/json.h"

namespace nnadc::io {

Json buildableJson(const eval::BuildableSummary& summary, const std::string& design_file);

}  // namespace nnadc::io
