#pragma once
/// Behavioural (bit-level) 8x8-bit unsigned approximate multipliers, as studied by AxTrain (He et
/// al., ISLPED 2018: three approximate-multiplier configurations) and modelled by TorchApprox /
/// AdaPT as 256x256 product tables.
///
/// Designs (a, b in [0, 255]; a_j, b_i their bits):
///  - exact:            a * b.
///  - truncated (k):    the array multiplier with every partial-product bit a_j b_i of column
///                      i + j < k removed (no correction constant): sum_{i+j>=k} a_j b_i 2^(i+j).
///  - broken array (h, v) (BAM, Mahdiani et al., IEEE TCAS-I 2010): additionally omits the cells of
///    the h lowest partial-product rows (multiplier bits b_0..b_{h-1}); truncated(k) = BAM(0, k).
///  - under-designed (UDM, Kulkarni, Gupta, Ercegovac, VLSI Design 2011): built recursively from
///    2x2 blocks whose only error is 3 x 3 = 7 (instead of 9), the blocks' outputs added exactly.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnadc::axtrain {

enum class MultiplierKind { kExact, kTruncated, kBrokenArray, kUnderDesigned };

struct MultiplierDesign {
  MultiplierKind kind = MultiplierKind::kExact;
  int rows_omitted = 0;     ///< BAM horizontal break level h (rows b_0..b_{h-1} dropped), 0..8
  int columns_omitted = 0;  ///< truncation / BAM vertical break level k, 0..16
  /// Canonical name: "exact", "trunc<k>", "bam<h>-<k>", "udm".
  [[nodiscard]] std::string name() const;
  /// Parses a canonical name; InputError NNADC-AXT-003 naming the text and the accepted forms.
  static MultiplierDesign parse(std::string_view text);
};

/// The approximate product of two unsigned 8-bit operands (bit-level model above).
std::uint32_t approximateProduct(const MultiplierDesign& design, std::uint32_t a, std::uint32_t b);

/// Error statistics of a design over all 65,536 operand pairs (exhaustive).
struct MultiplierStats {
  double mean_error = 0.0;           ///< mean of approx(a,b) - a*b over all pairs
  double std_error = 0.0;            ///< population standard deviation of the same
  double mean_relative_error = 0.0;  ///< mean of (approx - exact) / exact over pairs with a,b > 0
  double std_relative_error = 0.0;   ///< population standard deviation of the same
  double max_abs_error = 0.0;
  double error_rate = 0.0;  ///< share of pairs with approx != exact
};

/// The 256 x 256 table of approx(a, b) - a*b, the form the evaluation uses: a layer's output is
/// its exact integer GEMM plus a sum of table lookups (only nonzero activations cost a lookup).
class ProductTable {
 public:
  explicit ProductTable(const MultiplierDesign& design);
  [[nodiscard]] const MultiplierDesign& design() const { return design_; }
  /// approx(a, b) - a * b.
  [[nodiscard]] std::int32_t error(std::uint32_t a, std::uint32_t b) const {
    return error_[(a << 8U) | b];
  }
  /// The 256 errors approx(a, b) - a*b for a fixed first operand a, indexed by b.
  [[nodiscard]] const std::int32_t* row(std::uint32_t a) const { return &error_[a << 8U]; }
  [[nodiscard]] std::uint32_t product(std::uint32_t a, std::uint32_t b) const {
    return static_cast<std::uint32_t>(static_cast<std::int64_t>(a * b) + error(a, b));
  }
  [[nodiscard]] MultiplierStats stats() const;

 private:
  MultiplierDesign design_;
  std::vector<std::int32_t> error_;  // 65,536 entries, index a * 256 + b
};

}  // namespace nnadc::axtrain
