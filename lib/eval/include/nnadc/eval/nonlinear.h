#pragma once
/// Static linearity of a nonlinear converter against its ideal nonlinear transfer (issue #16):
/// a sweep with the same number of inputs inside every ideal code (adc::targetSweep), converted
/// behaviourally, measured as code transition levels (metrics::transitionLinearity): per-code DNL
/// and INL in output LSB (each code's own ideal width), missing codes. Architectures:
///  - "segmented": a design with a segmented front end (adc/segmented.h) and its own target;
///  - "digital": a linear pipeline whose calibrated output code is mapped digitally to the target
///    (the input estimate is the linear code's centre): today's `--transfer`, the baseline.
/// Plus the SNDR of the linearised output: a full-scale sine x(t) = (1 + sin) / 2 of the window,
/// each output code replaced by its ideal code's centre (midpoint of its transition levels; the
/// end codes by the midpoint of their span in the window), SNDR = 10 log10(var x / mean (x^ -
/// x)^2), beside the same figure for the ideal quantiser of the target (what the target itself
/// allows).
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/metrics/transitions.h"

namespace nnadc::eval {

struct NonlinearOptions {
  int per_code = 64;           ///< sweep inputs per ideal code
  int sine_samples = 1 << 16;  ///< for the linearised SNDR
  /// Throws InputError NNADC-CFG-003 naming the field.
  void validate() const;
};

struct NonlinearSummary {
  std::string architecture;  ///< "segmented" | "stage" | "digital"
  std::string target;        ///< the target's name
  int codes = 0;
  int sweep_points = 0;
  metrics::TransitionLinearity linearity;
  double linearised_sndr_db = 0.0;
  double linearised_enob = 0.0;  ///< (SNDR - 1.76) / 6.02
  double ideal_linearised_sndr_db = 0.0;
};

/// A segmented design with its own target, or a single stage trained to a target (architecture
/// "stage": its levels against its target_thresholds). NNADC-DES-001 for a design with neither.
NonlinearSummary nonlinearStudy(const adc::Design& design, const NonlinearOptions& options);
/// A linear pipeline's output mapped digitally to `target` (the baseline).
NonlinearSummary digitalMappingStudy(const adc::Design& design, const adc::NonlinearTarget& target,
                                     const NonlinearOptions& options);

}  // namespace nnadc::eval
