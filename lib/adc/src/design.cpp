#include "nnadc/adc/design.h"

#include <unordered_map>

#include "nnadc/core/error.h"

namespace nnadc::adc {

StageModel stageModel(const Design& design, std::size_t index) {
  if (index >= design.stages.size()) {
    throw InputError("NNADC-DES-002", "design has " + std::to_string(design.stages.size()) +
                                          " stage(s); stage " + std::to_string(index) +
                                          " does not exist");
  }
  return {design.stages[index].shape, design.vtc, rram::LevelSet(design.rram)};
}

Decoder stageDecoder(const StageDesign& stage) {
  Decoder decoder(stage.shape.code);
  std::unordered_map<Word, int> table(stage.decoder_table.begin(), stage.decoder_table.end());
  decoder.setTable(std::move(table));
  return decoder;
}

}  // namespace nnadc::adc
