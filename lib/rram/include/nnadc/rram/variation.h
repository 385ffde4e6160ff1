#pragma once
/// Non-idealities of programmed RRAM cells, shared by noise-aware training, Monte-Carlo and the
/// netlist emitter (one source of truth for the hardware model). All act on conductances [S].
#include <vector>

#include "nnadc/core/normal_stream.h"
#include "nnadc/core/rng.h"

namespace nnadc::rram {

struct VariationOptions {
  double lognormal_sigma = 0.0;   ///< programming spread: G * exp(N(0, sigma)) (NeuADC/ICCAD'19)
  double additive_sigma_s = 0.0;  ///< additive Gaussian spread [S]
  double stuck_off_rate = 0.0;    ///< probability a device reads as open (G = 0)
  double stuck_on_rate = 0.0;     ///< probability a device is stuck at g_max
  double read_noise_sigma = 0.0;  ///< relative read noise per evaluation: G * (1 + N(0, s))
  /// Throws InputError NNADC-CFG-003 naming the field (sigmas >= 0, rates in [0, 1]).
  void validate() const;
  [[nodiscard]] bool isNominal() const;
};

/// Programming-spread factor exp(N(0, sigma)) of one cell (NeuADC/ICCAD'19): a programmed
/// conductance G reads as G * lognormalFactor(rng, sigma). Draws one normal from `rng`. The one
/// lognormal draw that noise-aware training (adc, axtrain) and Monte-Carlo share.
double lognormalFactor(Rng& rng, double sigma);
/// The same factor from a NormalStream (the ziggurat stream for bulk draws: AxTrain's RRAM
/// weights, one factor per weight per training step).
double lognormalFactor(NormalStream& normals, double sigma);

/// One draw of programming variation applied to `g_s` in place. Cells at 0 S (no device) stay
/// open: there is nothing there to vary or to get stuck. Results are clamped at >= 0.
void applyProgrammingVariation(std::vector<double>& g_s, double g_max_s,
                               const VariationOptions& options, Rng& rng);

}  // namespace nnadc::rram
