#include "nnadc/nn/mlp.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <type_traits>

#include "gemm_avx2.h"
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

void LinearEvaluator::applyFloat(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                 const Eigen::Ref<const Eigen::VectorXd>& bias,
                                 const Eigen::MatrixXf& input, Eigen::MatrixXf& z) {
  const Eigen::MatrixXd input_d = input.cast<double>();
  Eigen::MatrixXd z_d;
  apply(layer, weights, bias, input_d, z_d);
  z = z_d.cast<float>();
}

namespace {

std::atomic<bool>& vectorGemmFlag() {
  static std::atomic<bool> flag{detail::avx2FmaAvailable()};
  return flag;
}

}  // namespace

bool vectorGemm() { return vectorGemmFlag().load(std::memory_order_relaxed); }

void setVectorGemm(bool on) {
  vectorGemmFlag().store(on && detail::avx2FmaAvailable(), std::memory_order_relaxed);
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

template <typename S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <typename S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

template <typename X>
detail::GemmOperand operand(const X& x, bool transposed) {
  return {x.data(), x.rows(), x.cols(), x.outerStride(), transposed};
}

// dst = op(a) op(b) (+= when `accumulate`), op = transpose where `ta` / `tb` is set; a, b and dst
// are matrices or blocks with direct access. Float products run on the AVX2/FMA kernel when
// vectorGemm(), else (and in double) on Eigen's baseline kernel.
template <typename S, typename D, typename A, typename B>
void gemm(D&& dst, const A& a, bool ta, const B& b, bool tb, bool accumulate) {
  if constexpr (std::is_same_v<S, float>) {
    if (vectorGemm()) {
      detail::gemmAvx2(operand(a, ta), operand(b, tb), dst.data(), dst.outerStride(), accumulate);
      return;
    }
  }
  auto run = [&](const auto& lhs, const auto& rhs) {
    if (accumulate) {
      dst.noalias() += lhs * rhs;
    } else {
      dst.noalias() = lhs * rhs;
    }
  };
  if (ta && tb) {
    run(a.transpose(), b.transpose());
  } else if (ta) {
    run(a.transpose(), b);
  } else if (tb) {
    run(a, b.transpose());
  } else {
    run(a, b);
  }
}

}  // namespace

void rowsProduct(const Eigen::MatrixXf& w, Eigen::Index r0, Eigen::Index n,
                 const Eigen::MatrixXf& input, Eigen::MatrixXf& z) {
  gemm<float>(z.middleRows(r0, n), w.middleRows(r0, n), false, input, false, false);
}

void rowsProduct(const Eigen::MatrixXd& w, Eigen::Index r0, Eigen::Index n,
                 const Eigen::MatrixXd& input, Eigen::MatrixXd& z) {
  gemm<double>(z.middleRows(r0, n), w.middleRows(r0, n), false, input, false, false);
}

