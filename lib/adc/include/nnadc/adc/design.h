#pragma once
/// A trained converter as a value: what `nnadc train` writes and `eval`/`emit`/`sim` read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnadc/adc/code.h"
#include "nnadc/adc/nonlinear_target.h"
#include "nnadc/adc/residue.h"
#include "nnadc/adc/stage.h"
#include "nnadc/core/vtc.h"
#include "nnadc/rram/levels.h"

namespace nnadc::adc {

/// The inverter the VTC was characterised from: the netlist emitter must build exactly this one.
struct InverterSizing {
  double wn_m = 0.3e-6;
  double wp_m = 0.6e-6;
  double l_m = 0.13e-6;
  std::string nmos = "nmos130";
  std::string pmos = "pmos130";
  std::string model_lib;           ///< empty = the shipped models/cmos130.lib
  std::string lib_section = "tt";  ///< empty = plain .include
  bool subckt_devices = false;
};

struct StageDesign {
  StageShape shape;
  StageCells cells;
  std::vector<std::pair<Word, int>> decoder_table;  ///< calibrated entries, sorted by word
};

enum class ResidueStyle { kAmplifier, kNetwork };
std::string residueStyleName(ResidueStyle style);
/// "amplifier" | "network"; InputError NNADC-CFG-007 otherwise.
ResidueStyle parseResidueStyle(const std::string& name);

/// Conventional residue amplifier (a switched-capacitor MDAC: adc/mdac.h derives these from its
/// capacitors and amplifier):
///   r = c + G ((1 + gain_error) e + offset + a2 e^2 + a3 e^3 + n),
///   e = v - DAC(d) - dac_error_v[d] [V],
/// n ~ N(0, noise_v_rms^2), drawn per conversion when the converter runs with noise. Everything is
/// referred to the stage input. Ideal when all are zero (dac_error_v empty).
///
/// Two terms only a transfer measured in SPICE carries (eval::fitBuildableStages; a design's own
/// model leaves them empty and 0): a gain error per level, added to gain_error for residues of
/// that level, and a memory of the previous conversion (the residue moves by memory x the
/// previous conversion's input to this stage, from the stage centre: charge a parasitic keeps
/// from sample to sample). The memory needs the conversions in order: PipelineModel::trace
/// applies it; the other users of transfer() (training, the die lookup, segmented stages) pass
/// no previous input. Decks cannot express either term (the deck writers assert their absence).
struct AmplifierModel {
  double gain_error = 0.0;
  double offset_v = 0.0;
  double a2_per_v = 0.0;
  double a3_per_v2 = 0.0;
  std::vector<double> dac_error_v;       ///< per level d (empty: none; else 2^bits entries) [V]
  double noise_v_rms = 0.0;              ///< input-referred noise per conversion [V rms]
  std::vector<double> level_gain_error;  ///< per level d, added to gain_error (empty: none)
  double memory = 0.0;  ///< input-referred residue shift per V of the previous input [V/V]
  /// The deterministic part, (1 + ge + ge_d) e' + off + a2 e'^2 + a3 e'^3 + memory p with
  /// e' = e - dac_error_v[d], for e = v - DAC(d) and p = the previous input - centre [V].
  [[nodiscard]] double transfer(double e, int d, double previous_v = 0.0) const {
    if (!dac_error_v.empty()) e -= dac_error_v[static_cast<std::size_t>(d)];
    double ge = gain_error;
    if (!level_gain_error.empty()) ge += level_gain_error[static_cast<std::size_t>(d)];
    double r = (1.0 + ge) * e + offset_v + a2_per_v * e * e + a3_per_v2 * e * e * e;
    if (memory != 0.0) r += memory * previous_v;
    return r;
  }
  /// Whether the model holds a term a SPICE deck cannot express (level gains or memory).
  [[nodiscard]] bool hasExtractedTerms() const {
    return memory != 0.0 || !level_gain_error.empty();
  }
};

/// A switched-capacitor MDAC's capacitors, amplifier and noise (adc/mdac.h: what they give the
/// AmplifierModel, and the topology).
struct MdacParameters {
  double unit_cap_f = 0.4e-12;   ///< Cu, per side [F]
  double input_cap_f = 0.0;      ///< amplifier input capacitance at the summing node, per side [F]
  double open_loop_gain = 1e5;   ///< A0 [V/V]
  double gbw_hz = 1e9;           ///< unity-gain bandwidth of the amplifier [Hz]
  double settle_s = 45e-9;       ///< time the amplification phase gives the residue [s]
  double amp_noise_v_rms = 0.0;  ///< amplifier input-referred noise, differential [V rms]
  double cap_sigma = 0.0;        ///< relative standard deviation of one unit capacitor
  double temperature_k = 300.0;
  /// Throws InputError NNADC-CFG-003 naming the field and its range.
  void validate() const;
};

struct PipelineStage {
  StageDesign adc;  ///< the NN sub-ADC (its shape holds bits and window)
  ResidueStyle residue = ResidueStyle::kAmplifier;
  AmplifierModel amplifier;
  /// When set, `amplifier` is mdacAmplifier(*mdac) (nominal capacitors) and a Monte-Carlo die
  /// draws its own capacitors from it.
  std::optional<MdacParameters> mdac;
  ResidueNetworkDesign network;  ///< when residue == kNetwork
  double gain = 1.0;             ///< G_i (unused for the last stage)
};

struct Pipeline {
  int bits = 14;       ///< output resolution
  int redundancy = 1;  ///< r
  std::vector<PipelineStage> stages;
  bool calibrated = false;
  std::vector<std::vector<double>> table;  ///< T_i[d] [V]: ideal or calibrated
  [[nodiscard]] double lo() const { return stages.front().adc.shape.input_lo_v; }
  [[nodiscard]] double hi() const { return stages.front().adc.shape.input_hi_v; }
};

/// A segmented (floating-point-like) front end for nonlinear quantisation (adc/segmented.h): a
/// ladder of x2 amplifiers gives taps a_k = 2^k x (k = 0..segments, referred to the window's low
/// edge), comparators pick the segment k = #{j >= 1 : a_j < select_fraction of the window}, the
/// pipeline (the mantissa converter) converts tap a_k, and the back end estimates
/// x = scale_k u + offset_k (u = the mantissa code's centre as a fraction of the window) and maps
/// it to the target's code.
struct SegmentedFrontEnd {
  NonlinearTarget target;
  int segments = 10;             ///< S: taps of gain 2^0..2^S
  double select_fraction = 0.8;  ///< comparator threshold, fraction of the window, in (0.5, 1)
  AmplifierModel amplifier;      ///< each x2 ladder amplifier (dac_error_v unused, no noise)
  std::vector<double> comparator_offset_v;  ///< per comparator j = 1..S (empty = none) [V]
  bool calibrated = false;
  std::vector<double> scale;   ///< per segment 0..S (ideal 2^-k)
  std::vector<double> offset;  ///< per segment 0..S (ideal 0), fraction of the window
};

/// Every converter is a pipeline. A single NN sub-ADC (what a stage recipe trains) is a one-stage
/// pipeline: its last (only) stage is a flash whose output code is the decoded level.
struct Design {
  std::uint64_t seed = 0;
  double vdd_v = 1.2;
  rram::LevelSetOptions rram;
  Vtc vtc;
  InverterSizing inverter;
  Pipeline pipeline;  ///< every stage, residues, digital combination
  /// A nonlinear converter's segmented front end (the pipeline converts its taps); empty = a
  /// linear converter.
  std::optional<SegmentedFrontEnd> segmented;
  /// One NN sub-ADC: emitted and measured as a stage (its own benches and ramp metrics).
  [[nodiscard]] bool singleStage() const { return pipeline.stages.size() == 1; }
  /// The NN sub-ADC of stage `index` (NNADC-DES-002 if out of range).
  [[nodiscard]] const StageDesign& stage(std::size_t index) const;
};

/// A one-stage pipeline around `stage`: bits = the stage's, no redundancy, ideal combination
/// (code = decoded level).
Pipeline singleStagePipeline(StageDesign stage);

/// The behavioural model of stage `index` (NNADC-DES-002 if out of range).
StageModel stageModel(const Design& design, std::size_t index);
/// The stage's decoder: nearest codeword plus its calibrated table.
Decoder stageDecoder(const StageDesign& stage);

}  // namespace nnadc::adc
