#include "nnadc/metrics/record.h"

#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::metrics {

void requireSamples(std::string_view what, std::size_t size) {
  if (size < kMinSamples) {
    throw InputError("NNADC-MET-001", std::string(what) + " has " + std::to_string(size) +
                                          " samples; at least " + std::to_string(kMinSamples) +
                                          " are needed");
  }
}

void requireFinite(std::string_view what, std::span<const double> record) {
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (!std::isfinite(record[i])) {
      throw InputError("NNADC-MET-002", std::string(what) + " sample " + std::to_string(i) +
                                            " is " + formatDouble(record[i]) +
                                            "; samples must be finite");
    }
  }
}

void requireBits(int bits) {
  if (bits < kMinBits || bits > kMaxBits) {
    throw InputError("NNADC-MET-004", "field 'bits' is " + std::to_string(bits) +
                                          "; it must lie in [" + std::to_string(kMinBits) + ", " +
                                          std::to_string(kMaxBits) + "]");
  }
}

void requireCodesInRange(std::span<const std::int64_t> codes, int bits) {
  requireBits(bits);
  const std::int64_t limit = std::int64_t{1} << bits;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] < 0 || codes[i] >= limit) {
      throw InputError("NNADC-MET-003", "code " + std::to_string(codes[i]) + " at sample " +
                                            std::to_string(i) + " is outside [0, " +
                                            std::to_string(limit) + ") for " +
                                            std::to_string(bits) + " bits");
    }
  }
}

void requireSampleRate(double fs_hz) {
  if (!std::isfinite(fs_hz) || fs_hz <= 0.0) {
    throw InputError("NNADC-MET-005", "field 'fs_hz' is " + formatDouble(fs_hz) +
                                          "; it must be positive and finite");
  }
}

std::vector<double> codesToDouble(std::span<const std::int64_t> codes) {
  std::vector<double> out(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) out[i] = static_cast<double>(codes[i]);
  return out;
}

}  // namespace nnadc::metrics
