#include "nnadc/mc/variation.h"

#include <algorithm>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"
#include "nnadc/mc/fan_out.h"
#include "nnadc/metrics/analysis.h"

namespace nnadc::mc {

namespace {
// Points of the per-die foreground calibration ramp (2 per 14-bit code).
constexpr int kCalibrationPoints = 1 << 15;
}  // namespace

void VariationOptions::validate() const {
  requireInRange("NNADC-CFG-003", "variation-sigma", sigma, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "draws", draws, 1, 100000);
  requireInRange("NNADC-CFG-003", "threads", threads, 0, 1024);
}

VariationSummary variationStudy(const adc::Design& design, const VariationOptions& options,
                                Progress& progress) {
  options.validate();
  if (design.singleStage()) {
    throw InputError("NNADC-CFG-003",
                     "field 'variation-sigma': RRAM Monte-Carlo applies to pipelined designs; "
                     "this design is a single stage");
  }
  const adc::PipelineModel model(design.pipeline, design);
  rram::VariationOptions variation;
  variation.lognormal_sigma = options.sigma;
  variation.validate();
  const auto sine =
      adc::coherentSine(design.pipeline.lo(), design.pipeline.hi(), options.sine_samples,
                        adc::coherentCycles(options.sine_samples, adc::kDefaultSineFraction));
  metrics::AnalysisOptions ao;
  ao.bits = design.pipeline.bits;
  VariationSummary s;
  s.options = options;
  s.enob.assign(static_cast<std::size_t>(options.draws), 0.0);
  const int threads = options.threads > 0 ? options.threads : defaultThreads(options.draws);
  ProgressTask task(progress, "Monte-Carlo draws", static_cast<std::size_t>(options.draws));
  forEachSample(options.draws, threads, [&](int d) {
    Rng rng(Rng::sampleSeed(options.seed, static_cast<std::uint64_t>(d)));
    const auto g = model.draw(variation, rng);
    adc::PipelineModel die = model;
    if (options.recalibrate) die.setTable(model.calibrate(g, kCalibrationPoints));
    s.enob[static_cast<std::size_t>(d)] =
        metrics::analyzeCodes(die.convert(g, sine), ao).spectrum->enob;
    task.advance();
  });
  std::vector<double> sorted = s.enob;
  std::sort(sorted.begin(), sorted.end());
  const auto pct = [&](double q) {
    return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
  };
  s.median_enob = pct(0.5);
  s.p10_enob = pct(0.1);
  s.min_enob = sorted.front();
  s.max_enob = sorted.back();
  return s;
}

}  // namespace nnadc::mc
