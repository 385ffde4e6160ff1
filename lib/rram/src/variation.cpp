#include "nnadc/rram/variation.h"

#include <cmath>
#include <string>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::rram {

void VariationOptions::validate() const {
  requireInRange("NNADC-CFG-003", "lognormal_sigma", lognormal_sigma, 0.0, 5.0);
  requireInRange("NNADC-CFG-003", "additive_sigma_s", additive_sigma_s, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "stuck_off_rate", stuck_off_rate, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "stuck_on_rate", stuck_on_rate, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "read_noise_sigma", read_noise_sigma, 0.0, 5.0);
  if (stuck_off_rate + stuck_on_rate > 1.0) {
    throw InputError("NNADC-CFG-003", "stuck_off_rate + stuck_on_rate must not exceed 1");
  }
}

bool VariationOptions::isNominal() const {
  return lognormal_sigma == 0.0 && additive_sigma_s == 0.0 && stuck_off_rate == 0.0 &&
         stuck_on_rate == 0.0 && read_noise_sigma == 0.0;
}

double lognormalFactor(Rng& rng, double sigma) {
  // rng.normal(0.0, sigma) is 0.0 + sigma * n, which equals sigma * n bit for bit except that
  // -0.0 becomes +0.0, and exp maps both zeros to 1.0: callers written either way draw the same
  // factors.
  return std::exp(rng.normal(0.0, sigma));
}

double lognormalFactor(NormalStream& normals, double sigma) {
  return std::exp(sigma * normals.next());
}

void applyProgrammingVariation(std::vector<double>& g_s, double g_max_s,
                               const VariationOptions& options, Rng& rng) {
  for (double& g : g_s) {
    if (g == 0.0) continue;
    if (options.stuck_off_rate > 0.0 || options.stuck_on_rate > 0.0) {
      const double u = rng.uniform();
      if (u < options.stuck_off_rate) {
        g = 0.0;
        continue;
      }
      if (u < options.stuck_off_rate + options.stuck_on_rate) {
        g = g_max_s;
        continue;
      }
    }
    if (options.lognormal_sigma > 0.0) g *= lognormalFactor(rng, options.lognormal_sigma);
    if (options.additive_sigma_s > 0.0) g += rng.normal(0.0, options.additive_sigma_s);
    if (options.read_noise_sigma > 0.0) g *= 1.0 + rng.normal(0.0, options.read_noise_sigma);
    g = std::max(g, 0.0);
  }
}

}  // namespace nnadc::rram
