#pragma once
/// The hardware variation a NN sub-ADC stage is trained against (AxTrain applied to the stages,
/// issue #13): a Monte-Carlo recipe's RRAM terms (programming spread, stuck-at faults, read noise)
/// and every inverter's Pelgrom mismatch, as one stage sees them. The draws follow the campaign's
/// hardware model (rram/variation.h for the cells, adc/mismatch.h for the inverters), but from the
/// training seed: a design is never trained on the dies a campaign later judges it on.
///
/// AxTrain's two methods (He et al., ISLPED 2018), as the stage trainer applies them:
///  - passive: every forward pass runs on a freshly drawn stage (cells and inverter thresholds);
///    gradients flow through the drawn read factors to the programmed conductances.
///  - active: the sensitivity penalty P = lambda sum_i s_i^2 (dL/dp_i)^2, the first-order variance
///    of the loss under the hardware's perturbation of each parameter p_i (every cell's
///    conductance, s_i = sigma_rel G_i, and every inverter's switching threshold, s_i = sigma_VM).
///    Its gradient 2 lambda H v, v_i = s_i^2 dL/dp_i, comes from a central difference of
///    gradients, H v ~ (grad L(p + e v) - grad L(p - e v)) / (2 e), with e chosen so the largest
///    displacement is fd_step of its own sigma.
///  - both: passive forward pass and active penalty (the penalty on the nominal stage).
/// With variation, model selection and the discrete refinement score the stage on score_draws
/// fixed draws instead of the nominal stage (VariationScore), so the search keeps what is robust.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/code.h"
#include "nnadc/adc/mismatch.h"
#include "nnadc/adc/stage.h"
#include "nnadc/core/rng.h"
#include "nnadc/rram/variation.h"

