// gemmAvx2 (gemm_avx2.h). CMake compiles this file with -mavx2 -mfma. Every Eigen symbol it
// instantiates lives in the namespace nnadc_eigen_avx2 (the macro below renames Eigen's), so the
// linker cannot hand these AVX2 copies of Eigen's inline templates to the baseline code of other
// files; tests/nn's gemm_isolation test checks the object's weak symbols for exactly that. The
// file includes no project header that pulls in Eigen.
#include "gemm_avx2.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)

#define Eigen nnadc_eigen_avx2
#include <Eigen/Core>
#undef Eigen

namespace nnadc::nn::detail {

namespace {

namespace E = ::nnadc_eigen_avx2;
using Map = E::Map<const E::MatrixXf, E::Unaligned, E::OuterStride<>>;
using OutMap = E::Map<E::MatrixXf, E::Unaligned, E::OuterStride<>>;

Map view(const GemmOperand& x) { return {x.data, x.rows, x.cols, E::OuterStride<>(x.ld)}; }

template <typename L, typename R>
void store(OutMap& c, const L& lhs, const R& rhs, bool accumulate) {
  if (accumulate) {
    c.noalias() += lhs * rhs;
  } else {
    c.noalias() = lhs * rhs;
  }
}

}  // namespace

void gemmAvx2(const GemmOperand& a, const GemmOperand& b, float* c, std::ptrdiff_t ldc,
              bool accumulate) {
  const Map ma = view(a);
  const Map mb = view(b);
  const std::ptrdiff_t m = a.transposed ? a.cols : a.rows;
  const std::ptrdiff_t n = b.transposed ? b.rows : b.cols;
  OutMap mc(c, m, n, E::OuterStride<>(ldc));
  if (!a.transposed && !b.transposed) {
    store(mc, ma, mb, accumulate);
  } else if (a.transposed && !b.transposed) {
    store(mc, ma.transpose(), mb, accumulate);
  } else if (!a.transposed) {
    store(mc, ma, mb.transpose(), accumulate);
  } else {
    store(mc, ma.transpose(), mb.transpose(), accumulate);
  }
}

bool avx2FmaAvailable() {
  return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
}

}  // namespace nnadc::nn::detail

#else

namespace nnadc::nn::detail {

void gemmAvx2(const GemmOperand&, const GemmOperand&, float*, std::ptrdiff_t, bool) {}

bool avx2FmaAvailable() { return false; }

}  // namespace nnadc::nn::detail

#endif
