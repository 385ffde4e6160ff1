#pragma once
/// Multilayer perceptron on Eigen: dense layers with ReLU between them and a softmax
/// cross-entropy loss on the last, over batches stored one sample per column.
///
/// Parameters live in one flat vector (so the Adam optimiser and the AxTrain sensitivity penalty
/// see a single `w`): for each layer l in order, its weights W_l (out x in, column-major) then its
/// biases b_l (out). A hardware model can take over the linear part of each layer in the forward
/// pass (`LinearEvaluator`); the backward pass uses the clean weights (straight-through
/// estimator, unless the evaluator supplies backwardWeights()), which is how noise- and
/// approximation-aware training treats non-differentiable hardware (AxTrain passive; aihwkit).
///
/// Arithmetic (`Precision`): the parameters, the gradient handed back and the optimiser are always
/// double; kFloat runs the forward and backward passes on float copies of the weights and
/// activations (float GEMMs: twice the SIMD width of double), kDouble in double. Either way the
/// passes are cut into fixed blocks of output rows that never depend on the thread count, and
/// reuse per-thread buffers (no allocation per batch once the sizes are known).
#include <Eigen/Core>
#include <vector>

#include "nnadc/core/rng.h"

namespace nnadc::nn {

/// Computes a layer's pre-activation z = W a + b the way some hardware would.
class LinearEvaluator {
 public:
  virtual ~LinearEvaluator() = default;
  /// `input` is in x batch; `z` must be resized to out x batch. `layer` counts from 0.
  virtual void apply(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                     const Eigen::Ref<const Eigen::VectorXd>& bias, const Eigen::MatrixXd& input,
                     Eigen::MatrixXd& z) = 0;
  /// Weights the backward pass propagates layer `layer`'s error through (null: the clean
  /// weights). Weight-noise models return their noisy weights, so the gradient is that of the
  /// loss at the perturbed point, as in noise-injection training.
  [[nodiscard]] virtual const Eigen::MatrixXd* backwardWeights(int /*layer*/) const {
    return nullptr;
  }
  /// The float pass's apply(): `z` must be resized to out x batch. The default converts the
  /// input to double, calls apply() and rounds z to float.
  virtual void applyFloat(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                          const Eigen::Ref<const Eigen::VectorXd>& bias,
                          const Eigen::MatrixXf& input, Eigen::MatrixXf& z);
  /// backwardWeights() as float (null: the float pass rounds backwardWeights() itself).
  [[nodiscard]] virtual const Eigen::MatrixXf* backwardWeightsFloat(int /*layer*/) const {
    return nullptr;
  }
};

enum class Precision { kDouble, kFloat };

/// Whether the float passes run their matrix products on the AVX2/FMA kernel (8 floats per
/// instruction, fused multiply-add) rather than Eigen's SSE2 baseline. On by default when the CPU
/// has AVX2 and FMA; setVectorGemm(true) is ignored on a CPU without them. The two kernels round
/// differently (FMA rounds once), so they differ in the last bits; neither depends on the thread
/// count. Double passes always use the baseline. Process-wide; for benchmarks and tests.
[[nodiscard]] bool vectorGemm();
void setVectorGemm(bool on);

/// z.middleRows(r0, n) = w.middleRows(r0, n) * input (z already sized w.rows() x input.cols()):
/// a dense layer's rows, float on the kernel vectorGemm() selects, double on Eigen's.
void rowsProduct(const Eigen::MatrixXf& w, Eigen::Index r0, Eigen::Index n,
                 const Eigen::MatrixXf& input, Eigen::MatrixXf& z);
void rowsProduct(const Eigen::MatrixXd& w, Eigen::Index r0, Eigen::Index n,
                 const Eigen::MatrixXd& input, Eigen::MatrixXd& z);

/// Activations of one forward pass, kept for the backward pass.
struct ForwardCache {
  std::vector<Eigen::MatrixXd> inputs;  ///< inputs[l]: input of layer l (inputs[0] = x)
  std::vector<Eigen::MatrixXd> z;       ///< z[l]: pre-activation of layer l (last = logits)
};

class Mlp {
 public:
  /// `sizes` = {inputs, hidden..., classes}, at least 2 entries, each >= 1 (InputError
  /// NNADC-NN-001 naming the offending entry).
  explicit Mlp(std::vector<Eigen::Index> sizes);

