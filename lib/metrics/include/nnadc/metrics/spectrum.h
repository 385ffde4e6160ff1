#pragma once
/// Single-tone spectral analysis of an ADC record (IEEE 1241 section 4.1.5): SNR, SINAD (SNDR),
/// THD, SFDR and ENOB from one DFT.
///
/// Conventions (docs/metrics.md):
/// - The record's mean is removed first; the DC region (0..M-1 bins for an M-term window) is
/// excluded.
/// - The power spectrum is one-sided and normalised by N sum(w^2), so the bins of a tone sum to
///   its power A^2/2 and white noise of variance s^2 sums to s^2 for every window.
/// - Signal and harmonic power are sums over the tone's bins (windowToneHalfWidthBins()).
/// - Harmonics 2..max_harmonic are folded into the first Nyquist zone; a harmonic whose bin is
///   already taken (DC, the signal, an earlier harmonic) is listed but not counted.
/// - Noise power is the mean of the remaining bins times the N/2 bins of the band, i.e. the
///   excluded bins are credited with the average noise level.
/// - ENOB = (SINAD - 1.76) / 6.02 (IEEE 1241 with the rounded constants); enob_fs adds
///   20 log10(full-scale amplitude / measured amplitude) / 6.02.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nnadc/metrics/window.h"

namespace nnadc::metrics {

/// Highest harmonic order that THD may include.
inline constexpr int kMaxHarmonicOrder = 9;

/// IEEE 1241 ENOB from SINAD [dB] -> [bits]: (SINAD - 1.76) / 6.02.
double enobFromSinadDb(double sinad_db);

struct SpectrumOptions {
  /// Window; nullopt = automatic: none if the record is coherent, else Blackman-Harris.
  std::optional<Window> window;
  /// Sample rate [Hz]; when set, frequencies are also reported in Hz.
  std::optional<double> fs_hz;
  /// Peak amplitude of a full-scale sine in record units (2^N / 2 for N-bit codes); enables
  /// enob_fs and signal_dbfs.
  std::optional<double> full_scale_amplitude;
  /// Highest harmonic order in THD, 2..kMaxHarmonicOrder.
  int max_harmonic = kMaxHarmonicOrder;
  /// Copy the one-sided power spectrum into SpectrumResult::power (record units^2 per bin).
  bool keep_spectrum = false;

  /// Throws InputError NNADC-MET-005 (fs_hz) or NNADC-MET-013 (other fields).
  void validate() const;
};

struct Harmonic {
  int order = 0;             ///< 2..max_harmonic
  double bin = 0.0;          ///< folded frequency [bins], fractional for non-coherent records
  std::size_t peak_bin = 0;  ///< nearest DFT bin
  double power = 0.0;        ///< power over the tone's bins [record units^2]
  double dbc = 0.0;          ///< 10 log10(power / signal power) [dBc]
  bool counted = true;  ///< false when the bin coincides with DC, the signal or a lower harmonic
};

struct SpectrumResult {
  std::size_t samples = 0;
  Window window = Window::kNone;  ///< the window used
  bool window_auto = false;       ///< true when the window was chosen automatically
  /// True when the leakage implied by the tone's fractional bin offset is below 1 % of the
  /// noise-and-distortion power, i.e. the record holds an integer number of periods.
  bool coherent = false;
  std::size_t signal_bin = 0;  ///< DFT bin of the fundamental (J for a coherent record)
  double signal_bin_offset =
      0.0;  ///< estimated fractional offset of the tone from signal_bin [bins]
  double signal_frequency = 0.0;              ///< [cycles/sample]
  std::optional<double> signal_frequency_hz;  ///< [Hz], when fs_hz is known
  double signal_power = 0.0;                  ///< [record units^2]
  double signal_amplitude = 0.0;              ///< peak amplitude sqrt(2 P) [record units]
  std::optional<double> signal_dbfs;          ///< amplitude relative to full scale [dBFS]
  double noise_power = 0.0;       ///< noise excluding harmonics 2..max_harmonic [units^2]
  double distortion_power = 0.0;  ///< sum of counted harmonic powers [units^2]
  double snr_db = 0.0;            ///< [dB]
  double sndr_db = 0.0;           ///< SINAD [dB]
  double thd_db = 0.0;            ///< [dBc], negative
  double sfdr_db = 0.0;           ///< [dB] signal over the largest spur
  std::size_t spur_bin = 0;       ///< bin of the largest spur
  int spur_harmonic = 0;          ///< its harmonic order, 0 if it is not a counted harmonic
  double enob = 0.0;              ///< (SINAD - 1.76) / 6.02 [bits]
  std::optional<double> enob_fs;  ///< ENOB normalised to a full-scale input [bits]
  std::vector<Harmonic> harmonics;
  std::vector<double> power;  ///< one-sided power per bin, only with keep_spectrum
  std::vector<std::string> warnings;
};

/// Analyses `record` (any units: codes or volts). Throws InputError NNADC-MET-001 (fewer than
/// kMinSamples samples), NNADC-MET-002 (NaN/inf), NNADC-MET-012 (no AC signal), plus the option
/// errors of SpectrumOptions::validate().
SpectrumResult analyzeSpectrum(std::span<const double> record, const SpectrumOptions& options);

}  // namespace nnadc::metrics
