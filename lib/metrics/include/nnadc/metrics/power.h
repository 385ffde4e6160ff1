#pragma once
/// Power, energy per conversion and figures of merit (Walden; Schreier; B. Murmann, "ADC
/// Performance Survey 1997-2024", whose FoM_S,hf envelope is 186.7 dB with a 46.7 MHz corner).
#include <span>

namespace nnadc::metrics {

/// Schreier-envelope constants of the ADC survey: plateau [dB] and corner frequency [Hz].
inline constexpr double kSchreierEnvelopeDb = 186.7;
inline constexpr double kSchreierEnvelopeCornerHz = 46.7e6;

/// Average power [W] of sampled supply voltage [V] and current [A] waveforms: |mean(v i)| for
/// uniform samples (time_s empty) or |integral(v i dt) / T| by the trapezoidal rule over time_s
/// [s]. The magnitude is taken because SPICE reports a supply source's current as negative when it
/// delivers power. Throws InputError NNADC-MET-001 (fewer than 2 samples), NNADC-MET-002 (NaN/inf),
/// NNADC-MET-010 (length mismatch or time not increasing).
double averagePowerW(std::span<const double> supply_v, std::span<const double> supply_a,
                     std::span<const double> time_s = {});
/// As above with a constant supply voltage vdd_v [V].
double averagePowerW(double vdd_v, std::span<const double> supply_a,
                     std::span<const double> time_s = {});

/// Energy per conversion P / fs [J].
double energyPerConversionJ(double power_w, double fs_hz);
/// Walden FoM P / (fs 2^ENOB) [J/conversion-step].
double waldenFomJ(double power_w, double fs_hz, double enob);
/// Schreier FoM SNDR + 10 log10((fs / 2) / P) [dB] (Nyquist converter: bandwidth fs / 2).
double schreierFomDb(double sndr_db, double power_w, double fs_hz);
/// Survey envelope 186.7 - 10 log10(sqrt(1 + (f / 46.7 MHz)^2)) [dB] at input frequency f_hz [Hz].
double schreierEnvelopeDb(double f_hz);

struct FiguresOfMerit {
  double power_w = 0.0;                  ///< [W]
  double fs_hz = 0.0;                    ///< [Hz]
  double energy_per_conversion_j = 0.0;  ///< [J]
  double walden_j = 0.0;                 ///< [J/conversion-step]
  double schreier_db = 0.0;              ///< [dB]
  double envelope_frequency_hz = 0.0;    ///< frequency the envelope is evaluated at [Hz]
  double schreier_envelope_db = 0.0;     ///< survey envelope there [dB]
  double envelope_distance_db = 0.0;     ///< schreier_db - schreier_envelope_db [dB], < 0 below
};

/// All figures of merit from power [W], sample rate [Hz], SNDR [dB] and the input frequency [Hz]
/// at which SNDR was measured (the survey plots FoM_S against it). Throws InputError NNADC-MET-005
/// (fs_hz) or NNADC-MET-006 (power_w not positive and finite).
FiguresOfMerit figuresOfMerit(double power_w, double fs_hz, double sndr_db, double input_hz);

}  // namespace nnadc::metrics
