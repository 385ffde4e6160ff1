#include "stage_eval.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

#include "nnadc/core/error.h"

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/io/metrics_json.h"
#include "nnadc/metrics/analysis.h"

namespace nnadc::cli {

namespace {
// Static linearity comes from the ramp record (exact code density), the rest from the sine.
void takeStaticFields(io::Json& sine, const io::Json& ramp) {
  for (const char* field :
       {"dnl_lsb_min", "dnl_lsb_max", "inl_lsb_min", "inl_lsb_max", "missing_codes"}) {
    sine[field] = ramp[field];
  }
}
}  // namespace

io::Json stageMetrics(const adc::Design& design, std::size_t index, const EvalOptions& options) {
  const adc::StageModel model = adc::stageModel(design, index);
  const adc::StageDesign& stage = design.stage(index);
  const adc::Decoder decoder = adc::stageDecoder(stage);
  const adc::StageConductances g = model.conductances(stage.cells);
  const auto& shape = stage.shape;

  // f_in near fs/81: many codes per cycle, coherent (J odd and coprime with N).
  const std::size_t cycles = adc::coherentCycles(options.sine_samples, adc::kDefaultSineFraction);
  const auto sine =
      adc::coherentSine(shape.input_lo_v, shape.input_hi_v, options.sine_samples, cycles);
  metrics::AnalysisOptions sine_options;
  sine_options.bits = shape.bits;
  const auto sine_analysis =
      metrics::analyzeCodes(adc::convert(model, g, decoder, sine), sine_options);

  Eigen::VectorXd ramp;
  std::vector<int> ideal;
  adc::makeRamp(shape, options.ramp_samples_per_level, ramp, ideal);
  metrics::AnalysisOptions ramp_options;
  ramp_options.bits = shape.bits;
  ramp_options.record = metrics::RecordKind::kRamp;
  const auto ramp_analysis =
      metrics::analyzeCodes(adc::convert(model, g, decoder, ramp), ramp_options);

  io::Json j = io::metricsJson(sine_analysis);
  const io::Json r = io::metricsJson(ramp_analysis);
  takeStaticFields(j, r);
  j["ramp_enob"] = adc::rampEnob(model, stage.cells, decoder, options.ramp_samples_per_level);
  j["sine_cycles"] = cycles;
  j["ramp"] = r;
  return j;
}

io::Json pipelineMetrics(const adc::Design& design, const PipelineEvalOptions& options) {
  const adc::PipelineModel model(design.pipeline, design);
  const auto g = model.nominal();
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  const std::size_t cycles = adc::coherentCycles(options.sine_samples, adc::kDefaultSineFraction);
  const auto sine = adc::coherentSine(lo, hi, options.sine_samples, cycles);
  metrics::AnalysisOptions sine_options;
  sine_options.bits = design.pipeline.bits;
  io::Json j = io::metricsJson(metrics::analyzeCodes(model.convert(g, sine), sine_options));
  const Eigen::Index n = static_cast<Eigen::Index>(options.ramp_per_code) << design.pipeline.bits;
  Eigen::VectorXd ramp(n);
  for (Eigen::Index k = 0; k < n; ++k)
    ramp(k) = lo + (hi - lo) * (static_cast<double>(k) + 0.5) / static_cast<double>(n);
  metrics::AnalysisOptions ramp_options;
  ramp_options.bits = design.pipeline.bits;
  ramp_options.record = metrics::RecordKind::kRamp;
  const io::Json r = io::metricsJson(metrics::analyzeCodes(model.convert(g, ramp), ramp_options));
  takeStaticFields(j, r);
  j["sine_cycles"] = cycles;
  j["ramp"] = r;
  return j;
}

io::Json variationStudy(const adc::Design& design, const VariationOptions& options) {
  const adc::PipelineModel model(design.pipeline, design);
  rram::VariationOptions variation;
  variation.lognormal_sigma = options.sigma;
  variation.validate();
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  const auto sine =
      adc::coherentSine(lo, hi, options.sine_samples,
                        adc::coherentCycles(options.sine_samples, adc::kDefaultSineFraction));
  metrics::AnalysisOptions ao;
  ao.bits = design.pipeline.bits;
  // Draws are independent (each has its own seed): spread them over the cores; the results do
  // not depend on how many threads ran them.
  std::vector<double> enob(static_cast<std::size_t>(std::max(options.draws, 0)));
  const auto run_draws = [&](int first, int stride) {
    for (int d = first; d < options.draws; d += stride) {
      Rng rng(Rng::sampleSeed(options.seed, static_cast<std::uint64_t>(d)));
      const auto g = model.draw(variation, rng);
      adc::PipelineModel die = model;
      if (options.recalibrate) die.setTable(model.calibrate(g, 1 << 15));
      enob[static_cast<std::size_t>(d)] =
          metrics::analyzeCodes(die.convert(g, sine), ao).spectrum->enob;
    }
  };
  const int threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1,
                                 std::max(options.draws, 1));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  {
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        try {
          run_draws(t, threads);
        } catch (...) {
          errors[static_cast<std::size_t>(t)] = std::current_exception();
        }
      });
    }
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::vector<double> sorted = enob;
  std::sort(sorted.begin(), sorted.end());
  const auto pct = [&](double q) {
    return sorted.empty()
               ? 0.0
               : sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
  };
  return {{"sigma", options.sigma},
          {"draws", options.draws},
          {"seed", options.seed},
          {"recalibrated", options.recalibrate},
          {"median_enob", pct(0.5)},
          {"p10_enob", pct(0.1)},
          {"min_enob", sorted.empty() ? 0.0 : sorted.front()},
          {"max_enob", sorted.empty() ? 0.0 : sorted.back()},
          {"enob", enob}};
}

