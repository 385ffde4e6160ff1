// Stage training throughput (issues 4, 17): samples x iterations per second for a stage recipe,
// plus the ramp ENOB it reaches. Usage: stage_train_bench [bits hidden code outputs cell_bits
// iters quantization noise_sigma seed margin_per_v learning_rate model isa]. Needs a VTC JSON
// (nnadc characterize) at $NNADC_VTC or training/vtc130.json. model: `ideal` (default:
// ideal-source inverters, what docs/stage_precision.md measured) or `loaded` (the VTC's drive
// table: the loading-aware model `nnadc train` uses, whose operating-point solve dominates its
// time). isa: the loaded solve's vector width, `default` (the model's: AVX2 where the CPU has
// it), `widest`, `sse2`, `avx2` or `avx512` (the same bits with each: only the time changes).
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/vtc.h"
#include "nnadc/io/design_json.h"
#include "nnadc/metrics/analysis.h"

int main(int argc, char** argv) {
  const auto arg = [&](int i, const char* fallback) {
    return std::string(argc > i ? argv[i] : fallback);
  };
  const int bits = std::stoi(arg(1, "4"));
  const int hidden = std::stoi(arg(2, "24"));
  const std::string code = arg(3, "smooth");
  const int outputs = std::stoi(arg(4, "0"));
  const int cell_bits = std::stoi(arg(5, "3"));
  const int iterations = std::stoi(arg(6, "5000"));
  const std::string quant = arg(7, "ste");
  const double noise = std::stod(arg(8, "0"));
  const auto seed = static_cast<std::uint64_t>(std::stoull(arg(9, "1")));
  const double margin = std::stod(arg(10, "100"));
  const double lr = std::stod(arg(11, "0.01"));
  const std::string kind = arg(12, "ideal");
  if (kind != "ideal" && kind != "loaded") {
    std::printf("model must be ideal or loaded, not %s\n", kind.c_str());
    return 2;
  }
  const std::string isa_name = arg(13, "default");
  std::optional<nnadc::adc::SolveIsa> isa;
  if (isa_name == "widest") {
    isa = nnadc::adc::SolveIsa::kWidest;
  } else if (isa_name == "sse2") {
    isa = nnadc::adc::SolveIsa::kSse2;
  } else if (isa_name == "avx2") {
    isa = nnadc::adc::SolveIsa::kAvx2;
  } else if (isa_name == "avx512") {
    isa = nnadc::adc::SolveIsa::kAvx512;
  } else if (isa_name != "default") {
    std::printf("isa must be default, widest, sse2, avx2 or avx512, not %s\n", isa_name.c_str());
    return 2;
  }
  const char* env = std::getenv("NNADC_VTC");
  const std::string vtc_path =
      env != nullptr ? env : std::string(NNADC_SOURCE_DIR) + "/training/vtc130.json";
  const nnadc::Vtc vtc = nnadc::io::loadVtc(vtc_path);
  nnadc::adc::StageShape shape;
  shape.bits = bits;
  shape.hidden = hidden;
  shape.code = nnadc::adc::OutputCode::make(nnadc::adc::parseCodeKind(code), bits, outputs);
  shape.vdd_v = vtc.vdd_v;
  shape.input_hi_v = vtc.vdd_v;
  nnadc::rram::LevelSetOptions lo;
  lo.cell_bits = cell_bits;
  nnadc::adc::StageModel model =
      kind == "loaded" ? nnadc::adc::StageModel(shape, vtc, nnadc::rram::LevelSet(lo))
                       : nnadc::adc::StageModel(shape, nnadc::nn::TabulatedActivation(vtc),
                                                vtc.threshold_v, nnadc::rram::LevelSet(lo));
  if (isa) model.setSolveIsa(*isa);
  nnadc::adc::StageTrainOptions options;
  options.iterations = iterations;
  options.quantization = nnadc::adc::parseQuantization(quant);
  options.noise_sigma = noise;
  options.seed = seed;
  options.margin_per_v = margin;
  options.adam.learning_rate = lr;
  const auto result = nnadc::adc::trainStage(model, options, nnadc::nullLogger());
  const double samples = static_cast<double>((1 << bits) * options.samples_per_level);
  // Behavioural ENOB the IEEE 1241 way: coherent full-scale sine, 2^14 samples.
  const std::size_t n = 1U << 14U;
  const auto sine =
      nnadc::adc::coherentSine(shape.input_lo_v, shape.input_hi_v, n,
                               nnadc::adc::coherentCycles(n, nnadc::adc::kDefaultSineFraction));
  const auto codes = nnadc::adc::convert(model, model.conductances(result.cells),
                                         nnadc::adc::Decoder(shape.code), sine);
  nnadc::metrics::AnalysisOptions ao;
  ao.bits = bits;
  const auto analysis = nnadc::metrics::analyzeCodes(codes, ao);
  std::printf("sine ENOB %.3f, DNL [%.2f, %.2f] LSB, missing codes %zu\n", analysis.spectrum->enob,
              analysis.code_density.dnl_min_lsb, analysis.code_density.dnl_max_lsb,
              analysis.code_density.missing_codes.size());
  std::printf(
      "stage %d-bit %s M=%d H=%d cells %d-bit %s, %s model (solve width %d): ramp ENOB %.3f "
      "trained (it %d), %.3f "
      "refined (%d changes); %.2f s, %.3g sample-iterations/s\n",
      bits, code.c_str(), shape.outputs(), hidden, cell_bits, quant.c_str(), kind.c_str(),
      model.solveWidth(), result.trained_enob_ramp, result.best_iteration, result.best_enob_ramp,
      result.refine_changes, result.seconds, samples * iterations / result.seconds);
  return 0;
}