namespace {

// Buffers of one thread's passes in arithmetic S, reused from batch to batch (Eigen keeps an
// allocation when the size does not change).
template <typename S>
struct Workspace {
  std::vector<Mat<S>> w;     // weights as S
  std::vector<Vec<S>> b;     // biases as S
  std::vector<Mat<S>> a;     // a[l]: input of layer l (a[0] = x)
  std::vector<Mat<S>> z;     // z[l]: pre-activation of layer l
  std::vector<Mat<S>> gw;    // per-layer gradient rows as S, before widening to double
  std::vector<Mat<S>> back;  // backward weights of a double-only evaluator, rounded to S
  Mat<S> dz;
  Mat<S> da;
  bool valid = false;  // a, z hold an exact forward pass of w, b and a[0]
  // Hessian-vector product.
  std::vector<Mat<S>> vw;
  std::vector<Vec<S>> vb;
  std::vector<Mat<S>> ra;  // R{a[l]}
  std::vector<Mat<S>> rz;  // R{z[l]}
  Mat<S> rdz;
  Mat<S> rda;
  Mat<S> dz_next;
  Eigen::MatrixXd logits;  // double copies for the softmax
  Eigen::MatrixXd dlogits;
};

template <typename S>
Workspace<S>& workspace() {
  thread_local Workspace<S> ws;
  return ws;
}

template <typename S>
void loadParameters(const Mlp& net, std::vector<Mat<S>>& w, std::vector<Vec<S>>& b) {
  const auto layers = static_cast<std::size_t>(net.layerCount());
  w.resize(layers);
  b.resize(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    w[l] = net.weights(static_cast<int>(l)).template cast<S>();
    b[l] = net.bias(static_cast<int>(l)).template cast<S>();
  }
}

template <typename S>
void applyHardware(LinearEvaluator& hw, const Mlp& net, int layer, const Mat<S>& input, Mat<S>& z) {
  if constexpr (std::is_same_v<S, float>) {
    hw.applyFloat(layer, net.weights(layer), net.bias(layer), input, z);
  } else {
    hw.apply(layer, net.weights(layer), net.bias(layer), input, z);
  }
}

template <typename S>
const Mat<S>* hardwareBackward(const LinearEvaluator* hw, int layer, Workspace<S>& ws) {
  if (hw == nullptr) return nullptr;
  if constexpr (std::is_same_v<S, float>) {
    if (const Eigen::MatrixXf* f = hw->backwardWeightsFloat(layer)) return f;
    const Eigen::MatrixXd* d = hw->backwardWeights(layer);
    if (d == nullptr) return nullptr;
    ws.back.resize(ws.w.size());
    Mat<S>& rounded = ws.back[static_cast<std::size_t>(layer)];
    rounded = d->cast<float>();
    return &rounded;
  } else {
    return hw->backwardWeights(layer);
  }
}

// Forward pass from ws.a[0] with the weights in ws.w, ws.b (exact) or on `hw`.
template <typename S>
void forwardPass(const Mlp& net, Workspace<S>& ws, LinearEvaluator* hw) {
  const auto layers = static_cast<std::size_t>(net.layerCount());
  const Eigen::Index batch = ws.a[0].cols();
  ws.a.resize(layers);
  ws.z.resize(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    const int layer = static_cast<int>(l);
    const Eigen::Index out = net.sizes()[l + 1];
    Mat<S>& z = ws.z[l];
    const Mat<S>& in = ws.a[l];
    const bool hidden = l + 1 < layers;
    if (hidden) ws.a[l + 1].resize(out, batch);
    if (hw != nullptr) {
      applyHardware<S>(*hw, net, layer, in, z);
      NNADC_ASSERT(z.rows() == out && z.cols() == batch);
      if (hidden) ws.a[l + 1] = z.cwiseMax(S(0));
      continue;
    }
    z.resize(out, batch);
    const Mat<S>& w = ws.w[l];
    const Vec<S>& b = ws.b[l];
    Mat<S>* next = hidden ? &ws.a[l + 1] : nullptr;
    forRowChunks(out, [&](Eigen::Index r0, Eigen::Index n) {
      auto zr = z.middleRows(r0, n);
      gemm<S>(zr, w.middleRows(r0, n), false, in, false, false);
      zr.colwise() += b.segment(r0, n);
      if (next != nullptr) next->middleRows(r0, n) = zr.cwiseMax(S(0));
    });
  }
  ws.valid = hw == nullptr;
}

// Softmax cross-entropy of ws.z.back() in double (a classes x batch matrix: negligible cost),
// its gradient into ws.dz as S.
template <typename S>
double softmaxInto(Workspace<S>& ws, const std::vector<int>& labels) {
  ws.logits = ws.z.back().template cast<double>();
  const double loss = softmaxCrossEntropy(ws.logits, labels, &ws.dlogits);
  ws.dz = ws.dlogits.template cast<S>();
  return loss;
}

// Where a pass's per-parameter result goes: `*target` = result, or with `accumulate`
// `*target` += scale * result (element by element: target + (result * scale)).
struct GradientSink {
  Eigen::VectorXd* target = nullptr;
  double scale = 1.0;
  bool accumulate = false;
};

// Rows [r0, r0 + n) of layer l's weight and bias gradient from those rows of dz (and, for the
// R-operator, the extra term dz2 ra^T): widened into the sink.
template <typename S>
void gradientRows(const Mlp& net, Workspace<S>& ws, int layer, Eigen::Index r0, Eigen::Index n,
                  const Eigen::Block<Mat<S>>& dz_rows, const Eigen::Block<Mat<S>>* dz2_rows,
                  const Mat<S>* ra, const Mat<S>& input, const GradientSink& sink) {
  const auto l = static_cast<std::size_t>(layer);
  const Eigen::Index out = net.sizes()[l + 1];
  const Eigen::Index in = net.sizes()[l];
  Eigen::Map<Eigen::MatrixXd> dw(sink.target->data() + net.weightOffset(layer), out, in);
  auto db = sink.target->segment(net.biasOffset(layer), out);
  bool staged = true;
  if constexpr (std::is_same_v<S, double>) {
    if (!sink.accumulate) {  // straight into the target: no staging copy
      auto rows = dw.middleRows(r0, n);
      gemm<S>(rows, dz_rows, false, input, true, false);
      if (dz2_rows != nullptr) gemm<S>(rows, *dz2_rows, false, *ra, true, true);
      staged = false;
    }
  }
  if (staged) {
    auto rows = ws.gw[l].middleRows(r0, n);
    gemm<S>(rows, dz_rows, false, input, true, false);
    if (dz2_rows != nullptr) gemm<S>(rows, *dz2_rows, false, *ra, true, true);
    if (sink.accumulate) {
      dw.middleRows(r0, n) += rows.template cast<double>() * sink.scale;
    } else {
      dw.middleRows(r0, n) = rows.template cast<double>();
    }
  }
  if (sink.accumulate) {
    db.segment(r0, n) += dz_rows.rowwise().sum().template cast<double>() * sink.scale;
  } else {
    db.segment(r0, n) = dz_rows.rowwise().sum().template cast<double>();
  }
}

// The staging rows gradientRows() needs: in float always, in double when accumulating.
template <typename S>
void prepareGradientBuffers(const Mlp& net, Workspace<S>& ws, const GradientSink& sink) {
  if (std::is_same_v<S, float> || sink.accumulate) {
    const auto layers = static_cast<std::size_t>(net.layerCount());
    ws.gw.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) ws.gw[l].resize(net.sizes()[l + 1], net.sizes()[l]);
  }
}

