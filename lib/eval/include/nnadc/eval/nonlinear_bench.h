#pragma once
/// SPICE static bench of a segmented nonlinear converter (issue #16): the target sweep of
/// eval/nonlinear.h drives the whole converter's ngspice static deck (spice/segmented_deck.h: the
/// ideal x2 ladder, transistor-level comparators, ideal decoder and multiplexer, then the mantissa
/// pipeline with its NN sub-ADCs at transistor level and residue amplifiers ideal as in every
/// pipeline deck), solved as DC operating points. The segment is read from the comparators'
/// outputs, the mantissa code from the stages' bits, and the design's calibrated back end maps
/// (segment, mantissa) to the target's code. Reported against the behavioural converter on the
/// same inputs (agreement) and against the ideal nonlinear quantiser (transition-level DNL/INL).
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/eval/nonlinear.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/segmented_deck.h"

namespace nnadc::eval {

struct NonlinearBenchSummary {
  std::string target;
  int codes = 0;
  int points = 0;
  metrics::TransitionLinearity linearity;  ///< of the SPICE codes
  double agreement = 0.0;                  ///< fraction of inputs with the behavioural code
  int differing_codes = 0;
  std::int64_t max_code_difference = 0;
  double segment_agreement = 0.0;  ///< fraction of inputs whose SPICE segment is the model's
  /// Fraction of mantissa codes equal to the model's, over the inputs of equal segment.
  double mantissa_agreement = 0.0;
  double power_w = 0.0;             ///< everything simulated: sub_adc_power_w + comparator_power_w
  double sub_adc_power_w = 0.0;     ///< the mantissa pipeline's NN sub-ADCs (SPICE supplies)
  double comparator_power_w = 0.0;  ///< the segment comparators (SPICE supply vdd_cmp)
  /// The ideal front-end elements with their estimated power (not simulated, not in power_w),
  /// and its sum [W].
  std::vector<spice::IdealEstimate> ideal_estimates;
  double ideal_estimated_power_w = 0.0;
  std::vector<spice::SegmentComparator> comparators;  ///< as the deck designs them
  /// The deck's ideal elements, "instances: what" (spice::idealElements, as its header lists).
  std::vector<std::string> ideal_elements;
  std::size_t jobs = 0;
  double elapsed_s = 0.0;
  std::vector<std::int64_t> spice_codes;
  std::vector<std::int64_t> behavioural_codes;
};

/// `per_code` sweep inputs per ideal code. NNADC-DES-001 for a design without a segmented front
/// end; SimulationError as the pipeline static bench.
NonlinearBenchSummary segmentedStaticBench(sim::WorkerPool& pool, const adc::Design& design,
                                           int per_code, double timeout_s);

}  // namespace nnadc::eval
