#pragma once
/// Files of the metrics module: code records and supply waveforms in, metrics JSON out
/// (field names as CLI.md fixes them).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nnadc/io/json.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/metrics/checks.h"

namespace nnadc::io {

/// Parses a code record: a JSON array of integers (or an object whose "codes" is one), or CSV
/// text with one integer per line (blank lines and lines starting with '#' are skipped;
/// integral decimals such as "12.0" are accepted). `source` names the record in errors. With
/// `bits`, codes outside [0, 2^bits) are rejected naming their line (CSV) or index (JSON).
/// Throws InputError NNADC-MET-001 (no codes), NNADC-MET-002 (nan/inf), NNADC-MET-003 (range),
/// NNADC-MET-007 (non-numeric CSV line, with its number), NNADC-MET-008 (JSON not an array of
/// integers), NNADC-MET-015 (non-integral value), NNADC-IO-003 (JSON syntax).
std::vector<std::int64_t> parseCodeRecord(std::string_view text, const std::string& source,
                                          std::optional<int> bits = std::nullopt);
/// Reads and parses a code record file (NNADC-IO-001 if unreadable).
std::vector<std::int64_t> readCodeRecord(const std::filesystem::path& path,
                                         std::optional<int> bits = std::nullopt);

/// Supply waveform: 1 column (current [A], uniformly sampled), 2 columns (time [s], current [A])
/// or 3 columns (time [s], voltage [V], current [A]) per line, separated by commas or blanks.
struct SupplyWaveform {
  std::vector<double> time_s;     ///< empty for 1-column files
  std::vector<double> voltage_v;  ///< only for 3-column files
  std::vector<double> current_a;
};
/// Throws InputError NNADC-MET-007 (non-numeric field, with the line number), NNADC-MET-010
/// (column count differs between lines or is not 1..3), NNADC-MET-001 (fewer than 2 rows).
SupplyWaveform parseSupplyWaveform(std::string_view text, const std::string& source);
SupplyWaveform readSupplyWaveform(const std::filesystem::path& path);

/// Most missing codes listed by name in the JSON (the count is always exact).
inline constexpr std::size_t kMaxListedMissingCodes = 1024;

/// Metrics JSON: every CLI.md field (null where not applicable, NaN or infinite numbers as null),
/// then the details (window, coherence, harmonics, sine fit, INL variants, FoMs, warnings). With
/// `tables`, the per-code DNL and INL arrays too.
Json metricsJson(const metrics::Analysis& analysis, bool tables = false);

/// Average supply power [W] of `waveform`: |avg(v i)| from its voltage column if it has one,
/// else at the constant supply `vdd_v` [V]; nullopt if it has neither.
std::optional<double> supplyPowerW(const SupplyWaveform& waveform, std::optional<double> vdd_v);

/// The `metrics` command's result: metricsJson, then "input" (the code record's name), "checks"
/// (one entry per requirement that was set), "passed" and "provenance".
Json metricsReportJson(const metrics::CheckedAnalysis& result, const std::string& input,
                       bool tables, const Provenance& provenance);

/// "metrics: N samples, B bits, sine (...): ENOB ... missing codes, FoM ...; ENOB >= E: ok" (no
/// output path).
std::string metricsSummary(const metrics::CheckedAnalysis& result);

}  // namespace nnadc::io