// Backward pass after forwardPass: loss and gradient (double). Each block of rows of a hidden
// layer computes its error (W^T dz, masked by the ReLU) and at once its rows of dW and db: one
// parallel section per layer, every output element owned by one block.
template <typename S>
double backwardPass(const Mlp& net, Workspace<S>& ws, const std::vector<int>& labels,
                    const LinearEvaluator* hw, Eigen::VectorXd& gradient) {
  const double loss = softmaxInto(ws, labels);
  gradient.resize(net.parameterCount());
  const GradientSink sink{&gradient};
  prepareGradientBuffers(net, ws, sink);
  const int last = net.layerCount() - 1;
  forRowChunks(net.sizes()[static_cast<std::size_t>(last) + 1],
               [&](Eigen::Index r0, Eigen::Index n) {
                 gradientRows<S>(net, ws, last, r0, n, ws.dz.middleRows(r0, n), nullptr, nullptr,
                                 ws.a[static_cast<std::size_t>(last)], sink);
               });
  for (int l = last; l > 0; --l) {
    const auto li = static_cast<std::size_t>(l);
    const Mat<S>* hwb = hardwareBackward<S>(hw, l, ws);
    const Mat<S>& w = hwb != nullptr ? *hwb : ws.w[li];
    const Mat<S>& z_prev = ws.z[li - 1];
    ws.da.resize(net.sizes()[li], ws.dz.cols());
    forRowChunks(net.sizes()[li], [&](Eigen::Index r0, Eigen::Index n) {
      auto dar = ws.da.middleRows(r0, n);
      gemm<S>(dar, w.middleCols(r0, n), true, ws.dz, false, false);
      dar = (z_prev.middleRows(r0, n).array() > S(0)).select(dar, S(0));
      gradientRows<S>(net, ws, l - 1, r0, n, ws.da.middleRows(r0, n), nullptr, nullptr,
                      ws.a[li - 1], sink);
    });
    ws.dz.swap(ws.da);
  }
  return loss;
}

