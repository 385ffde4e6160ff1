#include "nnadc/metrics/window.h"

#include <array>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::metrics {

namespace {

constexpr std::array<double, 1> kRectangular = {1.0};
constexpr std::array<double, 2> kHann = {0.5, 0.5};
// Harris 1978, table 1, "4-term Blackman-Harris (-92 dB)".
constexpr std::array<double, 4> kBlackmanHarris = {0.35875, 0.48829, 0.14128, 0.01168};

}  // namespace

std::string_view windowName(Window window) {
  switch (window) {
    case Window::kNone:
      return "none";
    case Window::kHann:
      return "hann";
    case Window::kBlackmanHarris:
      return "blackman-harris";
  }
  return "none";
}

Window parseWindow(std::string_view name) {
  const std::string lower = toLower(trim(name));
  for (const Window w : {Window::kNone, Window::kHann, Window::kBlackmanHarris}) {
    if (lower == windowName(w)) return w;
  }
  throw InputError("NNADC-MET-009", "field 'window' is '" + std::string(name) +
                                        "'; expected none, hann or blackman-harris");
}

std::span<const double> windowCoefficients(Window window) {
  switch (window) {
    case Window::kNone:
      return kRectangular;
    case Window::kHann:
      return kHann;
    case Window::kBlackmanHarris:
      return kBlackmanHarris;
  }
  return kRectangular;
}

double windowEnbwBins(Window window) {
  // For a DFT-even cosine sum (N > 2M): sum w = N a0 and sum w^2 = N (a0^2 + sum_{m>0} a_m^2 / 2).
  const auto a = windowCoefficients(window);
  double sum_sq = a[0] * a[0];
  for (std::size_t m = 1; m < a.size(); ++m) sum_sq += 0.5 * a[m] * a[m];
  return sum_sq / (a[0] * a[0]);
}

int windowToneHalfWidthBins(Window window, bool coherent) {
  const int terms = static_cast<int>(windowCoefficients(window).size());
  return coherent ? terms - 1 : terms;
}

}  // namespace nnadc::metrics
