#pragma once
/// Training of one NN sub-ADC stage under the RRAM level constraint.
///
/// Latent weights are fractions of g_max (one real number per cell; level = round(w (L - 1))). The
/// forward pass uses
///  - kSte: the rounded levels, with straight-through gradients to the latent weights
///    (quantisation-aware training), or
///  - kProject: the continuous weights clipped to the cell range (the NeuADC authors' style:
///    train continuous, clip each step, round at the end).
/// An "ideal analogue" cell is modelled as a many-level cell (e.g. 12 bits), not a mode.
/// Loss: per-output-bit softplus on the margin z_k = kappa (V_threshold - o_k) (NeuADC's
/// per-bit logistic loss). Noise-aware training (AxTrain passive) multiplies every programmed
/// conductance by exp(N(0, sigma)) in each forward pass.
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/stage.h"
#include "nnadc/adc/stage_variation.h"
#include "nnadc/core/log.h"
#include "nnadc/nn/adam.h"

namespace nnadc::adc {

enum class Quantization { kSte, kProject };
std::string quantizationName(Quantization q);
/// "ste" | "project"; InputError NNADC-CFG-007 otherwise.
Quantization parseQuantization(const std::string& name);

struct StageTrainOptions {
  int iterations = 20000;
  int samples_per_level = 32;   ///< training ramp density
  double margin_per_v = 100.0;  ///< kappa [1/V]: 10 mV of margin = logit 1
  Quantization quantization = Quantization::kSte;
  double noise_sigma = 0.0;  ///< lognormal conductance noise in the forward pass
  /// AxTrain against a variation recipe (stage_variation.h); replaces noise_sigma, which must
  /// then be 0. With variation.score_draws > 0, the ENOB that selects and refines is the
  /// VariationScore's (HistoryPoint::enob_ramp and the result's ENOBs report that score).
  StageVariation variation;
  int eval_every = 250;  ///< evaluate (and keep the best) every so many iterations
  int restarts = 1;      ///< independent initialisations (seed, seed+1, ...); best kept
  /// Sweeps of discrete local search after gradient training: every cell tries one level up and
  /// down, a change is kept when the ramp ENOB improves. Rounding the trained weights is only a
  /// starting point; this searches the integer design space around it.
  int refine_sweeps = 4;
  std::uint64_t seed = 1;
  nn::AdamOptions adam = [] {
    nn::AdamOptions a;
    a.learning_rate = 0.01;  // latent weights are fractions of g_max
    a.decay_every = 5000;
    a.decay_factor = 0.5;
    a.weight_decay = 1e-5;
    return a;
  }();
  /// Throws InputError NNADC-CFG-003 naming the field and range.
  void validate() const;
};

struct HistoryPoint {
  int iteration = 0;
  double loss = 0.0;
  double enob_ramp = 0.0;  ///< ENOB of the rounded network on the training ramp (see rampEnob)
};

struct StageTrainResult {
  StageCells cells;  ///< the best rounded design seen
  std::vector<HistoryPoint> history;
  double best_enob_ramp = 0.0;     ///< after refinement
  double trained_enob_ramp = 0.0;  ///< before refinement (gradient training alone)
  int best_iteration = 0;
  int best_restart = 0;
  int refine_changes = 0;  ///< cells changed by the local search
  bool diverged = false;   ///< the loss became NaN/inf: no design
  std::string message;     ///< why training stopped, if not normally
  double seconds = 0.0;
};

/// Trains a stage from the given initial seed. Deterministic for a given seed and options.
/// `inputs`, when given, are the training inputs [V] (e.g. the residues a pipeline stage really
/// sees); otherwise a uniform ramp over the window. Model selection and refinement score the same
/// inputs (inputsEnob), so a stage is judged on what it will convert.
StageTrainResult trainStage(const StageModel& model, const StageTrainOptions& options,
                            Logger& logger, const Eigen::VectorXd* inputs = nullptr);

/// ENOB of a stage on a uniform ramp (samples_per_level points per level): with e the error of
/// the decoded level against the ideal continuous input in LSB, ENOB = N - log2(rms(e) sqrt 12).
/// An ideal quantiser gives N (its error is uniform on +-0.5 LSB; the ramp's discreteness adds
/// -log2(sqrt(1 - 1/S^2)) for S samples per level, 1.8e-4 bit at S = 64).
double rampEnob(const StageModel& model, const StageCells& cells, const Decoder& decoder,
                int samples_per_level);

/// rampEnob's measure on arbitrary inputs x: the error of the decoded level against the ideal
/// continuous level (inputs beyond the window count against the end codes).
double inputsEnob(const StageModel& model, const StageCells& cells, const Decoder& decoder,
                  const Eigen::VectorXd& x);

/// A ramp over the stage's input window: x[i] at bin centres, and each point's ideal level.
void makeRamp(const StageShape& shape, int samples_per_level, Eigen::VectorXd& x,
              std::vector<int>& levels);

}  // namespace nnadc::adc