template <typename S>
void setInput(Workspace<S>& ws, const Eigen::MatrixXd& x) {
  if (ws.a.empty()) ws.a.resize(1);
  ws.a[0] = x.template cast<S>();
}

template <typename S>
double lossAndGradientIn(const Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& labels,
                         Eigen::VectorXd& gradient, LinearEvaluator* hw) {
  Workspace<S>& ws = workspace<S>();
  loadParameters(net, ws.w, ws.b);
  setInput(ws, x);
  forwardPass(net, ws, hw);
  return backwardPass(net, ws, labels, hw, gradient);
}

// Whether `held` (in S) is `source` rounded to S, element by element: one read of each, no copy.
template <typename M, typename D>
bool holdsRounded(const M& held, const D& source) {
  using S = typename M::Scalar;
  return held.rows() == source.rows() && held.cols() == source.cols() &&
         (held.array() == source.template cast<S>().array()).all();
}

template <typename S>
void hessianVectorIn(const Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& labels,
                     const Eigen::VectorXd& v, const GradientSink& sink) {
  Workspace<S>& ws = workspace<S>();
  const auto layers = static_cast<std::size_t>(net.layerCount());
  const Eigen::Index batch = x.cols();
  // The last exact forward pass serves if it was made from the same weights and batch.
  bool same = ws.valid && ws.w.size() == layers && holdsRounded(ws.a[0], x);
  for (std::size_t l = 0; same && l < layers; ++l) {
    same = holdsRounded(ws.w[l], net.weights(static_cast<int>(l))) &&
           holdsRounded(ws.b[l], net.bias(static_cast<int>(l)));
  }
  if (!same) {
    loadParameters(net, ws.w, ws.b);
    setInput(ws, x);
    forwardPass<S>(net, ws, nullptr);
  }
  // Directions as S.
  ws.vw.resize(layers);
  ws.vb.resize(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    const Eigen::Index out = net.sizes()[l + 1];
    const Eigen::Index in = net.sizes()[l];
    const auto layer = static_cast<int>(l);
    ws.vw[l] = Eigen::Map<const Eigen::MatrixXd>(v.data() + net.weightOffset(layer), out, in)
                   .template cast<S>();
    ws.vb[l] = v.segment(net.biasOffset(layer), out).template cast<S>();
  }
  // R-forward: R{z_l} = V_l a_l + W_l R{a_l} + vb_l, R{a_{l+1}} = relu'(z_l) R{z_l}.
  ws.ra.resize(layers);
  ws.rz.resize(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    const Eigen::Index out = net.sizes()[l + 1];
    const bool hidden = l + 1 < layers;
    ws.rz[l].resize(out, batch);
    if (hidden) ws.ra[l + 1].resize(out, batch);
    forRowChunks(out, [&](Eigen::Index r0, Eigen::Index n) {
      auto r = ws.rz[l].middleRows(r0, n);
      gemm<S>(r, ws.vw[l].middleRows(r0, n), false, ws.a[l], false, false);
      if (l > 0) gemm<S>(r, ws.w[l].middleRows(r0, n), false, ws.ra[l], false, true);
      r.colwise() += ws.vb[l].segment(r0, n);
      if (hidden) {
        ws.ra[l + 1].middleRows(r0, n) = (ws.z[l].middleRows(r0, n).array() > S(0)).select(r, S(0));
      }
    });
  }
  // Softmax layer: dz = (p - y) / B, R{dz} = (p * r - p (p . r)) / B per sample.
  softmaxInto(ws, labels);
  {
    const double inv_batch = 1.0 / static_cast<double>(batch);
    const Eigen::Index classes = ws.logits.rows();
    ws.rdz.resize(classes, batch);
    for (Eigen::Index s = 0; s < batch; ++s) {
      const double peak = ws.logits.col(s).maxCoeff();
      double sum = 0.0;
      for (Eigen::Index c = 0; c < classes; ++c) sum += std::exp(ws.logits(c, s) - peak);
      double pr = 0.0;
      for (Eigen::Index c = 0; c < classes; ++c) {
        pr += std::exp(ws.logits(c, s) - peak) / sum * static_cast<double>(ws.rz.back()(c, s));
      }
      for (Eigen::Index c = 0; c < classes; ++c) {
        const double p = std::exp(ws.logits(c, s) - peak) / sum;
        ws.rdz(c, s) =
            static_cast<S>(p * (static_cast<double>(ws.rz.back()(c, s)) - pr) * inv_batch);
      }
    }
  }
  prepareGradientBuffers(net, ws, sink);
  const int last = net.layerCount() - 1;
  const auto lastu = static_cast<std::size_t>(last);
  // R{dW_l} = R{dz_l} a_l^T + dz_l R{a_l}^T (the second term vanishes for l = 0: R{x} = 0).
  forRowChunks(net.sizes()[lastu + 1], [&](Eigen::Index r0, Eigen::Index n) {
    const auto dz_rows = ws.dz.middleRows(r0, n);
    gradientRows<S>(net, ws, last, r0, n, ws.rdz.middleRows(r0, n), last > 0 ? &dz_rows : nullptr,
                    last > 0 ? &ws.ra[lastu] : nullptr, ws.a[lastu], sink);
  });
  for (int l = last; l > 0; --l) {
    const auto li = static_cast<std::size_t>(l);
    const Mat<S>& z_prev = ws.z[li - 1];
    const bool need_dz = l - 1 > 0;  // dz of layer l - 1 only enters through R{a_{l-1}} != 0
    ws.rda.resize(net.sizes()[li], batch);
    if (need_dz) ws.dz_next.resize(net.sizes()[li], batch);
    forRowChunks(net.sizes()[li], [&](Eigen::Index r0, Eigen::Index n) {
      // R{da} = V^T dz + W^T R{dz}; R{dz_prev} = relu' R{da}; dz_prev = relu' W^T dz.
      auto rr = ws.rda.middleRows(r0, n);
      gemm<S>(rr, ws.vw[li].middleCols(r0, n), true, ws.dz, false, false);
      gemm<S>(rr, ws.w[li].middleCols(r0, n), true, ws.rdz, false, true);
      const auto mask = z_prev.middleRows(r0, n).array() > S(0);
      rr = mask.select(rr, S(0));
      if (need_dz) {
        auto dd = ws.dz_next.middleRows(r0, n);
        gemm<S>(dd, ws.w[li].middleCols(r0, n), true, ws.dz, false, false);
        dd = mask.select(dd, S(0));
        const auto dd_rows = ws.dz_next.middleRows(r0, n);
        gradientRows<S>(net, ws, l - 1, r0, n, ws.rda.middleRows(r0, n), &dd_rows, &ws.ra[li - 1],
                        ws.a[li - 1], sink);
      } else {
        gradientRows<S>(net, ws, l - 1, r0, n, ws.rda.middleRows(r0, n), nullptr, nullptr,
                        ws.a[li - 1], sink);
      }
    });
    ws.rdz.swap(ws.rda);
    if (need_dz) ws.dz.swap(ws.dz_next);
  }
}