namespace nnadc::adc {

enum class VariationMode { kPlain, kPassive, kActive, kBoth };
std::string variationModeName(VariationMode mode);
/// "plain" | "passive" | "active" | "both"; InputError NNADC-CFG-007 naming `where` otherwise.
VariationMode parseVariationMode(const std::string& name, const std::string& where);

struct StageVariation {
  VariationMode mode = VariationMode::kPlain;
  /// lognormal_sigma, stuck_off_rate, stuck_on_rate, read_noise_sigma (additive_sigma_s unused).
  rram::VariationOptions rram;
  InverterSigmas cmos;  ///< one characterised inverter of the stage (all of them are alike)
  ThresholdSensitivity sensitivity;
  double lambda = 1.0;   ///< weight of the active penalty [1]
  double fd_step = 0.1;  ///< largest displacement of the Hessian-vector difference [sigma]
  int score_draws = 0;   ///< selection and refinement on this many fixed draws (0: nominal)
  /// 0: the score is the ENOB across the draws. > 0: the redundancy a pipeline stage has, as the
  /// decision error [LSB of the stage] the next stages still correct ((2^r - 1) / 2 for r bits
  /// of redundancy); the score is then -log10 of the estimated probability that a transition
  /// moves beyond it (VariationScore), the stage's share of the yield loss.
  double margin_lsb = 0.0;
  /// A pipeline recipe's "score": "yield": the pipeline trainer sets margin_lsb of every stage but
  /// the last from the pipeline's redundancy (the last stage, with none, keeps the ENOB score).
  bool yield_score = false;
  /// InputError NNADC-CFG-003 naming the field: lambda in [0, 1e6], fd_step in (0, 1],
  /// score_draws in [0, 4096], the RRAM terms as rram::VariationOptions::validate, sigmas >= 0.
  void validate() const;
  /// sigma of one inverter's switching-threshold shift [V] (first order, thresholdShift).
  [[nodiscard]] double thresholdSigma() const;
  /// Relative first-order sigma of a cell's read conductance: sqrt(spread^2 + read^2).
  [[nodiscard]] double cellSigma() const;
};

/// One drawn stage: a multiplicative read factor per cell, stuck-at faults, and every inverter's
/// mismatch in InverterLayout order (h0 hb0 ... o0 ...).
struct StageDraw {
  Eigen::ArrayXXd factor1;  ///< H x 4
  Eigen::ArrayXXd factor2;  ///< M x (2H+2)
  Eigen::ArrayXXi stuck1;   ///< 0 none, 1 open (0 S), 2 at g_max
  Eigen::ArrayXXi stuck2;
  std::vector<InverterMismatch> inverters;
};

/// Draws from `rng`, per cell (layer 1 then 2, column-major): spread, one uniform for stuck-at
/// (open below stuck_off_rate, at g_max below stuck_off_rate + stuck_on_rate), read noise; then
/// every inverter (drawInverter). Always the same count of numbers for a shape.
StageDraw drawStage(const StageShape& shape, const StageVariation& variation, Rng& rng);

/// The drawn hardware of nominal conductances g (in place): each cell G f, stuck cells 0 or
/// g_max_s, cells at 0 S stay open (no device); the inverters' threshold shifts set.
void applyDraw(const StageDraw& draw, const StageShape& shape, double g_max_s,
               const ThresholdSensitivity& sensitivity, StageConductances& g);

/// Sum over x of the squared error of the decoded level against the ideal continuous level
/// (inputsEnob's error; inputs beyond the window count against the end codes) [LSB^2].
double levelErrorSquared(const StageShape& shape, const Decoder& decoder,
                         const std::vector<Word>& words, const Eigen::VectorXd& x);

/// Numerically stable log(1 + e^v) and 1 / (1 + e^-v), the stage trainer's loss pieces.
double softplus(double v);
double sigmoid(double v);

/// dL/d(threshold shift) of every hidden, complement and output inverter [1/V].
struct StageShiftGradient {
  Eigen::VectorXd h;   ///< H
  Eigen::VectorXd hb;  ///< H
  Eigen::VectorXd o;   ///< M
};

/// The stage trainer's loss of stage g on x: mean over inputs of sum over bits of
/// softplus(-t z), z = kappa (threshold + shift_o - o), t = +1/-1 per input and bit (`target`,
/// B x M). Returns it; the gradients wrt both layers' conductances into dg1, dg2 and, if `shift`
/// is given, wrt the inverters' threshold shifts.
double stageLossGradient(const StageModel& model, const StageConductances& g,
                         const Eigen::VectorXd& x, const Eigen::ArrayXXd& target, double kappa,
                         StageForward& f, Eigen::MatrixXd& dg1, Eigen::MatrixXd& dg2,
                         StageShiftGradient* shift);

/// AxTrain's active penalty P = lambda sum_i s_i^2 (dL/dp_i)^2 at the nominal stage g (header
/// comment), given the loss gradients there (e1, e2, exact). Returns P; its gradient wrt the
/// conductances (s_i held constant within the step) into p1, p2, from two more passes of
/// stageLossGradient at g +- e v.
double activePenalty(const StageModel& model, const StageConductances& g, const Eigen::VectorXd& x,
                     const Eigen::ArrayXXd& target, double kappa, const StageVariation& variation,
                     const Eigen::MatrixXd& e1, const Eigen::MatrixXd& e2,
                     const StageShiftGradient& exact, Eigen::MatrixXd& p1, Eigen::MatrixXd& p2);

/// A stage's figure across fixed draws, higher is better. Deterministic for a seed; one instance
/// scores every candidate (common random numbers), so candidates are compared on the same
/// hardware.
///  - margin_lsb = 0: the ENOB on `x`, input i converted by draw i mod K (K draws cost what one
///    evaluation of x costs).
///  - margin_lsb > 0: every draw converts a ramp of 64 points per level; transition k's position
///    is the ramp's count of points decoded below level k (the code-density estimate of IEEE 1241),
///    its error e_k = position - k [LSB]; with mean mu_k and sigma s_k over the draws the figure
///    is -log10 sum_k [Q((m - mu_k) / s_k) + Q((m + mu_k) / s_k)], a Gaussian-tail estimate of the
///    probability that some transition moves beyond the margin m (floored at 1e-300).
class VariationScore {
 public:
  VariationScore(const StageShape& shape, const StageVariation& variation, const Eigen::VectorXd& x,
                 std::uint64_t seed);
  [[nodiscard]] double score(const StageModel& model, const StageCells& cells,
                             const Decoder& decoder) const;

 private:
  StageShape shape_;
  ThresholdSensitivity sensitivity_;
  std::vector<StageDraw> draws_;
  std::vector<Eigen::VectorXd> inputs_;  ///< per draw
  Eigen::Index count_ = 0;
  double margin_lsb_ = 0.0;
  Eigen::VectorXd ramp_;  ///< margin mode: the ramp every draw converts
  [[nodiscard]] double failureScore(const StageModel& model, const StageConductances& nominal,
                                    const Decoder& decoder) const;
};

}  // namespace nnadc::adc