io::Json transferStudy(const adc::Design& design, const std::string& transfer, int bits) {
  if (transfer != "log2" && transfer != "sqrt") {
    throw InputError("NNADC-CFG-007",
                     "field 'transfer' = '" + transfer + "' is not one of log2, sqrt");
  }
  if (bits < 2 || bits > 16) {
    throw InputError("NNADC-CFG-003", "field 'transfer-bits' = " + std::to_string(bits) +
                                          " is outside the allowed range [2, 16]");
  }
  const adc::PipelineModel model(design.pipeline, design);
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  const double top = std::ldexp(1.0, bits) - 1.0;
  const bool log = transfer == "log2";
  const auto ideal = [&](double x) {
    if (log)
      return std::round((std::log2(std::max(x, std::ldexp(1.0, -bits))) + bits) / bits * top);
    return std::round(std::sqrt(std::max(x, 0.0)) * top);
  };
  // Inputs dense where the transfer is steep: uniform in log2 x (log) or in sqrt x (sqrt).
  const Eigen::Index n = 1 << 18;
  Eigen::VectorXd x(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const double t = (static_cast<double>(k) + 0.5) / static_cast<double>(n);
    x(k) = log ? std::exp2(-bits * (1.0 - t)) : t * t;
  }
  const Eigen::VectorXd v = (lo + (hi - lo) * x.array()).matrix();
  const auto codes = model.convert(model.nominal(), v);
  const double levels = std::ldexp(1.0, design.pipeline.bits);
  double worst = 0.0;
  double worst_x = 0.0;
  double sum_sq = 0.0;
  // Baseline: an ideal linear quantiser of the same resolution feeding the same mapping, so the
  // error that linear resolution alone causes is told apart from the converter's own.
  double baseline_worst = 0.0;
  for (Eigen::Index k = 0; k < n; ++k) {
    const double x_hat = (static_cast<double>(codes[static_cast<std::size_t>(k)]) + 0.5) / levels;
    const double e = ideal(x_hat) - ideal(x(k));
    sum_sq += e * e;
    if (std::abs(e) > worst) {
      worst = std::abs(e);
      worst_x = x(k);
    }
    const double x_ideal = (std::min(std::floor(x(k) * levels), levels - 1.0) + 0.5) / levels;
    baseline_worst = std::max(baseline_worst, std::abs(ideal(x_ideal) - ideal(x(k))));
  }
  return {{"transfer", transfer},
          {"bits", bits},
          {"max_error_lsb", worst},
          {"rms_error_lsb", std::sqrt(sum_sq / static_cast<double>(n))},
          {"worst_input_fraction", worst_x},
          {"ideal_linear_max_error_lsb", baseline_worst}};
}

}  // namespace nnadc::cli
