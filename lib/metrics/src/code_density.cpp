#include "nnadc/metrics/code_density.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/metrics/record.h"

namespace nnadc::metrics {

namespace {

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

void minMax(const std::vector<double>& v, double& lo, double& hi) {
  const auto [a, b] = std::minmax_element(v.begin(), v.end());
  lo = *a;
  hi = *b;
}

}  // namespace

std::string_view recordKindName(RecordKind kind) {
  return kind == RecordKind::kRamp ? "ramp" : "sine";
}

RecordKind parseRecordKind(std::string_view name) {
  const std::string lower = toLower(trim(name));
  if (lower == "sine") return RecordKind::kSine;
  if (lower == "ramp") return RecordKind::kRamp;
  throw InputError("NNADC-MET-009",
                   "field 'record' is '" + std::string(name) + "'; expected sine or ramp");
}

std::string_view inlReferenceName(InlReference reference) {
  return reference == InlReference::kEndpoint ? "endpoint" : "best-fit";
}

InlReference parseInlReference(std::string_view name) {
  const std::string lower = toLower(trim(name));
  if (lower == "best-fit") return InlReference::kBestFit;
  if (lower == "endpoint") return InlReference::kEndpoint;
  throw InputError("NNADC-MET-009",
                   "field 'inl' is '" + std::string(name) + "'; expected best-fit or endpoint");
}

void CodeDensityOptions::validate() const { requireBits(bits); }

CodeDensityResult analyzeCodeDensity(std::span<const std::int64_t> codes,
                                     const CodeDensityOptions& options,
                                     std::span<const double> reference) {
  options.validate();
  requireSamples("code record", codes.size());
  requireCodesInRange(codes, options.bits);
  if (!reference.empty() && reference.size() != codes.size()) {
    throw InputError("NNADC-MET-010", "reference input has " + std::to_string(reference.size()) +
                                          " samples but the code record has " +
                                          std::to_string(codes.size()));
  }
  if (!reference.empty()) requireFinite("reference input", reference);

  CodeDensityResult result;
  result.bits = options.bits;
  result.samples = codes.size();
  const std::size_t levels = std::size_t{1} << static_cast<unsigned>(options.bits);
  result.histogram.assign(levels, 0);
  for (const std::int64_t code : codes) ++result.histogram[static_cast<std::size_t>(code)];

  std::size_t lowest = 0;
  while (result.histogram[lowest] == 0) ++lowest;
  std::size_t highest = levels - 1;
  while (result.histogram[highest] == 0) --highest;
  result.lowest_code = static_cast<std::int64_t>(lowest);
  result.highest_code = static_cast<std::int64_t>(highest);
  if (static_cast<std::int64_t>(levels) < kMinCodeSpan) {
    // A 1-bit converter has only its two edge bins and no code between them whose width could be
    // measured (IEEE 1241 4.1.6 tests the codes between the edges): DNL and INL are undefined,
    // reported as NaN (null in JSON), and the spectrum and sine fit still apply.
    const double undefined = std::numeric_limits<double>::quiet_NaN();
    result.first_code = static_cast<std::int64_t>(lowest + 1);
    result.dnl_min_lsb = result.dnl_max_lsb = undefined;
    result.inl_best_fit_min_lsb = result.inl_best_fit_max_lsb = undefined;
    result.inl_endpoint_min_lsb = result.inl_endpoint_max_lsb = undefined;
    result.mean_count_per_code = undefined;
    result.untested_codes = static_cast<std::int64_t>(lowest + (levels - 1 - highest));
    result.warnings.push_back("a " + std::to_string(options.bits) +
                              "-bit record has no code between its two edge bins; DNL and INL "
                              "are not defined");
    return result;
  }
  if (result.highest_code - result.lowest_code < kMinCodeSpan - 1) {
    throw InputError("NNADC-MET-016", "code record spans codes " + std::to_string(lowest) + ".." +
                                          std::to_string(highest) + " only; code density " +
                                          "needs at least " + std::to_string(kMinCodeSpan) +
                                          " codes (two edge bins and two tested codes)");
  }
  result.untested_codes = static_cast<std::int64_t>(lowest + (levels - 1 - highest));
  if (result.untested_codes > 0) {
    result.warnings.push_back(
        "record reaches codes " + std::to_string(lowest) + ".." + std::to_string(highest) +
        " only; " + std::to_string(result.untested_codes) +
        " codes outside are untested (overdrive the input slightly past full scale)");
  }

  // Transition levels T[k], k = first..highest, up to gain and offset (IEEE 1241 4.1.6).
  const std::size_t first = lowest + 1;
  const std::size_t transitions = highest - lowest;
  const auto total = static_cast<double>(codes.size());
  std::vector<double> level(transitions);
  double cumulative = 0.0;
  for (std::size_t k = lowest; k < highest; ++k) {
    cumulative += static_cast<double>(result.histogram[k]);
    const std::size_t i = k - lowest;
    level[i] = options.record == RecordKind::kRamp
                   ? cumulative
                   : -std::cos(std::numbers::pi * cumulative / total);
  }

  result.first_code = static_cast<std::int64_t>(first);
  const double span = level.back() - level.front();
  const double lsb = span / static_cast<double>(transitions - 1);  // mean tested code width
  result.dnl_lsb.resize(transitions - 1);
  for (std::size_t i = 0; i + 1 < transitions; ++i) {
    result.dnl_lsb[i] = (level[i + 1] - level[i]) / lsb - 1.0;
  }
  result.inl_endpoint_lsb.resize(transitions);
  for (std::size_t i = 0; i < transitions; ++i) {
    result.inl_endpoint_lsb[i] = (level[i] - level.front()) / lsb - static_cast<double>(i);
  }
  // Least-squares line T ~ alpha + beta i through all transitions.
  const double m = static_cast<double>(transitions);
  const double i_mean = 0.5 * (m - 1.0);
  double t_mean = 0.0;
  for (const double t : level) t_mean += t;
  t_mean /= m;
  double sxy = 0.0;
  double sxx = 0.0;
  for (std::size_t i = 0; i < transitions; ++i) {
    const double di = static_cast<double>(i) - i_mean;
    sxy += di * (level[i] - t_mean);
    sxx += di * di;
  }
  const double beta = sxy / sxx;
  result.inl_best_fit_lsb.resize(transitions);
  for (std::size_t i = 0; i < transitions; ++i) {
    const double line = t_mean + beta * (static_cast<double>(i) - i_mean);
    result.inl_best_fit_lsb[i] = (level[i] - line) / beta;
  }
  minMax(result.dnl_lsb, result.dnl_min_lsb, result.dnl_max_lsb);
  minMax(result.inl_endpoint_lsb, result.inl_endpoint_min_lsb, result.inl_endpoint_max_lsb);
  minMax(result.inl_best_fit_lsb, result.inl_best_fit_min_lsb, result.inl_best_fit_max_lsb);

  double tested_count = 0.0;
  for (std::size_t k = first; k < highest; ++k) {
    if (result.histogram[k] == 0) result.missing_codes.push_back(static_cast<std::int64_t>(k));
    tested_count += static_cast<double>(result.histogram[k]);
  }
  result.mean_count_per_code = tested_count / static_cast<double>(highest - first);
  if (result.mean_count_per_code < kMinMeanCountPerCode) {
    result.warnings.push_back("only " + fixed(result.mean_count_per_code, 1) +
                              " samples per code on average; DNL has a statistical error of ~" +
                              fixed(1.0 / std::sqrt(result.mean_count_per_code), 2) +
                              " LSB (use a longer record)");
  }

  // Monotonicity: a converter is monotonic when the mean input that produces each code rises
  // with the code. Noise spreads codes over neighbouring inputs symmetrically and keeps the order;
  // a code that appears above its successor's inputs reverses it.
  if (!reference.empty() || options.record == RecordKind::kRamp) {
    std::vector<double> sum(levels, 0.0);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const double ref = reference.empty() ? static_cast<double>(i) : reference[i];
      sum[static_cast<std::size_t>(codes[i])] += ref;
    }
    const auto mean_at = [&](std::size_t k) {
      return sum[k] / static_cast<double>(result.histogram[k]);
    };
    const double direction = mean_at(highest) >= mean_at(lowest) ? 1.0 : -1.0;
    bool monotonic = true;
    double previous = mean_at(lowest);
    for (std::size_t k = lowest + 1; k <= highest; ++k) {
      if (result.histogram[k] == 0) continue;
      const double current = mean_at(k);
      if (direction * (current - previous) <= 0.0) monotonic = false;
      previous = current;
    }
    result.monotonic = monotonic;
    if (!monotonic) result.warnings.push_back("transfer characteristic is not monotonic");
  }
  return result;
}

}  // namespace nnadc::metrics
