// Pipelined NN ADC (issue 5): trains a plan, reports behavioural ENOB, DNL, the time for 2^20
// conversions (target < 1 s), and a Monte-Carlo over conductance variation. Plan from argv:
//   pipeline_bench BITS_LIST RESIDUE [SIGMA_TRAIN ITER HIDDEN DRAWS AMP_STAGES]
// e.g. "3,3,3,3,3,3,2" amplifier 0 4000 12 100.  Needs $NNADC_VTC or training/vtc130.json.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline_trainer.h"
#include "nnadc/metrics/analysis.h"

namespace {
double enobOf(const nnadc::adc::PipelineModel& model, const nnadc::adc::PipelineConductances& g,
              const Eigen::VectorXd& sine, int bits) {
  nnadc::metrics::AnalysisOptions ao;
  ao.bits = bits;
  return nnadc::metrics::analyzeCodes(model.convert(g, sine), ao).spectrum->enob;
}
}  // namespace

int main(int argc, char** argv) {
  const auto arg = [&](int i, const char* d) { return std::string(argc > i ? argv[i] : d); };
  std::vector<int> bits;
  {
    std::stringstream ss(arg(1, "3,3,3,3,3,3,2"));
    std::string item;
    while (std::getline(ss, item, ',')) bits.push_back(std::stoi(item));
  }
  const auto style = nnadc::adc::parseResidueStyle(arg(2, "amplifier"));
  const double sigma_train = std::stod(arg(3, "0"));
  const int iterations = std::stoi(arg(4, "4000"));
  const int hidden = std::stoi(arg(5, "12"));
  const int draws = std::stoi(arg(6, "100"));
  // With RESIDUE = network: the first AMP_STAGES stages keep amplifiers (a hybrid plan).
  const int amp_stages = std::stoi(arg(7, "0"));
  const char* env = std::getenv("NNADC_VTC");
  std::ifstream in(env != nullptr ? env : std::string(NNADC_SOURCE_DIR) + "/training/vtc130.json");
  const auto j = nlohmann::json::parse(in);
  nnadc::adc::Design base;
  base.vtc = nnadc::analyzeVtc(j["vin"].get<std::vector<double>>(),
                               j["vout"].get<std::vector<double>>(), j["vdd_v"].get<double>());
  base.vdd_v = base.vtc.vdd_v;
  std::vector<nnadc::adc::PipelineStagePlan> plan;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    nnadc::adc::PipelineStagePlan s;
    s.bits = bits[i];
    s.hidden = std::max(hidden, (1 << bits[i]) + 4);
    s.outputs = bits[i] <= 2 ? bits[i] + 1 : 2 * bits[i];
    s.hi_v = base.vdd_v;
    s.residue = static_cast<int>(i) < amp_stages ? nnadc::adc::ResidueStyle::kAmplifier : style;
    plan.push_back(s);
  }
  nnadc::adc::PipelineTrainOptions options;
  options.stage.iterations = iterations;
  options.stage.noise_sigma = sigma_train;
  const auto t0 = std::chrono::steady_clock::now();
  const auto result = nnadc::adc::trainPipeline(plan, options, base, nnadc::nullLogger());
  const double t_train =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const nnadc::adc::PipelineModel model(result.pipeline, base);
  const auto g = model.nominal();
  for (std::size_t i = 0; i < result.stages.size(); ++i) {
    std::printf("stage %zu: %d-bit, ramp ENOB %.3f", i, bits[i], result.stages[i].best_enob_ramp);
    if (plan[i].residue == nnadc::adc::ResidueStyle::kNetwork && i + 1 < bits.size()) {
      std::printf(", residue rms %.2f mV max %.2f mV", 1e3 * result.residues[i].rms_error_v,
                  1e3 * result.residues[i].max_error_v);
    }
    std::printf("\n");
  }
  const int n = 1 << 16;
  const auto sine =
      nnadc::adc::coherentSine(model.pipeline().lo(), model.pipeline().hi(), n,
                               nnadc::adc::coherentCycles(n, nnadc::adc::kDefaultSineFraction));
  nnadc::metrics::AnalysisOptions ao;
  ao.bits = options.target_bits;
  const auto a = nnadc::metrics::analyzeCodes(model.convert(g, sine), ao);
  Eigen::VectorXd ramp(1 << 18);
  for (Eigen::Index k = 0; k < ramp.size(); ++k) {
    ramp(k) = model.pipeline().lo() + (model.pipeline().hi() - model.pipeline().lo()) *
                                          (static_cast<double>(k) + 0.5) /
                                          static_cast<double>(ramp.size());
  }
  ao.record = nnadc::metrics::RecordKind::kRamp;
  const auto r = nnadc::metrics::analyzeCodes(model.convert(g, ramp), ao);
  std::printf(
      "trained in %.1f s; nominal sine ENOB %.3f (sine-fit %.3f), ramp DNL [%.2f, %.2f], missing "
      "%zu\n",
      t_train, a.spectrum->enob, a.enob_sinefit.value_or(0), r.code_density.dnl_min_lsb,
      r.code_density.dnl_max_lsb, r.code_density.missing_codes.size());
  {
    nnadc::adc::PipelineModel ideal_model = model;
    ideal_model.setTable(nnadc::adc::idealTable(model.pipeline()));
    std::printf("nominal sine ENOB with the ideal (uncalibrated) table: %.3f\n",
                enobOf(ideal_model, g, sine, options.target_bits));
    // Where do decisions leave the redundancy range? Count residues clamped at the rails.
    nnadc::adc::PipelineTrace t;
    model.trace(g, sine, t);
    for (Eigen::Index i = 1; i < t.inputs.cols(); ++i) {
      const auto& sh = model.pipeline().stages[static_cast<std::size_t>(i)].adc.shape;
      const double c = 0.5 * (sh.input_lo_v + sh.input_hi_v);
      const double w = sh.input_hi_v - sh.input_lo_v;
      const Eigen::ArrayXd dev = (t.inputs.col(i).array() - c).abs();
      std::printf(
          "  stage %ld input: max |v - c| = %.3f V (window half-width %.3f, ideal residue "
          "half-width %.3f), clamped %ld\n",
          static_cast<long>(i), dev.maxCoeff(), w / 2, w / 4,
          static_cast<long>((dev >= w / 2 - 1e-12).count()));
    }
  }
  Eigen::VectorXd big(1 << 20);
  for (Eigen::Index k = 0; k < big.size(); ++k)
    big(k) = 1.2 * (static_cast<double>(k) + 0.5) / static_cast<double>(big.size());
  const auto t1 = std::chrono::steady_clock::now();
  const std::clock_t c1 = std::clock();
  const auto codes = model.convert(g, big);
  const double cpu = static_cast<double>(std::clock() - c1) / CLOCKS_PER_SEC;
  const double t_conv =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  // CPU time is the fair figure on a shared machine; wall time is what a user waits.
  std::printf("2^20 conversions in %.3f s wall, %.3f s CPU (%.3g conv/s of CPU); target < 1 s\n",
              t_conv, cpu, static_cast<double>(big.size()) / cpu);
  // Monte-Carlo: conductance * exp(N(0, 1%)); nominal table vs per-die foreground calibration.
  nnadc::rram::VariationOptions var;
  var.lognormal_sigma = 0.01;
  std::vector<double> fixed_table;
  std::vector<double> recal;
  const int ns = 1 << 14;
  const auto sine_mc =
      nnadc::adc::coherentSine(model.pipeline().lo(), model.pipeline().hi(), ns,
                               nnadc::adc::coherentCycles(ns, nnadc::adc::kDefaultSineFraction));
  for (int d = 0; d < draws; ++d) {
    nnadc::Rng rng(1000 + static_cast<std::uint64_t>(d));
    const auto gd = model.draw(var, rng);
    fixed_table.push_back(enobOf(model, gd, sine_mc, options.target_bits));
    nnadc::adc::PipelineModel die = model;
    die.setTable(model.calibrate(gd, 1 << 15));
    recal.push_back(enobOf(die, gd, sine_mc, options.target_bits));
  }
  const auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "MC 1%% x %d draws: median ENOB %.3f (nominal table), %.3f (per-die calibration); min %.3f / "
      "%.3f\n",
      draws, median(fixed_table), median(recal),
      fixed_table.empty() ? 0 : *std::min_element(fixed_table.begin(), fixed_table.end()),
      recal.empty() ? 0 : *std::min_element(recal.begin(), recal.end()));
  (void)codes;
  return 0;
}