template <typename S>
void copyForward(const Workspace<S>& ws, ForwardCache& cache) {
  cache.inputs.resize(ws.z.size());
  cache.z.resize(ws.z.size());
  for (std::size_t l = 0; l < ws.z.size(); ++l) {
    cache.inputs[l] = ws.a[l].template cast<double>();
    cache.z[l] = ws.z[l].template cast<double>();
  }
}

}  // namespace

const Eigen::MatrixXd& Mlp::forward(const Eigen::MatrixXd& x, ForwardCache& cache,
                                    LinearEvaluator* hardware) const {
  NNADC_ASSERT(x.rows() == sizes_.front());
  auto run = [&](auto& ws) {
    loadParameters(*this, ws.w, ws.b);
    setInput(ws, x);
    forwardPass(*this, ws, hardware);
    copyForward(ws, cache);
  };
  if (precision_ == Precision::kFloat) {
    run(workspace<float>());
  } else {
    run(workspace<double>());
  }
  return cache.z.back();
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
    double sum = 0.0;
    for (Eigen::Index c = 0; c < logits.rows(); ++c) sum += std::exp(logits(c, s) - peak);
    total += std::log(sum) - (logits(label, s) - peak);
    if (dlogits != nullptr) {
      for (Eigen::Index c = 0; c < logits.rows(); ++c) {
        (*dlogits)(c, s) = std::exp(logits(c, s) - peak) / sum;
      }
      (*dlogits)(label, s) -= 1.0;
    }
  }
  const double inv_batch = 1.0 / static_cast<double>(batch);
  if (dlogits != nullptr) *dlogits *= inv_batch;
  return total * inv_batch;
}

