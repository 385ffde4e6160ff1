#include "nnadc/metrics/spectrum.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/core/units.h"
#include "nnadc/metrics/coherent.h"
#include "nnadc/metrics/fft.h"
#include "nnadc/metrics/record.h"

namespace nnadc::metrics {

namespace {

using Complex = std::complex<double>;

/// IEEE 1241 ENOB constants, rounded as the standard writes them: 10 log10(3/2) and 20 log10(2).
constexpr double kSinadOffsetDb = 1.76;
constexpr double kDbPerBit = 6.02;
/// A record is coherent when its estimated leakage is below this fraction of the measured noise
/// and distortion power: the leakage then moves SINAD by less than 0.05 dB.
constexpr double kCoherenceLeakageFraction = 0.01;
/// Leakage below this fraction of the signal power (-200 dBc, under double-precision rounding of
/// any real record) counts as none, so noiseless synthetic records are recognised as coherent.
constexpr double kLeakageFloor = 1e-20;

enum Owner : unsigned char { kFree = 0, kDc = 1, kSignal = 2, kHarmonic = 3 };

/// X[j] for any integer j, from the half spectrum and conjugate symmetry X[N - j] = conj(X[j]).
Complex binAt(const std::vector<Complex>& half, std::int64_t j, std::int64_t n) {
  j %= n;
  if (j < 0) j += n;
  const auto last = static_cast<std::int64_t>(half.size()) - 1;
  if (j <= last) return half[static_cast<std::size_t>(j)];
  return std::conj(half[static_cast<std::size_t>(n - j)]);
}

/// Fraction of a tone's power outside its nearest bin for a rectangular window, offset `delta`
/// bins: 1 - |D(delta)|^2 with the Dirichlet kernel D = sin(pi d) / (N sin(pi d / N)).
double rectangularLeakage(double delta, double n) {
  if (delta == 0.0) return 0.0;
  const double num = std::sin(std::numbers::pi * delta);
  const double den = n * std::sin(std::numbers::pi * delta / n);
  const double d = num / den;
  return 1.0 - d * d;
}

double toDb(double ratio) {
  if (ratio <= 0.0) return -std::numeric_limits<double>::infinity();
  return units::powerDb(ratio);
}

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

}  // namespace

double enobFromSinadDb(double sinad_db) { return (sinad_db - kSinadOffsetDb) / kDbPerBit; }

void SpectrumOptions::validate() const {
  if (fs_hz) requireSampleRate(*fs_hz);
  if (full_scale_amplitude &&
      (!std::isfinite(*full_scale_amplitude) || *full_scale_amplitude <= 0.0)) {
    throw InputError("NNADC-MET-013", "field 'full_scale_amplitude' is " +
                                          formatDouble(*full_scale_amplitude) +
                                          "; it must be positive and finite");
  }
  if (max_harmonic < 2 || max_harmonic > kMaxHarmonicOrder) {
    throw InputError("NNADC-MET-013", "field 'max_harmonic' is " + std::to_string(max_harmonic) +
                                          "; it must lie in [2, " +
                                          std::to_string(kMaxHarmonicOrder) + "]");
  }
}

SpectrumResult analyzeSpectrum(std::span<const double> record, const SpectrumOptions& options) {
  options.validate();
  requireSamples("record", record.size());
  requireFinite("record", record);

  const std::size_t n = record.size();
  const auto n_signed = static_cast<std::int64_t>(n);
  const auto n_real = static_cast<double>(n);
  const std::size_t last = n / 2;  // highest one-sided bin
  const bool even = n % 2 == 0;

  // Removing the mean keeps DC out of the window's lobe; bin 0 is excluded anyway.
  double mean = 0.0;
  for (const double v : record) mean += v;
  mean /= n_real;
  std::vector<double> centred(n);
  for (std::size_t i = 0; i < n; ++i) centred[i] = record[i] - mean;
  const std::vector<Complex> raw = realDftHalf(centred);
  centred = {};

  SpectrumResult result;
  result.samples = n;

  // Weight of each one-sided bin in the noise band: DC and Nyquist carry half a bin of noise.
  const auto bin_weight = [&](std::size_t k) {
    return (k == 0 || (even && k == last)) ? 0.5 : 1.0;
  };

  // Fundamental: largest rectangular-window bin above DC.
  std::size_t peak = 1;
  double peak_mag = -1.0;
  double raw_total = 0.0;
  for (std::size_t k = 1; k <= last; ++k) {
    const double mag = std::norm(raw[k]) * bin_weight(k);
    raw_total += mag;
    if (mag > peak_mag) {
      peak_mag = mag;
      peak = k;
    }
  }
  if (!(peak_mag > 0.0)) {
    throw InputError("NNADC-MET-012",
                     "record has no AC signal (all " + std::to_string(n) + " samples equal)");
  }

  // Fractional offset of the tone from the peak bin: Jacobsen's estimator with Candan's bias
  // correction for the rectangular window (IEEE Signal Process. Lett. 18(6), 2011).
  const auto peak_signed = static_cast<std::int64_t>(peak);
  const Complex xm = binAt(raw, peak_signed - 1, n_signed);
  const Complex x0 = raw[peak];
  const Complex xp = binAt(raw, peak_signed + 1, n_signed);
  const Complex den = 2.0 * x0 - xm - xp;
  double delta = std::abs(den) > 0.0 ? ((xm - xp) / den).real() : 0.0;
  delta *= std::tan(std::numbers::pi / n_real) / (std::numbers::pi / n_real);
  delta = std::clamp(delta, -0.5, 0.5);

  const double leakage = rectangularLeakage(delta, n_real);
  // |D(0.5)|^2 = 4 / pi^2 = 0.405 is the smallest share of a tone its nearest bin can hold.
  const double tone_power = peak_mag / std::max(1.0 - leakage, 0.4);
  const double rest_power = std::max(raw_total - peak_mag, 0.0);
  result.coherent =
      leakage * tone_power <= kCoherenceLeakageFraction * rest_power + kLeakageFloor * tone_power;

  result.window_auto = !options.window.has_value();
  result.window =
      options.window.value_or(result.coherent ? Window::kNone : Window::kBlackmanHarris);
  if (result.window == Window::kNone && !result.coherent) {
    result.warnings.push_back("record is not coherent (tone " + fixed(delta, 3) +
                              " bins from bin " + std::to_string(peak) +
                              ") and no window is applied: leakage is counted as noise; sample "
                              "coherently or use --window blackman-harris");
  }
  if (result.coherent) {
    const std::int64_t g = greatestCommonDivisor(peak_signed, n_signed);
    if (g > 1) {
      result.warnings.push_back("coherent record with J = " + std::to_string(peak) +
                                " sharing the factor " + std::to_string(g) +
                                " with N = " + std::to_string(n) + ": the input repeats every " +
                                std::to_string(n / static_cast<std::size_t>(g)) +
                                " samples, so quantisation error is not spread over the band");
    }
  }

  // Windowed spectrum by convolution with the window's cosine terms (exact for DFT-even windows):
  // x[n] cos(2 pi m n / N) transforms to (X[k - m] + X[k + m]) / 2.
  const auto coeff = windowCoefficients(result.window);
  double sum_sq = coeff[0] * coeff[0];
  for (std::size_t m = 1; m < coeff.size(); ++m) sum_sq += 0.5 * coeff[m] * coeff[m];
  const double scale = 1.0 / (n_real * n_real * sum_sq);  // 1 / (N sum w^2)
  std::vector<double> power(last + 1);
  for (std::size_t k = 0; k <= last; ++k) {
    Complex v = coeff[0] * raw[k];
    for (std::size_t m = 1; m < coeff.size(); ++m) {
      const auto ks = static_cast<std::int64_t>(k);
      const auto ms = static_cast<std::int64_t>(m);
      const double sign = (m % 2 == 1) ? -0.5 : 0.5;
      v += sign * coeff[m] * (binAt(raw, ks - ms, n_signed) + binAt(raw, ks + ms, n_signed));
    }
    power[k] = 2.0 * bin_weight(k) * std::norm(v) * scale;
  }

  // Bin ownership: signal first, then DC, then harmonics in order.
  const int tone_half = windowToneHalfWidthBins(result.window, result.coherent);
  const int dc_half = windowToneHalfWidthBins(result.window, true);
  std::vector<unsigned char> owner(last + 1, kFree);
  const auto clampBin = [&](std::int64_t k) {
    return static_cast<std::size_t>(
        std::clamp<std::int64_t>(k, 0, static_cast<std::int64_t>(last)));
  };
  const std::size_t sig_lo = clampBin(peak_signed - tone_half);
  const std::size_t sig_hi = clampBin(peak_signed + tone_half);
  for (std::size_t k = sig_lo; k <= sig_hi; ++k) {
    owner[k] = kSignal;
    result.signal_power += power[k];
  }
  for (std::size_t k = 0; k <= static_cast<std::size_t>(dc_half) && k <= last; ++k) {
    if (owner[k] == kFree) owner[k] = kDc;
  }
  if (peak_signed - tone_half <= dc_half) {
    result.warnings.push_back(
        "the tone at bin " + std::to_string(peak) + " overlaps the DC region of the " +
        std::string(windowName(result.window)) + " window; use a higher input frequency");
  }
  if (peak + static_cast<std::size_t>(tone_half) > last) {
    result.warnings.push_back("the tone at bin " + std::to_string(peak) +
                              " is within its window lobe of Nyquist; its power is underestimated");
  }

  const double f0_bins = static_cast<double>(peak) + (result.coherent ? 0.0 : delta);
  result.signal_bin = peak;
  result.signal_bin_offset = result.coherent ? 0.0 : delta;
  result.signal_frequency = f0_bins / n_real;
  if (options.fs_hz) result.signal_frequency_hz = result.signal_frequency * *options.fs_hz;
  result.signal_amplitude = std::sqrt(2.0 * result.signal_power);

  double harmonic_weight = 0.0;
  for (int h = 2; h <= options.max_harmonic; ++h) {
    Harmonic harmonic;
    harmonic.order = h;
    double folded = std::fmod(static_cast<double>(h) * f0_bins, n_real);
    if (folded > n_real / 2.0) folded = n_real - folded;
    harmonic.bin = folded;
    const auto centre = static_cast<std::int64_t>(std::llround(folded));
    harmonic.peak_bin = clampBin(centre);
    harmonic.counted = owner[harmonic.peak_bin] == kFree;
    const std::size_t lo = clampBin(centre - tone_half);
    const std::size_t hi = clampBin(centre + tone_half);
    for (std::size_t k = lo; k <= hi; ++k) {
      if (harmonic.counted) {
        if (owner[k] != kFree) continue;
        owner[k] = static_cast<unsigned char>(kHarmonic);
        harmonic_weight += bin_weight(k);
      }
      harmonic.power += power[k];
    }
    harmonic.dbc = toDb(harmonic.power / result.signal_power);
    if (harmonic.counted) result.distortion_power += harmonic.power;
    result.harmonics.push_back(harmonic);
  }

  double free_power = 0.0;
  double free_weight = 0.0;
  double spur_power = 0.0;
  const double enbw = windowEnbwBins(result.window);
  for (std::size_t k = 0; k <= last; ++k) {
    if (owner[k] != kFree) continue;
    free_power += power[k];
    free_weight += bin_weight(k);
    // A spur's power spread over its lobe is its peak bin times the window's ENBW.
    const double as_tone = power[k] * enbw;
    if (as_tone > spur_power) {
      spur_power = as_tone;
      result.spur_bin = k;
      result.spur_harmonic = 0;
    }
  }
  for (const Harmonic& harmonic : result.harmonics) {
    if (harmonic.counted && harmonic.power > spur_power) {
      spur_power = harmonic.power;
      result.spur_bin = harmonic.peak_bin;
      result.spur_harmonic = harmonic.order;
    }
  }
  if (free_weight <= 0.0) {
    throw InputError("NNADC-MET-001",
                     "record of " + std::to_string(n) + " samples leaves no noise bins after the " +
                         std::string(windowName(result.window)) + " window's signal, DC and " +
                         std::to_string(options.max_harmonic - 1) +
                         " harmonic regions; use a longer record");
  }
  const double density = free_power / free_weight;  // noise per bin [units^2]
  const double band = n_real / 2.0;                 // bins in the first Nyquist zone
  result.noise_power = density * band;
  const double nad_power = density * (band - harmonic_weight) + result.distortion_power;

  result.snr_db = toDb(result.signal_power / result.noise_power);
  result.sndr_db = toDb(result.signal_power / nad_power);
  result.thd_db = toDb(result.distortion_power / result.signal_power);
  result.sfdr_db = spur_power > 0.0 ? toDb(result.signal_power / spur_power)
                                    : std::numeric_limits<double>::infinity();
  result.enob = enobFromSinadDb(result.sndr_db);
  if (options.full_scale_amplitude) {
    const double dbfs = units::amplitudeDb(result.signal_amplitude / *options.full_scale_amplitude);
    result.signal_dbfs = dbfs;
    result.enob_fs = result.enob - dbfs / kDbPerBit;
  }
  if (options.keep_spectrum) result.power = std::move(power);
  return result;
}

}  // namespace nnadc::metrics