  [[nodiscard]] const std::vector<Eigen::Index>& sizes() const { return sizes_; }
  [[nodiscard]] int layerCount() const { return static_cast<int>(sizes_.size()) - 1; }
  [[nodiscard]] Eigen::Index parameterCount() const { return params_.size(); }
  [[nodiscard]] Eigen::VectorXd& parameters() { return params_; }
  [[nodiscard]] const Eigen::VectorXd& parameters() const { return params_; }
  /// Offset of layer l's weights in the parameter vector; its biases follow the weights.
  [[nodiscard]] Eigen::Index weightOffset(int layer) const {
    return offsets_[static_cast<std::size_t>(layer)];
  }
  [[nodiscard]] Eigen::Index biasOffset(int layer) const;

  [[nodiscard]] Eigen::Map<const Eigen::MatrixXd> weights(int layer) const;
  [[nodiscard]] Eigen::Map<Eigen::MatrixXd> weights(int layer);
  [[nodiscard]] Eigen::Map<const Eigen::VectorXd> bias(int layer) const;
  [[nodiscard]] Eigen::Map<Eigen::VectorXd> bias(int layer);

  /// Arithmetic of the forward and backward passes (see the top of this file); kDouble unless set.
  void setPrecision(Precision precision) { precision_ = precision; }
  [[nodiscard]] Precision precision() const { return precision_; }

  /// He-normal weights (std sqrt(2 / fan_in), for ReLU), zero biases.
  void initialize(Rng& rng);

  /// Forward pass of a batch (in x batch). `hardware` (may be null: exact arithmetic) computes
  /// each layer's linear part. Returns the logits (classes x batch), also in cache.z.back().
  const Eigen::MatrixXd& forward(const Eigen::MatrixXd& x, ForwardCache& cache,
                                 LinearEvaluator* hardware = nullptr) const;

  /// Mean softmax cross-entropy of the batch and its gradient with respect to all parameters
  /// (same layout as parameters(); `gradient` is resized). Straight-through for `hardware`.
  double lossAndGradient(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                         Eigen::VectorXd& gradient, LinearEvaluator* hardware = nullptr) const;

  /// H v: the Hessian of the mean batch loss (exact arithmetic) times `v` (same layout as
  /// parameters()), exactly, by Pearlmutter's R-operator (Neural Computation 6(1), 1994): one
  /// forward and one backward pass of directional derivatives, about two GEMMs per layer. The
  /// ReLU's second derivative is taken as 0 (as everywhere but at the kink). Reuses the forward
  /// pass of the last exact lossAndGradient() on this thread when it was made from the same
  /// weights and batch (checked element by element), else runs it again.
  void hessianVectorProduct(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                            const Eigen::VectorXd& v, Eigen::VectorXd& hv) const;
  /// target += scale * (H v), element by element as target + ((H v) * scale) with H v as
  /// hessianVectorProduct() computes it (the same bits as forming H v, scaling and adding), in
  /// one pass over `target` (parameterCount() entries) and without a buffer for H v.
  void addHessianVectorProduct(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                               const Eigen::VectorXd& v, double scale,
                               Eigen::VectorXd& target) const;

  /// Mean cross-entropy and the number of correct argmax predictions of a batch.
  struct BatchScore {
    double loss = 0.0;
    Eigen::Index correct = 0;
  };
  BatchScore score(const Eigen::MatrixXd& x, const std::vector<int>& labels,
                   LinearEvaluator* hardware = nullptr) const;

 private:
  std::vector<Eigen::Index> sizes_;
  std::vector<Eigen::Index> offsets_;
  Eigen::VectorXd params_;
  Precision precision_ = Precision::kDouble;
};

/// Softmax cross-entropy of logits (classes x batch) against labels: mean loss, and (if
/// `dlogits` is not null) its gradient with respect to the logits, (softmax - onehot) / batch.
double softmaxCrossEntropy(const Eigen::MatrixXd& logits, const std::vector<int>& labels,
                           Eigen::MatrixXd* dlogits);

}  // namespace nnadc::nn
