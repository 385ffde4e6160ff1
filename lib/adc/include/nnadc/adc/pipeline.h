#pragma once
/// A pipelined converter built from low-resolution NN sub-ADC stages (super-resolution NNADC,
/// Cao et al., ICCAD 2019).
///
/// Stage i takes v_i in its window [lo_i, hi_i] (width w_i), its NN sub-ADC decides d_i of 2^b_i
/// levels (step D_i = w_i / 2^b_i, DAC_i(d) = lo_i + (d + 1/2) D_i), and its residue
///   v_{i+1} = c_{i+1} + G_i (v_i - DAC_i(d_i)),   G_i = 2^(b_i - r) w_{i+1} / w_i,
/// lands in the next window around its centre c_{i+1}. With r bits of redundancy the ideal residue
/// fills 2^-r of the next window, so sub-ADC decision errors up to (2^r - 1) D_i / 2 are corrected
/// digitally. The last stage is a plain flash. Resolution: sum_i (b_i - r) + b_last.
///
/// Residue styles: an amplifier model (gain error, offset, 2nd/3rd-order terms) or an RRAM/inverter
/// residue network (the paper's) trained by regression; see residue.h.
///
/// Digital combination: v^ = sum_i T_i[d_i], from ideal weights (T_0[d] = DAC_0(d),
/// T_i[d] = (DAC_i(d) - c_i) / prod_{j<i} G_j) or calibrated on a foreground ramp by least squares
/// (one value per stage and level: a lookup table that also absorbs gain errors and DAC
/// nonlinearity, as real pipelines calibrate). Output code = floor((v^ - lo_0) / LSB).
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/adc/mismatch.h"
#include "nnadc/adc/residue.h"
#include "nnadc/core/rng.h"
#include "nnadc/rram/variation.h"

namespace nnadc::adc {

/// A stage's level width [V]: its window over 2^bits.
inline double stageStep(const StageShape& s) {
  return (s.input_hi_v - s.input_lo_v) / (1 << s.bits);
}
/// The centre of a stage's window [V] (where the next stage's residue is centred).
inline double stageCentre(const StageShape& s) { return 0.5 * (s.input_lo_v + s.input_hi_v); }
/// The DAC level of decision d [V]: the centre of level d, lo + (d + 1/2) step; the residue is
/// G (v - DAC(d)) around the next stage's centre.
inline double stageDac(const StageShape& s, int d) {
  return s.input_lo_v + (d + 0.5) * stageStep(s);
}

/// Resolution a plan gives: sum (b_i - r) over all but the last stage, plus b_last.
int pipelineResolution(const std::vector<int>& stage_bits, int redundancy);

/// Ideal digital-combination table of a pipeline (its gains and windows).
std::vector<std::vector<double>> idealTable(const Pipeline& pipeline);

/// Per-conversion record of what each stage saw and decided (for diagnostics and calibration).
struct PipelineTrace {
  Eigen::MatrixXi decisions;  ///< samples x stages
  Eigen::MatrixXd inputs;     ///< samples x stages: v_i
};

/// Conductances of every stage's networks, optionally drawn with programming variation.
struct PipelineConductances {
  std::vector<StageConductances> adc;
  std::vector<ResidueConductances> residue;
  /// One die's residue amplifiers (an MDAC's capacitors drawn, mdac.h); empty = the design's.
  std::vector<AmplifierModel> amplifier;
  /// One die's CMOS mismatch per stage (mismatch.h); empty = nominal transistors. PipelineModel
  /// applies it as inverter threshold shifts (applyThresholdShifts) on every conversion.
  std::vector<StageMismatch> cmos;
};

class PipelineModel {
 public:
  PipelineModel(const Pipeline& pipeline, const Design& base);
  [[nodiscard]] const Pipeline& pipeline() const { return pipeline_; }
  [[nodiscard]] PipelineConductances nominal() const;
  /// One Monte-Carlo draw: every programmed cell G * variation (rram::applyProgrammingVariation),
  /// then, for stages with an MDAC whose cap_sigma > 0, its capacitors (mdacAmplifier), in stage
  /// order from the same generator.
  [[nodiscard]] PipelineConductances draw(const rram::VariationOptions& variation, Rng& rng) const;

  /// Output codes of inputs x [V] (vectorised; processes in chunks). With `noise`, each amplifier
  /// residue gets its input-referred noise (AmplifierModel::noise_v_rms), drawn from `noise` in a
  /// fixed order (chunks of 2^15 samples; within one, stage by stage, then sample by sample);
  /// without, the converter is noiseless. `noise_v` instead gives the values themselves
  /// (samples x stages, input-referred, single-ended [V]; a SPICE deck's own draws), added to
  /// each amplifier stage's residue whatever its noise_v_rms.
  [[nodiscard]] std::vector<std::int64_t> convert(const PipelineConductances& g,
                                                  const Eigen::VectorXd& x,
                                                  PipelineTrace* trace = nullptr,
                                                  Rng* noise = nullptr,
                                                  const Eigen::MatrixXd* noise_v = nullptr) const;
  /// The digital combination alone: the output code of one conversion from its stage decisions,
  /// floor((sum_i T_i[d_i] - lo) / LSB) clamped to [0, 2^bits - 1] (what convert applies to each
  /// input; SPICE benches decode their bits into decisions and call this).
  [[nodiscard]] std::int64_t code(const std::vector<int>& decisions) const;
  /// Stage decisions and inputs only.
  void trace(const PipelineConductances& g, const Eigen::VectorXd& x, PipelineTrace& out,
             Rng* noise = nullptr, const Eigen::MatrixXd* noise_v = nullptr) const;
  /// Least-squares calibration of the combination table on a foreground ramp of `points` inputs
  /// over the window, with a weak pull to the ideal table for levels the ramp never hits.
  [[nodiscard]] std::vector<std::vector<double>> calibrate(const PipelineConductances& g,
                                                           int points) const;
  /// The foreground ramp calibrate() converts: `points` inputs at the centres of equal steps
  /// over the window.
  [[nodiscard]] Eigen::VectorXd calibrationRamp(int points) const;
  /// calibrate() from given stage decisions (samples x stages) of the ramp inputs x: the least
  /// squares alone, for callers that traced the ramp another way (DieLookup).
  [[nodiscard]] std::vector<std::vector<double>> calibrateFrom(
      const Eigen::VectorXd& x, const Eigen::MatrixXi& decisions) const;
  /// Output codes of traced decisions (samples x stages) through the combination table.
  [[nodiscard]] std::vector<std::int64_t> codes(const Eigen::MatrixXi& decisions) const;
  /// Same pipeline with another combination table.
  void setTable(std::vector<std::vector<double>> table) { pipeline_.table = std::move(table); }

 private:
  friend class DieLookup;  // the per-die lookup reads the stage models it tabulates
  template <typename Decision>
  [[nodiscard]] std::int64_t combine(Eigen::Index stages, Decision decision) const;

  Pipeline pipeline_;
  std::vector<StageModel> models_;
  std::vector<Decoder> decoders_;
  std::vector<std::vector<int>> dense_;  // decoders_ as flat tables (empty when M > 20)
  std::vector<ResidueModel> residues_;
  rram::LevelSet levels_;
};

}  // namespace nnadc::adc