double Mlp::lossAndGradient(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                            Eigen::VectorXd& gradient, LinearEvaluator* hardware) const {
  NNADC_ASSERT(x.rows() == sizes_.front());
  if (precision_ == Precision::kFloat) {
    return lossAndGradientIn<float>(*this, x, labels, gradient, hardware);
  }
  return lossAndGradientIn<double>(*this, x, labels, gradient, hardware);
}

namespace {

// H v of `net` into the sink, in the network's precision.
void hessianVector(const Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& labels,
                   const Eigen::VectorXd& v, const GradientSink& sink) {
  if (net.precision() == Precision::kFloat) {
    hessianVectorIn<float>(net, x, labels, v, sink);
  } else {
    hessianVectorIn<double>(net, x, labels, v, sink);
  }
}

}  // namespace

void Mlp::hessianVectorProduct(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                               const Eigen::VectorXd& v, Eigen::VectorXd& hv) const {
  NNADC_ASSERT(x.rows() == sizes_.front() && v.size() == params_.size());
  hv.resize(params_.size());
  hessianVector(*this, x, labels, v, GradientSink{&hv});
}

void Mlp::addHessianVectorProduct(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                                  const Eigen::VectorXd& v, double scale,
                                  Eigen::VectorXd& target) const {
  NNADC_ASSERT(x.rows() == sizes_.front() && v.size() == params_.size() &&
               target.size() == params_.size());
  hessianVector(*this, x, labels, v, GradientSink{&target, scale, true});
}

Mlp::BatchScore Mlp::score(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                           LinearEvaluator* hardware) const {
  NNADC_ASSERT(x.rows() == sizes_.front());
  Eigen::MatrixXd logits;
  auto run = [&](auto& ws) {
    loadParameters(*this, ws.w, ws.b);
    setInput(ws, x);
    forwardPass(*this, ws, hardware);
    logits = ws.z.back().template cast<double>();
  };
  if (precision_ == Precision::kFloat) {
    run(workspace<float>());
  } else {
    run(workspace<double>());
  }
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
