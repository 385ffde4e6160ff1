#include "nnadc/eval/nonlinear_bench.h"

#include <algorithm>
#include <cstdlib>

#include "nnadc/adc/segmented.h"
#include "nnadc/core/error.h"
#include "nnadc/metrics/power.h"
#include "nnadc/sim/pipeline_bench.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::eval {

NonlinearBenchSummary segmentedStaticBench(sim::WorkerPool& pool, const adc::Design& design,
                                           int per_code, double timeout_s) {
  const adc::SegmentedConverter converter(design);  // NNADC-DES-001 without a front end
  const adc::NonlinearTarget& target = design.segmented->target;
  const std::vector<double> x = adc::targetSweep(target, per_code);
  const double lo = design.pipeline.lo();
  const double width = design.pipeline.hi() - lo;
  Eigen::VectorXd v(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) v(static_cast<Eigen::Index>(i)) = lo + width * x[i];
  std::vector<int> segment;
  std::vector<std::int64_t> model_mantissa;
  converter.trace(v, segment, model_mantissa);
  const std::vector<double> inputs(v.data(), v.data() + v.size());
  spice::DeckOptions options;
  options.points = static_cast<int>(inputs.size());
  options.static_inputs_v = &inputs;
  const sim::PipelineStaticRun run = sim::runPipelineStatic(pool, design, options, timeout_s);
  NonlinearBenchSummary s;
  s.target = target.name;
  s.codes = target.codes();
  s.points = static_cast<int>(x.size());
  s.jobs = run.jobs;
  s.elapsed_s = run.elapsed_s;
  s.comparators = spice::segmentComparators(design);
  s.ideal_estimates = spice::idealPowerEstimates(design);
  for (const auto& e : s.ideal_estimates) s.ideal_estimated_power_w += e.power_w;
  for (const auto& e : spice::idealElements(design, spice::Bench::kStatic)) {
    s.ideal_elements.push_back(e.instances + ": " + e.what);
  }
  std::size_t same = 0;
  std::size_t same_segment = 0;
  std::size_t same_mantissa = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::int64_t spice = target.code(converter.estimate(run.segments.at(i), run.codes[i]));
    const std::int64_t model = target.code(converter.estimate(segment[i], model_mantissa[i]));
    s.spice_codes.push_back(spice);
    s.behavioural_codes.push_back(model);
    if (spice == model) {
      ++same;
    } else {
      ++s.differing_codes;
    }
    s.max_code_difference = std::max(s.max_code_difference, std::abs(spice - model));
    if (run.segments[i] == segment[i]) {
      ++same_segment;
      if (run.codes[i] == model_mantissa[i]) ++same_mantissa;
    }
  }
  s.agreement = static_cast<double>(same) / static_cast<double>(x.size());
  s.segment_agreement = static_cast<double>(same_segment) / static_cast<double>(x.size());
  s.mantissa_agreement =
      same_segment == 0 ? 0.0
                        : static_cast<double>(same_mantissa) / static_cast<double>(same_segment);
  s.linearity = metrics::transitionLinearity(target.thresholds, x, s.spice_codes);
  const std::size_t stages = design.pipeline.stages.size();
  for (std::size_t i = 0; i < stages; ++i) {
    std::vector<double> current;
    for (const auto& per_input : run.supply_a) current.push_back(per_input[i]);
    s.sub_adc_power_w += metrics::averagePowerW(design.vdd_v, current);
  }
  s.comparator_power_w = metrics::averagePowerW(design.vdd_v, run.comparator_supply_a);
  s.power_w = s.sub_adc_power_w + s.comparator_power_w;
  return s;
}

}  // namespace nnadc::eval
