#include "nnadc/eval/stage_trace.h"

#include <algorithm>
#include <cmath>

#include "nnadc/adc/pipeline.h"

namespace nnadc::eval {

namespace {
/// (sqrt(5) - 1) / 2: the step of the most evenly spread one-dimensional Kronecker sequence.
constexpr double kGoldenFraction = 0.6180339887498949;
}  // namespace

StageTrace traceStages(const adc::Design& design, int points) {
  const adc::PipelineModel model(design.pipeline, design);
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  // A golden-ratio (Kronecker) sequence over the window, sorted: an evenly spaced grid of 2^k
  // points lands every later stage's input on a few values of the stages' own binary grid, which
  // hides their residue curves; the irrational step spreads every stage's inputs over its window.
  std::vector<double> u(static_cast<std::size_t>(points));
  for (std::size_t i = 0; i < u.size(); ++i) {
    u[i] = std::fmod(0.5 + kGoldenFraction * static_cast<double>(i), 1.0);
  }
  std::sort(u.begin(), u.end());
  const Eigen::VectorXd x = Eigen::VectorXd::NullaryExpr(
      points, [&](Eigen::Index i) { return lo + (hi - lo) * u[static_cast<std::size_t>(i)]; });
  adc::PipelineTrace t;
  model.trace(model.nominal(), x, t);
  StageTrace out;
  out.input_v.assign(x.data(), x.data() + x.size());
  const Eigen::Index stages = t.decisions.cols();
  for (Eigen::Index s = 0; s < stages; ++s) {
    StageTrace::Stage st;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      st.input_v.push_back(t.inputs(i, s));
      st.decision.push_back(t.decisions(i, s));
      if (s + 1 < stages) st.residue_v.push_back(t.inputs(i, s + 1));
    }
    out.stages.push_back(std::move(st));
  }
  return out;
}

}  // namespace nnadc::eval
