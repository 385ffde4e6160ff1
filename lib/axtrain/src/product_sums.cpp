// The multiplier layer's lookups (product_sums.h). The AVX2 kernel is compiled for AVX2 by a
// target attribute rather than by -mavx2 on the file: this file includes no header whose inline
// functions the linker could merge with the baseline copies of other files (a -mavx2 file that
// instantiated, say, an Eigen template could hand AVX2 code to a CPU without it), and it is only
// called after the run-time check. An AVX2 gather version of the baseline loop was measured
// slower than the scalar loop on the AMD EPYC used for issue 17, so there is none.
#include "product_sums.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNADC_HAVE_X86 1
#endif

namespace nnadc::axtrain::detail {

void productSumsBaseline(const std::int32_t* products, const std::uint16_t* codes,
                         std::ptrdiff_t out, const std::int32_t* offsets,
                         const std::int32_t* inputs, std::ptrdiff_t count, std::int32_t* acc) {
  for (std::ptrdiff_t t = 0; t < count; ++t) {
    const std::int32_t* row = products + offsets[t];
    const std::uint16_t* c = codes + static_cast<std::ptrdiff_t>(inputs[t]) * out;
    for (std::ptrdiff_t i = 0; i < out; ++i) acc[i] += row[c[i]];
  }
}

#if defined(NNADC_HAVE_X86)

namespace {

// int16 partial sums take at most this many inputs before they are widened: each term is below
// 2^12 in magnitude, 8 terms below 2^15.
constexpr int kWidenEvery = 8;

__attribute__((target("avx2"))) void widen(std::int16_t* scratch, std::ptrdiff_t blocks,
                                           std::int32_t* low, std::int32_t* high) {
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    std::int16_t* s = scratch + b * 2 * kNibbleBlock;
    for (int part = 0; part < 2; ++part) {
      std::int32_t* dst = (part == 0 ? low : high) + b * kNibbleBlock;
      __m256i* pa = reinterpret_cast<__m256i*>(s + part * kNibbleBlock);
      __m256i* pb = reinterpret_cast<__m256i*>(s + part * kNibbleBlock + 16);
      const __m256i va = _mm256_loadu_si256(pa);  // outputs 0-7 | 16-23
      const __m256i vb = _mm256_loadu_si256(pb);  // outputs 8-15 | 24-31
      const std::ptrdiff_t at[4] = {0, 16, 8, 24};
      const __m128i parts[4] = {_mm256_castsi256_si128(va), _mm256_extracti128_si256(va, 1),
                                _mm256_castsi256_si128(vb), _mm256_extracti128_si256(vb, 1)};
      for (int k = 0; k < 4; ++k) {
        __m256i* d = reinterpret_cast<__m256i*>(dst + at[k]);
        _mm256_storeu_si256(
            d, _mm256_add_epi32(_mm256_loadu_si256(d), _mm256_cvtepi16_epi32(parts[k])));
      }
      _mm256_storeu_si256(pa, _mm256_setzero_si256());
      _mm256_storeu_si256(pb, _mm256_setzero_si256());
    }
  }
}

}  // namespace

__attribute__((target("avx2"))) void nibbleSumsAvx2(
    const std::uint8_t* tables, const std::uint8_t* magnitudes, const std::int16_t* signs,
    std::ptrdiff_t out_padded, const std::int32_t* activations, const std::int32_t* inputs,
    std::ptrdiff_t count, std::int32_t* low, std::int32_t* high, std::int16_t* scratch) {
  const std::ptrdiff_t blocks = out_padded / kNibbleBlock;
  for (std::ptrdiff_t k = 0; k < 2 * out_padded; ++k) scratch[k] = 0;
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  int pending = 0;
  for (std::ptrdiff_t t = 0; t < count; ++t) {
    const std::int32_t a = activations[t];
    const std::uint8_t* tab = tables + (a < 0 ? -a : a) * kNibbleTableBytes;
    const __m128i* tab128 = reinterpret_cast<const __m128i*>(tab);
    const __m256i lo_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(tab128));
    const __m256i lo_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128(tab128 + 1));
    const __m256i hi_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(tab128 + 2));
    const __m256i hi_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128(tab128 + 3));
    const std::uint8_t* m_row = magnitudes + static_cast<std::ptrdiff_t>(inputs[t]) * out_padded;
    const std::int16_t* s_row = signs + static_cast<std::ptrdiff_t>(inputs[t]) * out_padded;
    for (std::ptrdiff_t b = 0; b < blocks; ++b) {
      const __m256i m =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m_row + b * kNibbleBlock));
      const __m256i lo = _mm256_and_si256(m, nibble);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(m, 4), nibble);
      const __m256i l0 = _mm256_shuffle_epi8(lo_lo, lo);
      const __m256i l1 = _mm256_shuffle_epi8(lo_hi, lo);
      const __m256i h0 = _mm256_shuffle_epi8(hi_lo, hi);
      const __m256i h1 = _mm256_shuffle_epi8(hi_hi, hi);
      const __m256i sa =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s_row + b * kNibbleBlock));
      const __m256i sb =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s_row + b * kNibbleBlock + 16));
      // Bytes to int16 (lane-wise: outputs 0-7 | 16-23 and 8-15 | 24-31), signed by the weight.
      const __m256i v[4] = {_mm256_sign_epi16(_mm256_unpacklo_epi8(l0, l1), sa),
                            _mm256_sign_epi16(_mm256_unpackhi_epi8(l0, l1), sb),
                            _mm256_sign_epi16(_mm256_unpacklo_epi8(h0, h1), sa),
                            _mm256_sign_epi16(_mm256_unpackhi_epi8(h0, h1), sb)};
      std::int16_t* s = scratch + b * 2 * kNibbleBlock;
      for (int k = 0; k < 4; ++k) {
        __m256i* p = reinterpret_cast<__m256i*>(s + 16 * k);
        const __m256i old = _mm256_loadu_si256(p);
        _mm256_storeu_si256(p, a < 0 ? _mm256_sub_epi16(old, v[k]) : _mm256_add_epi16(old, v[k]));
      }
    }
    if (++pending == kWidenEvery) {
      widen(scratch, blocks, low, high);
      pending = 0;
    }
  }
  if (pending > 0) widen(scratch, blocks, low, high);
}

bool avx2Available() { return __builtin_cpu_supports("avx2") != 0; }

#else

void nibbleSumsAvx2(const std::uint8_t*, const std::uint8_t*, const std::int16_t*, std::ptrdiff_t,
                    const std::int32_t*, const std::int32_t*, std::ptrdiff_t, std::int32_t*,
                    std::int32_t*, std::int16_t*) {}

bool avx2Available() { return false; }

#endif

}  // namespace nnadc::axtrain::detail
