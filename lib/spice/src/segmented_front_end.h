#pragma once
// The segmented front end's elements (spice/segmented_deck.h), written into a pipeline deck.
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "writer.h"

namespace nnadc::spice::detail {

// Header comments: the comparators' dividers and the ideal elements' estimated power.
void writeSegmentedHeader(Writer& w, const adc::Design& design);
// Supply, ladder, comparators, decoder and multiplexer; kSegmentedInputNode in, vs0 out. Appends
// the vectors the bench reads to `saved`.
void writeSegmentedFrontEnd(Writer& w, const adc::Design& design, std::vector<std::string>& saved);

}  // namespace nnadc::spice::detail
