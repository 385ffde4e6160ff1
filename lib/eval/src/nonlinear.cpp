#include "nnadc/eval/nonlinear.h"

#include <cmath>
#include <functional>
#include <numbers>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/adc/segmented.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"

namespace nnadc::eval {

namespace {

using Convert = std::function<std::vector<std::int64_t>(const Eigen::VectorXd&)>;

// Centre of ideal code c, a fraction of the window.
double codeCentre(const adc::NonlinearTarget& t, std::int64_t c) {
  const auto k = static_cast<std::int64_t>(t.codes());
  const double lo = c <= 0 ? 0.0 : t.thresholds[static_cast<std::size_t>(std::min(c, k - 1) - 1)];
  const double hi =
      c >= k - 1 ? 1.0 : t.thresholds[static_cast<std::size_t>(std::max<std::int64_t>(c, 0))];
  return 0.5 * (lo + hi);
}

NonlinearSummary study(const std::string& architecture, const adc::NonlinearTarget& target,
                       double lo_v, double width_v, const Convert& convert,
                       const NonlinearOptions& options) {
  options.validate();
  NonlinearSummary s;
  s.architecture = architecture;
  s.target = target.name;
  s.codes = target.codes();
  const std::vector<double> x = adc::targetSweep(target, options.per_code);
  s.sweep_points = static_cast<int>(x.size());
  Eigen::VectorXd v(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i)
    v(static_cast<Eigen::Index>(i)) = lo_v + width_v * x[i];
  s.linearity = metrics::transitionLinearity(target.thresholds, x, convert(v));
  // Linearised SNDR on a full-scale sine (time-domain error power against the known input).
  const int n = options.sine_samples;
  Eigen::VectorXd xs(n);
  for (int i = 0; i < n; ++i) {
    // An irrational fraction of a cycle per sample, so the phases do not repeat.
    xs(i) = 0.5 +
            0.5 * std::sin(2.0 * std::numbers::pi * (i + 0.5) * (std::numbers::sqrt2 - 1.0) / 7.0);
  }
  const auto codes = convert((lo_v + width_v * xs.array()).matrix());
  double mean = xs.mean();
  double signal = 0.0, noise = 0.0, ideal_noise = 0.0;
  for (int i = 0; i < n; ++i) {
    signal += (xs(i) - mean) * (xs(i) - mean);
    const double e = codeCentre(target, codes[static_cast<std::size_t>(i)]) - xs(i);
    noise += e * e;
    const double ei = codeCentre(target, target.code(xs(i))) - xs(i);
    ideal_noise += ei * ei;
  }
  s.linearised_sndr_db = 10.0 * std::log10(signal / noise);
  s.linearised_enob = (s.linearised_sndr_db - 1.76) / 6.02;
  s.ideal_linearised_sndr_db = 10.0 * std::log10(signal / ideal_noise);
  return s;
}

}  // namespace

void NonlinearOptions::validate() const {
  requireInRange("NNADC-CFG-003", "nonlinear-per-code", per_code, 2, 4096);
  requireInRange("NNADC-CFG-003", "nonlinear-sine-samples", sine_samples, 16, 1 << 24);
}

NonlinearSummary nonlinearStudy(const adc::Design& design, const NonlinearOptions& options) {
  if (!design.segmented && design.singleStage() &&
      !design.stage(0).shape.target_thresholds.empty()) {
    // A stage trained to its target directly (architecture a).
    const adc::StageShape& shape = design.stage(0).shape;
    adc::NonlinearTarget target;
    target.name = "stage";
    target.thresholds = shape.target_thresholds;
    const adc::StageModel model = adc::stageModel(design, 0);
    const adc::Decoder decoder = adc::stageDecoder(design.stage(0));
    const auto g = model.conductances(design.stage(0).cells);
    return study(
        "stage", target, shape.input_lo_v, shape.input_hi_v - shape.input_lo_v,
        [&](const Eigen::VectorXd& v) { return adc::convert(model, g, decoder, v); }, options);
  }
  const adc::SegmentedConverter converter(design);
  return study(
      "segmented", design.segmented->target, design.pipeline.lo(),
      design.pipeline.hi() - design.pipeline.lo(),
      [&](const Eigen::VectorXd& v) { return converter.convert(v); }, options);
}

NonlinearSummary digitalMappingStudy(const adc::Design& design, const adc::NonlinearTarget& target,
                                     const NonlinearOptions& options) {
  const adc::PipelineModel model(design.pipeline, design);
  const auto g = model.nominal();
  const double levels = std::ldexp(1.0, design.pipeline.bits);
  return study(
      "digital", target, design.pipeline.lo(), design.pipeline.hi() - design.pipeline.lo(),
      [&](const Eigen::VectorXd& v) {
        auto codes = model.convert(g, v);
        for (auto& c : codes) c = target.code((static_cast<double>(c) + 0.5) / levels);
        return codes;
      },
      options);
}

}  // namespace nnadc::eval
