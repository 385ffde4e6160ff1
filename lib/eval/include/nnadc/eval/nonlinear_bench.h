#pragma once
/// SPICE static bench of a segmented nonlinear converter (issue #16): the target sweep of
/// eval/nonlinear.h goes through the behavioural front end (adc::SegmentedConverter::frontEnd:
/// ladder and comparators have no netlist yet), the taps it chooses are solved as DC operating
/// points of the mantissa pipeline's ngspice static deck (its NN sub-ADCs at transistor level,
/// residue amplifiers ideal as in every pipeline deck), and the back end maps (segment, SPICE
/// mantissa code) to the target's code. Reported against the behavioural converter on the same
/// inputs (agreement) and against the ideal nonlinear quantiser (transition-level DNL/INL).
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/eval/nonlinear.h"
#include "nnadc/sim/pool.h"

namespace nnadc::eval {

struct NonlinearBenchSummary {
  std::string target;
  int codes = 0;
  int points = 0;
  metrics::TransitionLinearity linearity;  ///< of the SPICE codes
  double agreement = 0.0;                  ///< fraction of inputs with the behavioural code
  int differing_codes = 0;
  std::int64_t max_code_difference = 0;
  double mantissa_agreement = 0.0;  ///< fraction of mantissa codes equal to the model's
  double power_w = 0.0;             ///< the mantissa pipeline's NN sub-ADCs (SPICE supply)
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
