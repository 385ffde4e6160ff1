#pragma once
/// Static linearity from a code histogram (IEEE 1241 section 4.1.6, "code density" test).
///
/// Transition levels T[k] (the input at which the output changes from k-1 to k) come from the
/// cumulative histogram C[k-1] = number of samples with code < k:
/// - ramp record: T[k] = C[k-1] (a linear ramp maps samples to input linearly);
/// - sine record: T[k] = -cos(pi C[k-1] / S) (IEEE 1241 eq. for the arcsine density, S samples).
/// Both are known up to gain and offset, which the DNL and INL definitions remove. The lowest and
/// highest codes present are edge bins (they collect the over-range) and are excluded; DNL is
/// reported for the codes between them and INL for their transitions, in LSB of the average code
/// width of the tested range.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nnadc::metrics {

/// What stimulus produced the record.
enum class RecordKind {
  kSine,  ///< a (preferably slightly overdriven) sine, coherently sampled or over many periods
  kRamp,  ///< one monotonic linear ramp, rising or falling, over (at least) the full range
};

/// "sine" or "ramp".
std::string_view recordKindName(RecordKind kind);
/// Parses recordKindName() spellings. Throws InputError NNADC-MET-009.
RecordKind parseRecordKind(std::string_view name);

/// Which straight line INL is measured from (IEEE 1241 section 4.5.3 gain/offset conventions).
enum class InlReference {
  kBestFit,   ///< independently based: least-squares line through all transitions
  kEndpoint,  ///< terminal based: line through the first and last tested transitions
};
/// "best-fit" or "endpoint".
std::string_view inlReferenceName(InlReference reference);
/// Throws InputError NNADC-MET-009.
InlReference parseInlReference(std::string_view name);

/// Fewest codes a record must span: two edge bins and at least two tested codes.
inline constexpr std::int64_t kMinCodeSpan = 4;
/// Below this mean count per tested code a warning says DNL is statistically coarse
/// (relative count error ~ 1/sqrt(count) = 0.25 LSB).
inline constexpr double kMinMeanCountPerCode = 16.0;

struct CodeDensityOptions {
  int bits = 0;  ///< converter resolution [bits]
  RecordKind record = RecordKind::kSine;

  /// Throws InputError NNADC-MET-004.
  void validate() const;
};

struct CodeDensityResult {
  int bits = 0;
  std::size_t samples = 0;
  std::vector<std::uint64_t> histogram;  ///< counts per code, 2^bits entries
  std::int64_t lowest_code = 0;          ///< lowest code present (edge bin, excluded)
  std::int64_t highest_code = 0;         ///< highest code present (edge bin, excluded)
  /// DNL [LSB] of codes first_code .. first_code + size - 1 (first_code = lowest_code + 1).
  std::vector<double> dnl_lsb;
  /// INL [LSB] at the transitions into codes first_code .. highest_code.
  std::vector<double> inl_best_fit_lsb;
  std::vector<double> inl_endpoint_lsb;
  std::int64_t first_code = 0;
  double dnl_min_lsb = 0.0;
  double dnl_max_lsb = 0.0;
  double inl_best_fit_min_lsb = 0.0;
  double inl_best_fit_max_lsb = 0.0;
  double inl_endpoint_min_lsb = 0.0;
  double inl_endpoint_max_lsb = 0.0;
  std::vector<std::int64_t> missing_codes;  ///< tested codes with no sample
  std::int64_t untested_codes = 0;          ///< codes below lowest_code or above highest_code
  double mean_count_per_code = 0.0;         ///< mean histogram count of the tested codes
  /// Monotonic if the mean reference input of each present code rises strictly with the code;
  /// nullopt when no reference was available (sine record without a fit).
  std::optional<bool> monotonic;
  std::vector<std::string> warnings;
};

/// Histogram analysis of `codes`. `reference` (optional, same length as codes) is any monotonic
/// estimate of the input at each sample, e.g. the fitted sine, for the monotonicity check; a ramp
/// record uses the sample index when it is empty. Throws InputError NNADC-MET-001 (too short),
/// NNADC-MET-003 (code out of range), NNADC-MET-004 (bits), NNADC-MET-010 (reference length),
/// NNADC-MET-016 (fewer than kMinCodeSpan codes spanned). A 1-bit record (2 < kMinCodeSpan codes)
/// has no tested code: its DNL/INL figures are NaN, with a warning saying why.
CodeDensityResult analyzeCodeDensity(std::span<const std::int64_t> codes,
                                     const CodeDensityOptions& options,
                                     std::span<const double> reference = {});

}  // namespace nnadc::metrics
