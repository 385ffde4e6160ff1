#pragma once
/// A trained converter as a value: what `nnadc train` writes and `eval`/`emit`/`sim` read.
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/code.h"
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

struct Design {
  std::string kind = "stage";  ///< "stage" (one NN sub-ADC); pipelines come later
  std::uint64_t seed = 0;
  double vdd_v = 1.2;
  rram::LevelSetOptions rram;
  Vtc vtc;
  InverterSizing inverter;
  std::vector<StageDesign> stages;
};

/// The behavioural model of stage `index` (NNADC-DES-002 if out of range).
StageModel stageModel(const Design& design, std::size_t index);
/// The stage's decoder: nearest codeword plus its calibrated table.
Decoder stageDecoder(const StageDesign& stage);

}  // namespace nnadc::adc
