#include "nnadc/eval/transfer.h"

#include <algorithm>
#include <cmath>

#include "nnadc/adc/nonlinear_target.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"

namespace nnadc::eval {

void TransferOptions::validate() const {
  if (transfer != "log2" && transfer != "sqrt" && transfer != "mu-law") {
    throw InputError("NNADC-CFG-007",
                     "field 'transfer' = '" + transfer + "' is not one of log2, sqrt, mu-law");
  }
  if (bits < 2 || bits > 16) {
    throw InputError("NNADC-CFG-003", "field 'transfer-bits' = " + std::to_string(bits) +
                                          " is outside the allowed range [2, 16]");
  }
}

TransferSummary transferStudy(const adc::Design& design, const TransferOptions& options) {
  options.validate();
  if (design.singleStage()) {
    throw InputError("NNADC-CFG-003",
                     "field 'transfer': the nonlinear mapping goes through a pipeline's digital "
                     "back end; this design is a single stage");
  }
  const std::string& transfer = options.transfer;
  const int bits = options.bits;
  const adc::PipelineModel model(design.pipeline, design);
  const double lo = design.pipeline.lo();
  const double hi = design.pipeline.hi();
  const double top = std::ldexp(1.0, bits) - 1.0;
  const bool log = transfer == "log2";
  const bool mu = transfer == "mu-law";
  const auto ideal = [&](double x) {
    if (log)
      return std::round((std::log2(std::max(x, std::ldexp(1.0, -bits))) + bits) / bits * top);
    if (mu)
      return std::round(std::log1p(adc::kMuLaw * std::max(x, 0.0)) / std::log1p(adc::kMuLaw) * top);
    return std::round(std::sqrt(std::max(x, 0.0)) * top);
  };
  // Inputs dense where the transfer is steep: uniform in log2 x (log) or in sqrt x (sqrt).
  const Eigen::Index n = 1 << 18;
  Eigen::VectorXd x(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const double t = (static_cast<double>(k) + 0.5) / static_cast<double>(n);
    // mu-law: uniform in the companded value y, x = ((1 + mu)^y - 1) / mu.
    x(k) = log ? std::exp2(-bits * (1.0 - t))
               : (mu ? std::expm1(t * std::log1p(adc::kMuLaw)) / adc::kMuLaw : t * t);
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
  TransferSummary s;
  s.transfer = transfer;
  s.bits = bits;
  s.max_error_lsb = worst;
  s.rms_error_lsb = std::sqrt(sum_sq / static_cast<double>(n));
  s.worst_input_fraction = worst_x;
  s.ideal_linear_max_error_lsb = baseline_worst;
  return s;
}

}  // namespace nnadc::eval
