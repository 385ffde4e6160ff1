#include "nnadc/nn/mlp.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnadc/core/assert.h"
#include "nnadc/core/error.h"
#include "nnadc/nn/parallel.h"

namespace nnadc::nn {

Mlp::Mlp(std::vector<Eigen::Index> sizes) : sizes_(std::move(sizes)) {
  if (sizes_.size() < 2) {
    throw InputError("NNADC-NN-001", "an MLP needs at least an input and an output size, got " +
                                         std::to_string(sizes_.size()) + " sizes");
  }
  Eigen::Index offset = 0;
  for (std::size_t i = 0; i < sizes_.size(); ++i) {
    if (sizes_[i] < 1) {
      throw InputError("NNADC-NN-001", "layer size " + std::to_string(i) + " = " +
                                           std::to_string(sizes_[i]) + " must be >= 1");
    }
    if (i + 1 < sizes_.size()) {
      offsets_.push_back(offset);
      offset += sizes_[i + 1] * (sizes_[i] + 1);
    }
  }
  params_ = Eigen::VectorXd::Zero(offset);
}

Eigen::Index Mlp::biasOffset(int layer) const {
  const auto l = static_cast<std::size_t>(layer);
  return offsets_[l] + sizes_[l + 1] * sizes_[l];
}

Eigen::Map<const Eigen::MatrixXd> Mlp::weights(int layer) const {
  const auto l = static_cast<std::size_t>(layer);
  return {params_.data() + offsets_[l], sizes_[l + 1], sizes_[l]};
}

Eigen::Map<Eigen::MatrixXd> Mlp::weights(int layer) {
  const auto l = static_cast<std::size_t>(layer);
  return {params_.data() + offsets_[l], sizes_[l + 1], sizes_[l]};
}

Eigen::Map<const Eigen::VectorXd> Mlp::bias(int layer) const {
  return {params_.data() + biasOffset(layer), sizes_[static_cast<std::size_t>(layer) + 1]};
}

Eigen::Map<Eigen::VectorXd> Mlp::bias(int layer) {
  return {params_.data() + biasOffset(layer), sizes_[static_cast<std::size_t>(layer) + 1]};
}

void Mlp::initialize(Rng& rng) {
  params_.setZero();
  for (int l = 0; l < layerCount(); ++l) {
    auto w = weights(l);
    const double sigma = std::sqrt(2.0 / static_cast<double>(w.cols()));
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
      for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = sigma * rng.normal();
    }
  }
}

namespace {

// Rows of a layer's output per unit of parallel work. Fixed (never derived from the thread
// count), so every output element is computed by the same GEMM shape for any number of threads:
// the same bits on 1 or N cores.
constexpr Eigen::Index kRowsPerChunk = 64;

int rowChunks(Eigen::Index rows) {
  return static_cast<int>(std::max<Eigen::Index>(1, (rows + kRowsPerChunk - 1) / kRowsPerChunk));
}

// Runs f(first_row, row_count) over the fixed row chunks of `rows`, on the pool.
template <typename F>
void forRowChunks(Eigen::Index rows, F f) {
  const int chunks = rowChunks(rows);
  if (chunks == 1) {
    f(Eigen::Index{0}, rows);
    return;
  }
  parallelFor(chunks, [&](int k) {
    const Eigen::Index first = k * kRowsPerChunk;
    f(first, std::min(kRowsPerChunk, rows - first));
  });
}

}  // namespace

const Eigen::MatrixXd& Mlp::forward(const Eigen::MatrixXd& x, ForwardCache& cache,
                                    LinearEvaluator* hardware) const {
  NNADC_ASSERT(x.rows() == sizes_.front());
  const auto layers = static_cast<std::size_t>(layerCount());
  cache.inputs.resize(layers);
  cache.z.resize(layers);
  cache.inputs[0] = x;
  forwardLayers(cache, hardware);
  return cache.z.back();
}

void Mlp::forwardLayers(ForwardCache& cache, LinearEvaluator* hardware) const {
  const auto layers = static_cast<std::size_t>(layerCount());
  const Eigen::Index batch = cache.inputs[0].cols();
  for (std::size_t l = 0; l < layers; ++l) {
    const int layer = static_cast<int>(l);
    Eigen::MatrixXd& z = cache.z[l];
    const Eigen::MatrixXd& in = cache.inputs[l];
    const bool hidden = l + 1 < layers;
    if (hidden) cache.inputs[l + 1].resize(sizes_[l + 1], batch);
    if (hardware != nullptr) {
      hardware->apply(layer, weights(layer), bias(layer), in, z);
      NNADC_ASSERT(z.rows() == sizes_[l + 1] && z.cols() == batch);
      if (hidden) cache.inputs[l + 1] = z.cwiseMax(0.0);
      continue;
    }
    z.resize(sizes_[l + 1], batch);
    const auto w = weights(layer);
    const auto b = bias(layer);
    Eigen::MatrixXd* next = hidden ? &cache.inputs[l + 1] : nullptr;
    forRowChunks(z.rows(), [&](Eigen::Index r0, Eigen::Index n) {
      auto zr = z.middleRows(r0, n);
      zr.noalias() = w.middleRows(r0, n) * in;
      zr.colwise() += b.segment(r0, n);
      if (next != nullptr) next->middleRows(r0, n) = zr.cwiseMax(0.0);
    });
  }
}

