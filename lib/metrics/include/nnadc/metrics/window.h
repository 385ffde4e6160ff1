#pragma once
/// Spectral windows for ADC spectra (IEEE 1241 section 4.1.5; F. J. Harris, "On the use of windows
/// for harmonic analysis with the discrete Fourier transform", Proc. IEEE 66(1), 1978).
///
/// All windows are DFT-even ("periodic") cosine sums, w[n] = sum_m (-1)^m a_m cos(2 pi m n / N),
/// which is the form Harris recommends for spectral analysis: a coherent tone then occupies exactly
/// 2M-1 bins, where M is the number of cosine terms.
#include <span>
#include <string_view>

namespace nnadc::metrics {

enum class Window {
  kNone,            ///< rectangular: only for coherently sampled records
  kHann,            ///< 2-term cosine sum, first sidelobe -31 dB
  kBlackmanHarris,  ///< 4-term Blackman-Harris (Harris 1978), sidelobes below -92 dB
};

/// "none", "hann" or "blackman-harris" (the CLI and JSON spelling).
std::string_view windowName(Window window);

/// Parses a name written by windowName() (case-insensitive). Throws InputError NNADC-MET-009.
Window parseWindow(std::string_view name);

/// Cosine-sum coefficients a_0..a_{M-1} (dimensionless; a_0 is the coherent gain).
std::span<const double> windowCoefficients(Window window);

/// Equivalent noise bandwidth [bins]: N sum(w^2) / (sum w)^2 for the DFT-even window.
double windowEnbwBins(Window window);

/// Half-width [bins] of the region holding a tone's power: M-1 bins for a coherent tone (exact),
/// M bins (the main lobe) for a non-coherent one.
int windowToneHalfWidthBins(Window window, bool coherent);

}  // namespace nnadc::metrics
