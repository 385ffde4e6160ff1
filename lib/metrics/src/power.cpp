#include "nnadc/metrics/power.h"

#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/core/units.h"
#include "nnadc/metrics/record.h"
#include "nnadc/metrics/spectrum.h"

namespace nnadc::metrics {

namespace {

/// Fewest samples an average is taken over.
constexpr std::size_t kMinWaveformSamples = 2;

void requirePower(double power_w) {
  if (!std::isfinite(power_w) || power_w <= 0.0) {
    throw InputError("NNADC-MET-006", "field 'power_w' is " + formatDouble(power_w) +
                                          "; it must be positive and finite");
  }
}

void checkWaveforms(std::size_t current_size, std::span<const double> supply_a,
                    std::span<const double> time_s, std::size_t voltage_size) {
  if (current_size < kMinWaveformSamples) {
    throw InputError("NNADC-MET-001", "supply current waveform has " +
                                          std::to_string(current_size) + " samples; at least " +
                                          std::to_string(kMinWaveformSamples) + " are needed");
  }
  if (voltage_size != current_size) {
    throw InputError("NNADC-MET-010",
                     "supply voltage waveform has " + std::to_string(voltage_size) +
                         " samples but current has " + std::to_string(current_size));
  }
  requireFinite("supply current waveform", supply_a);
  if (time_s.empty()) return;
  if (time_s.size() != current_size) {
    throw InputError("NNADC-MET-010", "time axis has " + std::to_string(time_s.size()) +
                                          " samples but current has " +
                                          std::to_string(current_size));
  }
  requireFinite("time axis", time_s);
  for (std::size_t i = 1; i < time_s.size(); ++i) {
    if (!(time_s[i] > time_s[i - 1])) {
      throw InputError("NNADC-MET-010", "time axis is not increasing at sample " +
                                            std::to_string(i) + " (" + formatDouble(time_s[i]) +
                                            " s after " + formatDouble(time_s[i - 1]) + " s)");
    }
  }
}

template <typename VoltageAt>
double average(std::span<const double> supply_a, std::span<const double> time_s,
               VoltageAt voltage_at) {
  const std::size_t n = supply_a.size();
  double acc = 0.0;
  if (time_s.empty()) {
    for (std::size_t i = 0; i < n; ++i) acc += voltage_at(i) * supply_a[i];
    return std::abs(acc / static_cast<double>(n));
  }
  for (std::size_t i = 1; i < n; ++i) {
    const double p0 = voltage_at(i - 1) * supply_a[i - 1];
    const double p1 = voltage_at(i) * supply_a[i];
    acc += 0.5 * (p0 + p1) * (time_s[i] - time_s[i - 1]);
  }
  return std::abs(acc / (time_s.back() - time_s.front()));
}

}  // namespace

double averagePowerW(std::span<const double> supply_v, std::span<const double> supply_a,
                     std::span<const double> time_s) {
  checkWaveforms(supply_a.size(), supply_a, time_s, supply_v.size());
  requireFinite("supply voltage waveform", supply_v);
  return average(supply_a, time_s, [&](std::size_t i) { return supply_v[i]; });
}

double averagePowerW(double vdd_v, std::span<const double> supply_a,
                     std::span<const double> time_s) {
  if (!std::isfinite(vdd_v) || vdd_v <= 0.0) {
    throw InputError("NNADC-MET-006",
                     "field 'vdd' is " + formatDouble(vdd_v) + "; it must be positive and finite");
  }
  checkWaveforms(supply_a.size(), supply_a, time_s, supply_a.size());
  return average(supply_a, time_s, [vdd_v](std::size_t) { return vdd_v; });
}

double energyPerConversionJ(double power_w, double fs_hz) {
  requirePower(power_w);
  requireSampleRate(fs_hz);
  return power_w / fs_hz;
}

double waldenFomJ(double power_w, double fs_hz, double enob) {
  return energyPerConversionJ(power_w, fs_hz) / std::exp2(enob);
}

double schreierFomDb(double sndr_db, double power_w, double fs_hz) {
  requirePower(power_w);
  requireSampleRate(fs_hz);
  return sndr_db + units::powerDb(fs_hz / 2.0 / power_w);
}

double schreierEnvelopeDb(double f_hz) {
  const double ratio = f_hz / kSchreierEnvelopeCornerHz;
  return kSchreierEnvelopeDb - units::powerDb(std::sqrt(1.0 + ratio * ratio));
}

FiguresOfMerit figuresOfMerit(double power_w, double fs_hz, double sndr_db, double input_hz) {
  FiguresOfMerit fom;
  fom.power_w = power_w;
  fom.fs_hz = fs_hz;
  fom.energy_per_conversion_j = energyPerConversionJ(power_w, fs_hz);
  fom.walden_j = waldenFomJ(power_w, fs_hz, enobFromSinadDb(sndr_db));
  fom.schreier_db = schreierFomDb(sndr_db, power_w, fs_hz);
  fom.envelope_frequency_hz = input_hz;
  fom.schreier_envelope_db = schreierEnvelopeDb(input_hz);
  fom.envelope_distance_db = fom.schreier_db - fom.schreier_envelope_db;
  return fom;
}

}  // namespace nnadc::metrics
