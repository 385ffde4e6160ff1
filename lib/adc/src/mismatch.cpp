#include "nnadc/adc/mismatch.h"

#include "nnadc/adc/design.h"
#include "nnadc/adc/pipeline.h"

namespace nnadc::adc {

// Interface stub: the draw and its application land with the Monte-Carlo campaign work (#13).
std::vector<std::string> inverterNames(const Design& /*design*/, std::size_t /*stage*/) {
  return {};
}

void drawCmosMismatch(const Design& /*design*/, const MismatchCoefficients& /*coefficients*/,
                      double /*scale*/, Rng& /*rng*/, PipelineConductances& die) {
  die.cmos.clear();
}

}  // namespace nnadc::adc
