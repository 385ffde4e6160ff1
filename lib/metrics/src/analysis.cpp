#include "nnadc/metrics/analysis.h"

#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/metrics/record.h"

namespace nnadc::metrics {

namespace {

/// An ideal full-scale sine reaches half an LSB past the outer code centres (its fit spans
/// -0.5..2^N - 0.5 codes); a fit reaching this much [LSB] further marks the record as clipped.
constexpr double kClipMarginLsb = 0.5;

void append(std::vector<std::string>& to, std::string_view part,
            const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) to.push_back(std::string(part) + ": " + w);
}

}  // namespace

void AnalysisOptions::validate() const {
  requireBits(bits);
  if (fs_hz) requireSampleRate(*fs_hz);
  if (power_w && (!std::isfinite(*power_w) || *power_w <= 0.0)) {
    throw InputError("NNADC-MET-006", "field 'power_w' is " + formatDouble(*power_w) +
                                          "; it must be positive and finite");
  }
  SpectrumOptions spectrum;
  spectrum.max_harmonic = max_harmonic;
  spectrum.validate();
}

Analysis analyzeCodes(std::span<const std::int64_t> codes, const AnalysisOptions& options) {
  options.validate();
  requireSamples("code record", codes.size());
  requireCodesInRange(codes, options.bits);

  Analysis analysis;
  analysis.samples = codes.size();
  analysis.bits = options.bits;
  analysis.inl_reference = options.inl_reference;
  analysis.fs_hz = options.fs_hz;
  const double full_scale_range = std::exp2(options.bits);  // [codes]

  std::vector<double> reference;
  if (options.record == RecordKind::kSine) {
    const std::vector<double> record = codesToDouble(codes);
    SpectrumOptions spectrum_options;
    spectrum_options.window = options.window;
    spectrum_options.fs_hz = options.fs_hz;
    spectrum_options.full_scale_amplitude = full_scale_range / 2.0;
    spectrum_options.max_harmonic = options.max_harmonic;
    spectrum_options.keep_spectrum = options.keep_spectrum;
    analysis.spectrum = analyzeSpectrum(record, spectrum_options);
    append(analysis.warnings, "spectrum", analysis.spectrum->warnings);

    // 4-parameter fit seeded at the interpolated FFT peak (exact J/N for a coherent record).
    const double seed = analysis.spectrum->signal_frequency;
    if (seed > 0.0 && seed < 0.5) {
      const SineFit fit = fitSine4(record, seed);
      analysis.sine_fit = fit;
      analysis.enob_sinefit = sineFitEnob(fit.rms_residual, full_scale_range);
      if (!fit.converged) {
        analysis.warnings.push_back("sine fit: 4-parameter fit did not converge in " +
                                    std::to_string(fit.iterations) + " iterations");
      }
      const double top = fit.c + fit.amplitude;
      const double bottom = fit.c - fit.amplitude;
      if (top > full_scale_range - 0.5 + kClipMarginLsb || bottom < -0.5 - kClipMarginLsb) {
        analysis.warnings.push_back("sine fit: the input exceeds full scale (fitted sine spans " +
                                    formatDouble(bottom) + ".." + formatDouble(top) +
                                    " codes); spectral and sine-fit metrics include clipping");
      }
      reference.resize(codes.size());
      evaluateSine(fit, reference);
    } else {
      analysis.warnings.push_back("sine fit: the tone lies at DC or Nyquist; no fit");
    }
  }

  CodeDensityOptions density_options;
  density_options.bits = options.bits;
  density_options.record = options.record;
  analysis.code_density = analyzeCodeDensity(codes, density_options, reference);
  append(analysis.warnings, "code density", analysis.code_density.warnings);

  if (options.power_w) {
    if (!options.fs_hz) {
      analysis.warnings.push_back("figures of merit need the sample rate (fs_hz)");
    } else if (!analysis.spectrum) {
      analysis.warnings.push_back("figures of merit need SNDR, i.e. a sine record");
    } else {
      analysis.fom = figuresOfMerit(*options.power_w, *options.fs_hz, analysis.spectrum->sndr_db,
                                    analysis.spectrum->signal_frequency_hz.value_or(0.0));
    }
  }
  return analysis;
}

}  // namespace nnadc::metrics
