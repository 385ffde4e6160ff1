#pragma once
/// Checks shared by every analysis: record length, finite samples, code range, resolution.
/// Each throws InputError with a stable id naming the record, the sample index and the value.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace nnadc::metrics {

/// Shortest record any analysis accepts [samples]: it must leave room for a tone, its window lobe
/// and harmonics 2..9 in the first Nyquist zone.
inline constexpr std::size_t kMinSamples = 64;
/// Resolution limits [bits]: 2^24 histogram bins is the largest code-density table kept in memory.
inline constexpr int kMinBits = 1;
inline constexpr int kMaxBits = 24;

/// NNADC-MET-001 if `size` < kMinSamples (or zero).
void requireSamples(std::string_view what, std::size_t size);
/// NNADC-MET-002 naming the first NaN or infinite sample.
void requireFinite(std::string_view what, std::span<const double> record);
/// NNADC-MET-004 unless kMinBits <= bits <= kMaxBits.
void requireBits(int bits);
/// NNADC-MET-003 naming the first code outside [0, 2^bits).
void requireCodesInRange(std::span<const std::int64_t> codes, int bits);
/// NNADC-MET-005 unless fs_hz is positive and finite.
void requireSampleRate(double fs_hz);

/// Codes as doubles (exact for |code| < 2^53).
std::vector<double> codesToDouble(std::span<const std::int64_t> codes);

}  // namespace nnadc::metrics
