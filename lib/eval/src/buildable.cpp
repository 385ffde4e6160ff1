#include "nnadc/eval/buildable.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"
#include "nnadc/metrics/record.h"
#include "nnadc/sim/amplifier.h"

namespace nnadc::eval {

std::vector<double> buildableNoiseRms(const adc::Design& design,
                                      const spice::BuildableOptions& options,
                                      const AmplifierFigures& amplifier) {
  const spice::BuildablePlan plan = spice::buildablePlan(design, options);
  const std::size_t stages = design.pipeline.stages.size();
  std::vector<double> rms(stages, 0.0);
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const double s = plan.scale[i];
    rms[i] = sim::residueNoise(options.cell.unit_cap_f * s, 8, design.pipeline.stages[i].gain,
                               amplifier.noise_density_v_rthz / std::sqrt(s), amplifier.gbw_hz,
                               amplifier.feedback_factor, amplifier.temperature_k)
                 .total_rms_v;
  }
  return rms;
}

BuildableSummary measureBuildable(sim::WorkerPool& pool, const adc::Design& design,
                                  const spice::BuildableOptions& options, double timeout_s) {
  // The record is measured as a whole: refuse a too-short one before any simulation runs.
  if (options.samples < static_cast<int>(metrics::kMinSamples)) {
    throw InputError("NNADC-NET-012", "field 'samples' = " + std::to_string(options.samples) +
                                          " is below the " + std::to_string(metrics::kMinSamples) +
                                          " samples the metrics need");
  }
  const spice::BuildablePlan plan0 = spice::buildablePlan(design, options);
  // The record is coherent by construction (J odd, coprime with N): no window, as IEEE 1241
  // measures coherent records. Analyse the model's codes of the same inputs before simulating, so
  // that a record the metrics refuse fails before any job runs.
  metrics::AnalysisOptions bo;
  bo.bits = design.pipeline.bits;
  bo.window = metrics::Window::kNone;
  {
    const adc::PipelineModel nominal(design.pipeline, design);
    Eigen::VectorXd x(static_cast<Eigen::Index>(plan0.x_v.size()));
    for (std::size_t k = 0; k < plan0.x_v.size(); ++k)
      x[static_cast<Eigen::Index>(k)] = plan0.x_v[k];
    (void)metrics::analyzeCodes(nominal.convert(nominal.nominal(), x), bo);
  }
  BuildableSummary s;
  s.options = options;
  s.noise = std::any_of(options.noise_v_rms.begin(), options.noise_v_rms.end(),
                        [](double v) { return v > 0; });
  s.run = sim::runBuildable(pool, design, options, timeout_s);
  const spice::BuildablePlan& plan = s.run.plan;
  s.x_v = plan.x_v;
  const std::size_t stages = design.pipeline.stages.size();

  // The behavioural model on the same samples: noiseless, or with each stage's amplifier carrying
  // the deck's noise rms (in the model's single-ended units: half the differential value).
  adc::Pipeline pipeline = design.pipeline;
  if (s.noise) {
    for (std::size_t i = 0; i + 1 < stages && i < options.noise_v_rms.size(); ++i) {
      pipeline.stages[i].amplifier.noise_v_rms = 0.5 * options.noise_v_rms[i];
    }
  }
  const adc::PipelineModel model(pipeline, design);
  Eigen::VectorXd x(static_cast<Eigen::Index>(s.x_v.size()));
  for (std::size_t k = 0; k < s.x_v.size(); ++k) x[static_cast<Eigen::Index>(k)] = s.x_v[k];
  adc::PipelineTrace trace;
  Rng rng(Rng::sampleSeed(options.seed, 0x5eed));
  s.behavioural_codes = model.convert(model.nominal(), x, &trace, s.noise ? &rng : nullptr);

  std::size_t same = 0;
  s.stage_decision_agreement.assign(stages, 0.0);
  for (std::size_t k = 0; k < s.run.codes.size(); ++k) {
    const std::int64_t diff = std::llabs(s.run.codes[k] - s.behavioural_codes[k]);
    if (diff == 0) ++same;
    s.max_code_difference = std::max(s.max_code_difference, diff);
    for (std::size_t i = 0; i < stages; ++i) {
      if (s.run.decisions[k][i] ==
          trace.decisions(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i))) {
        s.stage_decision_agreement[i] += 1.0;
      }
    }
  }
  const auto n = static_cast<double>(std::max<std::size_t>(1, s.run.codes.size()));
  s.agreement = static_cast<double>(same) / n;
  for (double& a : s.stage_decision_agreement) a /= n;

  metrics::AnalysisOptions ao = bo;
  ao.fs_hz = options.cell.fs_hz;
  ao.power_w = s.run.power_w;
  s.analysis = metrics::analyzeCodes(s.run.codes, ao);
  s.behavioural_enob = metrics::analyzeCodes(s.behavioural_codes, bo).spectrum->enob;
  return s;
}

}  // namespace nnadc::eval
