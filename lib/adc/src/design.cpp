#include "nnadc/adc/design.h"

#include <unordered_map>

#include "nnadc/core/error.h"

namespace nnadc::adc {

const StageDesign& Design::stage(std::size_t index) const {
  if (index >= pipeline.stages.size()) {
    throw InputError("NNADC-DES-002", "design has " + std::to_string(pipeline.stages.size()) +
                                          " stage(s); stage " + std::to_string(index) +
                                          " does not exist");
  }
  return pipeline.stages[index].adc;
}

Pipeline singleStagePipeline(StageDesign stage) {
  Pipeline p;
  p.bits = stage.shape.bits;
  p.redundancy = 0;
  PipelineStage ps;
  ps.adc = std::move(stage);
  p.stages.push_back(std::move(ps));
  return p;
}

StageModel stageModel(const Design& design, std::size_t index) {
  return {design.stage(index).shape, design.vtc, rram::LevelSet(design.rram)};
}

Decoder stageDecoder(const StageDesign& stage) {
  Decoder decoder(stage.shape.code);
  std::unordered_map<Word, int> table(stage.decoder_table.begin(), stage.decoder_table.end());
  decoder.setTable(std::move(table));
  return decoder;
}

}  // namespace nnadc::adc