double softmaxCrossEntropy(const Eigen::MatrixXd& logits, const std::vector<int>& labels,
                           Eigen::MatrixXd* dlogits) {
  NNADC_ASSERT(static_cast<std::size_t>(logits.cols()) == labels.size());
  const Eigen::Index batch = logits.cols();
  double total = 0.0;
  if (dlogits != nullptr) dlogits->resize(logits.rows(), batch);
  for (Eigen::Index s = 0; s < batch; ++s) {
    const int label = labels[static_cast<std::size_t>(s)];
    NNADC_ASSERT(label >= 0 && label < logits.rows());
    // Shift by the maximum so exp never overflows (log-sum-exp trick).
    const double peak = logits.col(s).maxCoeff();
    const Eigen::ArrayXd e = (logits.col(s).array() - peak).exp();
    const double sum = e.sum();
    total += std::log(sum) - (logits(label, s) - peak);
    if (dlogits != nullptr) {
      dlogits->col(s) = e.matrix() / sum;
      (*dlogits)(label, s) -= 1.0;
    }
  }
  const double inv_batch = 1.0 / static_cast<double>(batch);
  if (dlogits != nullptr) *dlogits *= inv_batch;
  return total * inv_batch;
}

double Mlp::lossAndGradient(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                            Eigen::VectorXd& gradient, LinearEvaluator* hardware) const {
  ForwardCache cache;
  forward(x, cache, hardware);
  Eigen::MatrixXd dz;
  const double loss = softmaxCrossEntropy(cache.z.back(), labels, &dz);
  gradient.resize(params_.size());
  Eigen::MatrixXd da;
  for (int l = layerCount() - 1; l >= 0; --l) {
    const auto li = static_cast<std::size_t>(l);
    const Eigen::Index out = sizes_[li + 1];
    const Eigen::Index in = sizes_[li];
    Eigen::Map<Eigen::MatrixXd> dw(gradient.data() + offsets_[li], out, in);
    auto db = gradient.segment(biasOffset(l), out);
    const Eigen::MatrixXd& input = cache.inputs[li];
    // Each chunk of output rows owns its rows of dW and db: no reduction across threads.
    forRowChunks(out, [&](Eigen::Index r0, Eigen::Index n) {
      dw.middleRows(r0, n).noalias() = dz.middleRows(r0, n) * input.transpose();
      db.segment(r0, n) = dz.middleRows(r0, n).rowwise().sum();
    });
    if (l > 0) {
      const Eigen::MatrixXd* hw = hardware != nullptr ? hardware->backwardWeights(l) : nullptr;
      const auto w = weights(l);
      const Eigen::MatrixXd& z_prev = cache.z[li - 1];
      da.resize(in, dz.cols());
      // da = W^T dz by chunks of its rows (= W's columns), then the ReLU derivative at the
      // pre-activation the forward pass actually saw.
      forRowChunks(in, [&](Eigen::Index r0, Eigen::Index n) {
        auto dar = da.middleRows(r0, n);
        if (hw != nullptr) {
          dar.noalias() = hw->middleCols(r0, n).transpose() * dz;
        } else {
          dar.noalias() = w.middleCols(r0, n).transpose() * dz;
        }
        dar = (z_prev.middleRows(r0, n).array() > 0.0).select(dar, 0.0);
      });
      dz.swap(da);
    }
  }
  return loss;
}

Mlp::BatchScore Mlp::score(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                           LinearEvaluator* hardware) const {
  ForwardCache cache;
  const Eigen::MatrixXd& logits = forward(x, cache, hardware);
  BatchScore result;
  result.loss = softmaxCrossEntropy(logits, labels, nullptr);
  for (Eigen::Index s = 0; s < logits.cols(); ++s) {
    Eigen::Index best = 0;
    logits.col(s).maxCoeff(&best);
    if (best == labels[static_cast<std::size_t>(s)]) ++result.correct;
  }
  return result;
}

}  // namespace nnadc::nn
