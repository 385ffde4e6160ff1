#include "nnadc/axtrain/multiplier.h"

#include <cmath>
#include <cstdlib>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::axtrain {

namespace {

constexpr std::uint32_t kOperandBits = 8;
constexpr std::uint32_t kOperandValues = 1U << kOperandBits;    // 256
constexpr int kMaxColumn = 2 * static_cast<int>(kOperandBits);  // product columns 0..15

std::uint32_t brokenArray(std::uint32_t a, std::uint32_t b, int rows_omitted, int columns_omitted) {
  std::uint32_t product = 0;
  for (int i = rows_omitted; i < static_cast<int>(kOperandBits); ++i) {
    if (((b >> static_cast<std::uint32_t>(i)) & 1U) == 0) continue;
    for (int j = 0; j < static_cast<int>(kOperandBits); ++j) {
      if (((a >> static_cast<std::uint32_t>(j)) & 1U) != 0 && i + j >= columns_omitted) {
        product += 1U << static_cast<std::uint32_t>(i + j);
      }
    }
  }
  return product;
}

// Kulkarni et al.'s recursive construction: n-bit operands split into halves, four (n/2)-bit
// products added exactly; the 2x2 leaf returns 7 for 3 x 3 (saves the leaf's third output bit).
std::uint32_t underDesigned(std::uint32_t a, std::uint32_t b, std::uint32_t bits) {
  if (bits == 2) return (a == 3 && b == 3) ? 7U : a * b;
  const std::uint32_t half = bits / 2;
  const std::uint32_t mask = (1U << half) - 1U;
  const std::uint32_t ah = a >> half;
  const std::uint32_t al = a & mask;
  const std::uint32_t bh = b >> half;
  const std::uint32_t bl = b & mask;
  return (underDesigned(ah, bh, half) << (2 * half)) +
         ((underDesigned(ah, bl, half) + underDesigned(al, bh, half)) << half) +
         underDesigned(al, bl, half);
}

[[noreturn]] void badName(std::string_view text) {
  throw InputError("NNADC-AXT-003", "multiplier design '" + std::string(text) +
                                        "' is not one of exact, udm, trunc<k> (k in 0..16), "
                                        "bam<h>-<k> (h in 0..8, k in 0..16)");
}

int parseBounded(std::string_view text, std::string_view whole, int hi) {
  const auto value = parseInteger(text);
  if (!value || *value < 0 || *value > hi) badName(whole);
  return static_cast<int>(*value);
}

}  // namespace

std::string MultiplierDesign::name() const {
  switch (kind) {
    case MultiplierKind::kExact:
      return "exact";
    case MultiplierKind::kTruncated:
      return "trunc" + std::to_string(columns_omitted);
    case MultiplierKind::kBrokenArray:
      return "bam" + std::to_string(rows_omitted) + "-" + std::to_string(columns_omitted);
    case MultiplierKind::kUnderDesigned:
      return "udm";
  }
  return "?";
}

MultiplierDesign MultiplierDesign::parse(std::string_view text) {
  MultiplierDesign d;
  if (text == "exact") return d;
  if (text == "udm") {
    d.kind = MultiplierKind::kUnderDesigned;
    return d;
  }
  if (startsWith(text, "trunc") && text.size() > 5) {
    d.kind = MultiplierKind::kTruncated;
    d.columns_omitted = parseBounded(text.substr(5), text, kMaxColumn);
    return d;
  }
  if (startsWith(text, "bam")) {
    const std::size_t dash = text.find('-');
    if (dash == std::string_view::npos || dash == 3) badName(text);
    d.kind = MultiplierKind::kBrokenArray;
    d.rows_omitted = parseBounded(text.substr(3, dash - 3), text, static_cast<int>(kOperandBits));
    d.columns_omitted = parseBounded(text.substr(dash + 1), text, kMaxColumn);
    return d;
  }
  badName(text);
}

std::uint32_t approximateProduct(const MultiplierDesign& design, std::uint32_t a, std::uint32_t b) {
  switch (design.kind) {
    case MultiplierKind::kExact:
      return a * b;
    case MultiplierKind::kTruncated:
      return brokenArray(a, b, 0, design.columns_omitted);
    case MultiplierKind::kBrokenArray:
      return brokenArray(a, b, design.rows_omitted, design.columns_omitted);
    case MultiplierKind::kUnderDesigned:
      return underDesigned(a, b, kOperandBits);
  }
  return a * b;
}

ProductTable::ProductTable(const MultiplierDesign& design)
    : design_(design), error_(kOperandValues * kOperandValues) {
  for (std::uint32_t a = 0; a < kOperandValues; ++a) {
    for (std::uint32_t b = 0; b < kOperandValues; ++b) {
      error_[(a << 8U) | b] = static_cast<std::int32_t>(approximateProduct(design, a, b)) -
                              static_cast<std::int32_t>(a * b);
    }
  }
}

MultiplierStats ProductTable::stats() const {
  MultiplierStats s;
  double sum = 0.0;
  double relative_sum = 0.0;
  long errors = 0;
  long nonzero_pairs = 0;
  for (std::uint32_t a = 0; a < kOperandValues; ++a) {
    for (std::uint32_t b = 0; b < kOperandValues; ++b) {
      const double e = error(a, b);
      sum += e;
      if (e != 0.0) ++errors;
      s.max_abs_error = std::max(s.max_abs_error, std::abs(e));
      if (a > 0 && b > 0) {
        relative_sum += e / static_cast<double>(a * b);
        ++nonzero_pairs;
      }
    }
  }
  const double pairs = static_cast<double>(kOperandValues * kOperandValues);
  s.mean_error = sum / pairs;
  s.mean_relative_error = relative_sum / static_cast<double>(nonzero_pairs);
  // Second pass about the mean: numerically safer than E[x^2] - E[x]^2.
  double squares = 0.0;
  double relative_squares = 0.0;
  for (std::uint32_t a = 0; a < kOperandValues; ++a) {
    for (std::uint32_t b = 0; b < kOperandValues; ++b) {
      const double e = error(a, b);
      squares += (e - s.mean_error) * (e - s.mean_error);
      if (a > 0 && b > 0) {
        const double r = e / static_cast<double>(a * b) - s.mean_relative_error;
        relative_squares += r * r;
      }
    }
  }
  s.std_error = std::sqrt(squares / pairs);
  s.std_relative_error = std::sqrt(relative_squares / static_cast<double>(nonzero_pairs));
  s.error_rate = static_cast<double>(errors) / pairs;
  return s;
}

}  // namespace nnadc::axtrain
