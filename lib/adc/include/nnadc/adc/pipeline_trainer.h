#pragma once
/// Training a pipelined NN ADC stage by stage, each on the inputs it really sees (the residues of
/// the already-trained stages before it), then calibrating the digital combination.
#include <string>
#include <vector>

#include "nnadc/adc/pipeline.h"
#include "nnadc/adc/stage_trainer.h"

namespace nnadc::adc {

struct PipelineStagePlan {
  int bits = 3;
  double lo_v = 0.0;
  double hi_v = 1.2;
  int hidden = 12;
  CodeKind code = CodeKind::kSmooth;
  int outputs = 0;
  ResidueStyle residue = ResidueStyle::kAmplifier;
  AmplifierModel amplifier;
  /// An MDAC: the stage's amplifier is then mdacAmplifier(*mdac) (nominal capacitors), and
  /// `amplifier` must be ideal.
  std::optional<MdacParameters> mdac;
  int residue_hidden = 16;
};

struct PipelineTrainOptions {
  int target_bits = 14;
  int redundancy = 1;
  StageTrainOptions stage;
  ResidueTrainOptions residue;
  bool calibrate = true;
  int calibration_points = 1 << 16;
  int training_points = 1 << 14;  ///< inputs propagated to build each stage's training set
  int residue_points = 8192;      ///< of which a residue network's regression uses this many
  /// Throws InputError: NNADC-PIP-001 (resolution below target), -002 (window outside the
  /// supply or empty), -003 (no stages), plus the stage options' own checks.
  void validate(const std::vector<PipelineStagePlan>& plan, double vdd_v) const;
};

struct PipelineTrainResult {
  Pipeline pipeline;
  std::vector<StageTrainResult> stages;
  std::vector<ResidueTrainResult> residues;  ///< empty entries for amplifier stages
  bool diverged = false;
  std::string message;
};

PipelineTrainResult trainPipeline(const std::vector<PipelineStagePlan>& plan,
                                  const PipelineTrainOptions& options, const Design& base,
                                  Logger& logger);

}  // namespace nnadc::adc
