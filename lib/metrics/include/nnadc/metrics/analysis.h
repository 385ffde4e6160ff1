#pragma once
/// Full analysis of an ADC code record: spectrum, 4-parameter sine fit, code density and figures
/// of merit, as `nnadc metrics`, `nnadc eval` and `nnadc sim` report them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nnadc/metrics/code_density.h"
#include "nnadc/metrics/power.h"
#include "nnadc/metrics/sine_fit.h"
#include "nnadc/metrics/spectrum.h"
#include "nnadc/metrics/window.h"

namespace nnadc::metrics {

struct AnalysisOptions {
  int bits = 0;                           ///< resolution [bits]; codes lie in [0, 2^bits)
  RecordKind record = RecordKind::kSine;  ///< ramp records get code density only
  std::optional<Window> window;           ///< nullopt: automatic (see SpectrumOptions)
  std::optional<double> fs_hz;            ///< sample rate [Hz]
  std::optional<double> power_w;          ///< average power [W]; with fs_hz enables FoMs
  int max_harmonic = kMaxHarmonicOrder;   ///< highest harmonic order in THD
  InlReference inl_reference = InlReference::kBestFit;  ///< INL reported as inl_lsb_min/max
  bool keep_spectrum = false;                           ///< keep the power spectrum in the result

  /// Throws InputError NNADC-MET-004/005/006/013.
  void validate() const;
};

struct Analysis {
  std::size_t samples = 0;
  int bits = 0;
  InlReference inl_reference = InlReference::kBestFit;
  std::optional<double> fs_hz;             ///< [Hz]
  std::optional<SpectrumResult> spectrum;  ///< sine records
  std::optional<SineFit> sine_fit;         ///< 4-parameter fit, sine records
  std::optional<double> enob_sinefit;      ///< log2(2^bits / (rms residual sqrt(12))) [bits]
  CodeDensityResult code_density;
  std::optional<FiguresOfMerit> fom;  ///< needs power_w, fs_hz and a sine record
  std::vector<std::string> warnings;  ///< every part's warnings, prefixed by the part
};

/// Runs every applicable analysis on `codes`. Throws InputError for bad input (ids as in the
/// parts).
Analysis analyzeCodes(std::span<const std::int64_t> codes, const AnalysisOptions& options);

}  // namespace nnadc::metrics
