#pragma once
/// AxTrain (He, Ke, Lu, Yan, Zhang, ISLPED 2018): hardware-oriented training of classifiers for
/// approximate inference, on the shared nn trainer.
///
///  - passive: every training step draws the hardware's errors (HardwareModel::draw) and runs the
///    forward pass on that hardware; gradients flow straight through to the clean weights.
///  - active: adds the sensitivity penalty
///        P(w) = lambda * sum_i (s_i^2 / mean_k s_k^2) * g_i^2,   g = grad_w L_batch(w),
///    s_i^2 the hardware's per-weight error variance (HardwareModel::errorScaleSquared). Its
///    gradient, with s treated as constant within the step, is 2 lambda H v, v_i = s_i^2 g_i /
///    mean(s^2), H the loss Hessian; H v is computed exactly by the R-operator
///    (nn::Mlp::hessianVectorProduct: two GEMMs per layer, reusing the gradient's forward pass).
///    Until issue 17 it was a central difference of two more gradients (fd_step below).
///    g is always the exact-arithmetic gradient (in "both" mode it is recomputed without noise).
///  - both: passive forward and active penalty together, as the paper combines them.
#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nnadc/axtrain/error_model.h"
#include "nnadc/core/log.h"
#include "nnadc/nn/dataset.h"
#include "nnadc/nn/mlp.h"
#include "nnadc/nn/trainer.h"

namespace nnadc::axtrain {

enum class Mode { kPlain, kPassive, kActive, kBoth };
std::string modeName(Mode mode);
/// "plain", "passive", "active", "both"; InputError NNADC-AXT-005 naming the text otherwise.
Mode parseMode(std::string_view text);

struct PenaltyOptions {
  double lambda = 1.0;  ///< weight of the sensitivity penalty (dimensionless, see above)
  /// Unused since the Hessian-vector product is exact (issue 17); still validated and recorded so
  /// that existing configs and result files stay valid.
  double fd_step = 1e-3;
  /// InputError NNADC-AXT-006 naming the field: lambda in [0, 1e6], fd_step in (0, 1].
  void validate() const;
};

/// The penalty P(w) at the batch (x, labels); if `penalty_gradient` is not null it receives
/// grad P. `loss_gradient` is the exact batch-loss gradient at w if the caller has it (else it is
/// computed). Computed in net.precision(); `net` is not changed.
double sensitivityPenalty(nn::Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& labels,
                          const Eigen::VectorXd& error_scale_squared, const PenaltyOptions& options,
                          const Eigen::VectorXd* loss_gradient, Eigen::VectorXd* penalty_gradient);

/// Training hooks for one mode on one hardware model. addTerms() adds sensitivityPenalty()'s
/// value and gradient (the same to rounding: mean(s^2) is summed per layer) without forming s^2
/// or a separate gradient of the penalty.
class AxTrainHooks final : public nn::TrainingHooks {
 public:
  AxTrainHooks(Mode mode, HardwareModel& hardware, const PenaltyOptions& penalty);
  nn::LinearEvaluator* stepHardware(const nn::Mlp& net, Rng& rng) override;
  double addTerms(nn::Mlp& net, const Eigen::MatrixXd& x, const std::vector<int>& labels,
                  bool loss_gradient_is_exact, Eigen::VectorXd& gradient) override;

