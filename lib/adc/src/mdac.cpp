#include "nnadc/adc/mdac.h"

#include <cmath>
#include <numbers>
#include <vector>

#include "nnadc/core/check.h"

namespace nnadc::adc {

void MdacParameters::validate() const {
  requireInRange("NNADC-CFG-003", "mdac.unit_cap_f", unit_cap_f, 1e-15, 1e-9);
  requireInRange("NNADC-CFG-003", "mdac.input_cap_f", input_cap_f, 0.0, 1e-9);
  requireInRange("NNADC-CFG-003", "mdac.open_loop_gain", open_loop_gain, 1.0, 1e9);
  requireInRange("NNADC-CFG-003", "mdac.gbw_hz", gbw_hz, 1e3, 1e12);
  requireInRange("NNADC-CFG-003", "mdac.settle_s", settle_s, 1e-12, 1e-3);
  requireInRange("NNADC-CFG-003", "mdac.amp_noise_v_rms", amp_noise_v_rms, 0.0, 0.1);
  requireInRange("NNADC-CFG-003", "mdac.cap_sigma", cap_sigma, 0.0, 0.1);
  requireInRange("NNADC-CFG-003", "mdac.temperature_k", temperature_k, 1.0, 500.0);
}

MdacFigures mdacFigures(const MdacParameters& params, int bits, double gain) {
  params.validate();
  requireInRange("NNADC-CFG-003", "bits", bits, 1, 6);
  requireInRange("NNADC-CFG-003", "gain", gain, 1.0, 64.0);
  const double sampling = std::ldexp(params.unit_cap_f, bits);  // 2^b Cu
  MdacFigures f;
  f.feedback_cap_f = sampling / gain;
  f.beta = f.feedback_cap_f / (sampling + f.feedback_cap_f + params.input_cap_f);
  const double loop = params.open_loop_gain * f.beta;
  f.finite_gain_error = loop / (1.0 + loop) - 1.0;
  f.settling_error = std::exp(-2.0 * std::numbers::pi * params.gbw_hz * f.beta * params.settle_s);
  // Differential values, halved: single-ended equivalent at the stage input.
  f.ktc_noise_v = 0.5 * std::sqrt(2.0 * kBoltzmann * params.temperature_k / sampling);
  f.amp_noise_v = 0.5 * params.amp_noise_v_rms / (f.beta * gain);
  f.noise_v_rms = std::hypot(f.ktc_noise_v, f.amp_noise_v);
  return f;
}

AmplifierModel mdacAmplifier(const MdacParameters& params, int bits, double gain, double window_v,
                             Rng* mismatch) {
  const MdacFigures f = mdacFigures(params, bits, gain);
  requireInRange("NNADC-CFG-003", "window", window_v, 1e-3, 10.0);
  const int n = 1 << bits;
  // Unit capacitors in units of Cu; Cf as 2^b / G units.
  std::vector<double> c(static_cast<std::size_t>(n), 1.0);
  double cf = static_cast<double>(n) / gain;
  if (mismatch != nullptr && params.cap_sigma > 0.0) {
    for (double& ck : c) ck *= 1.0 + params.cap_sigma * mismatch->normal();
    cf *= 1.0 + params.cap_sigma / std::sqrt(static_cast<double>(n) / gain) * mismatch->normal();
  }
  double total = 0.0;
  for (const double ck : c) total += ck;
  AmplifierModel a;
  const double mismatch_gain = total / cf / gain;
  a.gain_error = mismatch_gain * (1.0 + f.finite_gain_error) * (1.0 - f.settling_error) - 1.0;
  a.noise_v_rms = f.noise_v_rms;
  if (mismatch != nullptr && params.cap_sigma > 0.0) {
    const double vr = 0.5 * window_v;
    const double step = window_v / n;
    a.dac_error_v.resize(static_cast<std::size_t>(n));
    for (int d = 0; d < n; ++d) {
      double sum = 0.0;  // sum_k C_k s_k(d): thermometer over the first n - 1, the last at 0
      for (int k = 0; k + 1 < n; ++k) sum += (k < d ? 1.0 : -1.0) * c[static_cast<std::size_t>(k)];
      const double ideal = (2.0 * d + 1.0 - n) * step / 2.0;
      a.dac_error_v[static_cast<std::size_t>(d)] = vr * sum / total - ideal;
    }
  }
  return a;
}

}  // namespace nnadc::adc
