#pragma once
// Private to lib/axtrain: the table-lookup kernels of the approximate-multiplier layer. The
// baseline loop reads one product per lookup from the signed product table; the AVX2 kernel
// serves multipliers whose product is additive in the weight's nibbles,
//     approx(a, b) = approx(a, b mod 16) + approx(a, 16 floor(b / 16)),
// (every design in multiplier.h: their partial products never mix bits of b), with in-register
// 16-entry lookups (vpshufb), 32 products per few instructions. Both add the same integers, so
// they give the same bits.
#include <cstddef>
#include <cstdint>

namespace nnadc::axtrain::detail {

/// acc[i] += sum over t < count of row_t[codes_t[i]] for i < out, where row_t = products +
/// offsets[t] and codes_t = codes + inputs[t] * out (one sample's nonzero activations t, its
/// table rows, the layer's weight codes stored input by input). Sums fit int32 (the caller
/// checks).
void productSumsBaseline(const std::int32_t* products, const std::uint16_t* codes,
                         std::ptrdiff_t out, const std::int32_t* offsets,
                         const std::int32_t* inputs, std::ptrdiff_t count, std::int32_t* acc);

/// Outputs per block of the nibble kernel; layers are padded to a multiple (padding weights 0).
inline constexpr std::ptrdiff_t kNibbleBlock = 32;
/// Bytes of one activation magnitude's tables: low and high bytes of approx(a, v) and of
/// approx(a, 16 v) / 16 for v = 0..15 (each < 2^12).
inline constexpr std::ptrdiff_t kNibbleTableBytes = 64;

/// With the weights of a layer as magnitudes `magnitudes` (uint8, out_padded per input) and
/// signs `signs` (int16 +-1, per block of 32 outputs in the order 0-7, 16-23, 8-15, 24-31), adds
/// to low[i] and high[i] the sums over t < count of sign * approx(|a_t|, m mod 16) and
/// sign * approx(|a_t|, 16 floor(m / 16)) / 16, sign = sign(a_t) sign(w): the product sum is
/// low + 16 high. `scratch` holds 2 * out_padded int16. Only call when avx2Available().
void nibbleSumsAvx2(const std::uint8_t* tables, const std::uint8_t* magnitudes,
                    const std::int16_t* signs, std::ptrdiff_t out_padded,
                    const std::int32_t* activations, const std::int32_t* inputs,
                    std::ptrdiff_t count, std::int32_t* low, std::int32_t* high,
                    std::int16_t* scratch);

/// Whether this CPU runs AVX2 (__builtin_cpu_supports; false off x86-64).
bool avx2Available();

}  // namespace nnadc::axtrain::detail