 private:
  Mode mode_;
  HardwareModel* hardware_;
  PenaltyOptions penalty_;
  // Buffers reused from step to step.
  std::vector<HardwareModel::ErrorScaleLayer> scale_layers_;
  Eigen::VectorXd own_gradient_;  // the exact loss gradient when the step's was not
  Eigen::VectorXd direction_;     // v
};

/// Weight sensitivity of `net` to `hardware` (AxTrain's quantity): the mean over the dataset's
/// batches of size `batch_size` (in order) of sum_i s_i^2 g_i^2, g the exact batch-loss gradient:
/// the variance of the first-order loss change under the hardware's weight perturbation
/// [loss^2].
double gradientSensitivity(const nn::Mlp& net, const nn::Dataset& data,
                           const HardwareModel& hardware, Eigen::Index batch_size);

/// Monte-Carlo evaluation under hardware error: `draws` draws with seeds
/// Rng::sampleSeed(seed, k); per draw the accuracy and loss on the whole dataset.
struct HardwareEvaluation {
  double exact_accuracy = 0.0;
  double exact_loss = 0.0;
  std::vector<double> accuracies;
  double accuracy_mean = 0.0;
  double accuracy_std = 0.0;  ///< sample standard deviation (n - 1); 0 for one draw
  double loss_mean = 0.0;
  /// loss_mean - exact_loss: expected loss increase under the hardware (a sensitivity measure
  /// that also covers the multiplier, whose errors are not weight perturbations).
  double loss_increase = 0.0;
};
HardwareEvaluation evaluateUnderError(const nn::Mlp& net, const nn::Dataset& data,
                                      HardwareModel& hardware, int draws, std::uint64_t seed);

/// Whole experiment: one plain pre-training, then for each mode `finetune` epochs of its own
/// (plain included, so every mode sees as many epochs), evaluated under each error model.
struct ExperimentOptions {
  std::vector<Eigen::Index> hidden = {256};
  nn::TrainOptions pretrain;
  nn::TrainOptions finetune;
  std::vector<ErrorModelSpec> models;
  std::vector<Mode> modes = {Mode::kPlain, Mode::kPassive, Mode::kActive, Mode::kBoth};
  PenaltyOptions penalty;
  int draws = 10;
  std::uint64_t seed = 1;
  /// Arithmetic of every training and evaluation pass (nn::Precision; parameters and Adam stay
  /// double). kFloat since issue 17: float32 passes are about twice as fast and the training
  /// noise (mini-batches, hardware draws) is far above float rounding.
  nn::Precision precision = nn::Precision::kFloat;
  /// InputError NNADC-AXT-006 naming the field; also validates the nested options.
  void validate() const;
};

struct ModeResult {
  Mode mode = Mode::kPlain;
  nn::TrainSummary training;
  HardwareEvaluation evaluation;
  double sensitivity = 0.0;  ///< gradientSensitivity on the test set
  /// (acc - acc_plain_hw) / (acc_plain_exact - acc_plain_hw): share of plain training's accuracy
  /// loss under this hardware that this mode recovers; nullopt if plain loses nothing.
  std::optional<double> recovered_share;
};

struct ModelResult {
  ErrorModelSpec spec;
  std::optional<MultiplierStats> multiplier_stats;
  std::vector<ModeResult> modes;
};

struct ExperimentSummary {
  nn::TrainSummary pretraining;
  double baseline_accuracy = 0.0;  ///< exact arithmetic, after pre-training
  double plain_accuracy = 0.0;     ///< exact arithmetic, after plain fine-tuning
  std::vector<ModelResult> models;
};

ExperimentSummary runExperiment(const nn::Dataset& train, const nn::Dataset& test,
                                const ExperimentOptions& options, Logger& logger = nullLogger());

/// Fashion-MNIST from a directory holding the four IDX files (gzipped or not), as installed by
/// the Debian package dataset-fashion-mnist in /usr/share/datasets/fashion-mnist. InputError
/// NNADC-AXT-001 naming the directory, the missing file and the package if any file is missing.
struct TrainTest {
  nn::Dataset train;
  nn::Dataset test;
};
TrainTest loadFashionMnist(const std::filesystem::path& directory);
inline constexpr const char* kFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

/// A small synthetic classification set for tests and CI: `classes` prototypes uniform in
/// [0, 1]^features, samples = prototype + N(0, noise^2) per feature, clipped to [0, 1].
nn::Dataset syntheticDataset(Eigen::Index samples, Eigen::Index features, int classes, double noise,
                             std::uint64_t seed);

}  // namespace nnadc::axtrain
