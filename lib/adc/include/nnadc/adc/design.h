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
  std::vector<StageDesign> stages;
};

/// The behavioural model of stage `index` (NNADC-DES-002 if out of range).
StageModel stageModel(const Design& design, std::size_t index);
/// The stage's decoder: nearest codeword plus its calibrated table.
Decoder stageDecoder(const StageDesign& stage);

}  // namespace nnadc::adc
