#include "nnadc/nn/adam.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/nn/parallel.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace nnadc::nn {

void AdamOptions::validate() const {
  requireInRange("NNADC-CFG-003", "learning_rate", learning_rate, 0.0, 10.0);
  requireInRange("NNADC-CFG-003", "beta1", beta1, 0.0, 0.999999);
  requireInRange("NNADC-CFG-003", "beta2", beta2, 0.0, 0.999999999);
  requireInRange("NNADC-CFG-003", "epsilon", epsilon, 1e-300, 1.0);
  requireInRange("NNADC-CFG-003", "weight_decay", weight_decay, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "decay_every", decay_every, 0, 1e12);
  requireInRange("NNADC-CFG-003", "decay_factor", decay_factor, 1e-6, 1.0);
}

Adam::Adam(Eigen::Index parameter_count, const AdamOptions& options)
    : options_(options),
      m_(Eigen::VectorXd::Zero(parameter_count)),
      v_(Eigen::VectorXd::Zero(parameter_count)) {
  options_.validate();
}

double Adam::learningRate() const {
  if (options_.decay_every <= 0) return options_.learning_rate;
  const long drops = t_ / options_.decay_every;
  return options_.learning_rate * std::pow(options_.decay_factor, static_cast<double>(drops));
}

void Adam::step(Eigen::Ref<Eigen::VectorXd> params,
                const Eigen::Ref<const Eigen::VectorXd>& gradient) {
  const double lr = learningRate();
  ++t_;
  const double c1 = 1.0 - std::pow(options_.beta1, static_cast<double>(t_));
  const double c2 = 1.0 - std::pow(options_.beta2, static_cast<double>(t_));
  // One fused pass per element (the update reads and writes each array once): element-wise, so
  // any split over threads gives the same bits.
  const double b1 = options_.beta1;
  const double b2 = options_.beta2;
  const double wd = options_.weight_decay;
  const double eps = options_.epsilon;
  const auto update = [&](Eigen::Index first, Eigen::Index count) {
    double* p = params.data();
    const double* gr = gradient.data();
    double* m = m_.data();
    double* v = v_.data();
    Eigen::Index i = first;
#if defined(__SSE2__)
    // Two elements at a time with the scalar loop's operations in its order (each one IEEE
    // correctly rounded, sqrt included; no contraction): the same bits, about 3x faster than the
    // scalar loop, whose sqrt call (errno) keeps GCC from vectorising it.
    using Pair = double __attribute__((vector_size(16)));
    const Pair vb1 = {b1, b1};
    const Pair vb2 = {b2, b2};
    const Pair va1 = {1.0 - b1, 1.0 - b1};
    const Pair va2 = {1.0 - b2, 1.0 - b2};
    const Pair vwd = {wd, wd};
    const Pair vlr = {lr, lr};
    const Pair vc1 = {c1, c1};
    const Pair vc2 = {c2, c2};
    const Pair veps = {eps, eps};
    for (; i + 2 <= first + count; i += 2) {
      Pair pp;
      Pair gg;
      Pair mm;
      Pair vv;
      std::memcpy(&pp, p + i, sizeof pp);
      std::memcpy(&gg, gr + i, sizeof gg);
      std::memcpy(&mm, m + i, sizeof mm);
      std::memcpy(&vv, v + i, sizeof vv);
      const Pair g = gg + vwd * pp;
      mm = vb1 * mm + va1 * g;
      vv = vb2 * vv + va2 * (g * g);
      pp -= vlr * (mm / vc1) / (Pair(_mm_sqrt_pd(__m128d(vv / vc2))) + veps);
      std::memcpy(p + i, &pp, sizeof pp);
      std::memcpy(m + i, &mm, sizeof mm);
      std::memcpy(v + i, &vv, sizeof vv);
    }
#endif
    for (; i < first + count; ++i) {
      const double g = gr[i] + wd * p[i];
      m[i] = b1 * m[i] + (1.0 - b1) * g;
      v[i] = b2 * v[i] + (1.0 - b2) * (g * g);
      p[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
    }
  };
  const Eigen::Index n = params.size();
  constexpr Eigen::Index kChunk = Eigen::Index{1} << 15;
  if (n < 2 * kChunk) {
    update(0, n);
    return;
  }
  const int chunks = static_cast<int>((n + kChunk - 1) / kChunk);
  parallelFor(chunks, [&](int k) {
    const Eigen::Index first = k * kChunk;
    update(first, std::min(kChunk, n - first));
  });
}

}  // namespace nnadc::nn
