#pragma once
// Private to lib/nn: the float matrix products of the MLP passes on AVX2 and FMA (8 floats per
// instruction, a fused multiply-add per step: about four times the arithmetic per cycle of the
// SSE2 baseline every x86-64 build targets). gemm_avx2.cpp compiles Eigen's own product kernel
// for AVX2/FMA under a renamed namespace, so none of its inline functions can be merged with the
// baseline copies of other files; it is only called after the run-time CPU check. This header
// includes no Eigen header on purpose.
#include <cstddef>

namespace nnadc::nn::detail {

/// One operand of a product: a column-major matrix of `rows` x `cols` stored with leading
/// dimension `ld`, used transposed when `transposed` is set.
struct GemmOperand {
  const float* data;
  std::ptrdiff_t rows;
  std::ptrdiff_t cols;
  std::ptrdiff_t ld;
  bool transposed;
};

/// c (m x n, leading dimension ldc) = op(a) op(b), or += when `accumulate`. The result does not
/// depend on the thread count (the kernel runs on the calling thread). Only call when
/// avx2FmaAvailable().
void gemmAvx2(const GemmOperand& a, const GemmOperand& b, float* c, std::ptrdiff_t ldc,
              bool accumulate);

/// Whether this CPU runs AVX2 and FMA (__builtin_cpu_supports; false off x86-64).
bool avx2FmaAvailable();

}  // namespace nnadc::nn::detail
