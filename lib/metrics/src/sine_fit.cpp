#include "nnadc/metrics/sine_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/metrics/record.h"

namespace nnadc::metrics {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
/// Samples between exact cos/sin anchors of the rotation recurrence: the recurrence's rounding
/// error grows ~ k eps, so 256 steps stay below 1e-13, while std::cos/std::sin per sample would
/// dominate the run time of a 2^20-sample fit. Blocks also serve as the partial sums of a
/// two-level summation.
constexpr std::size_t kBlock = 256;
/// Smallest line-search step before the 4-parameter fit gives up.
constexpr double kMinStep = 1.0 / 1024.0;
/// A trial step is accepted if it does not raise the squared error by more than rounding.
constexpr double kSseSlack = 1e-12;

/// Normal equations of the 4-parameter model around (a, b, c, omega), in the centred time
/// tau = n - centre and with the frequency column scaled by 1/N for conditioning.
struct Pass {
  Eigen::Matrix4d jtj = Eigen::Matrix4d::Zero();
  Eigen::Vector4d jtr = Eigen::Vector4d::Zero();
  double sse = 0.0;
};

struct Params {
  double a = 0.0;  // cosine coefficient in centred time
  double b = 0.0;  // sine coefficient in centred time
  double c = 0.0;
  double omega = 0.0;  // [rad/sample]
};

Pass runPass(std::span<const double> x, const Params& p) {
  const std::size_t n = x.size();
  const double centre = 0.5 * static_cast<double>(n - 1);
  const double inv_n = 1.0 / static_cast<double>(n);
  const double step_c = std::cos(p.omega);
  const double step_s = std::sin(p.omega);
  // s[0..9]: upper triangle of J^T J; s[10..13]: J^T r; s[14]: r^T r.
  double total[15] = {};
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    const double theta = p.omega * (static_cast<double>(start) - centre);
    double co = std::cos(theta);
    double si = std::sin(theta);
    double s[15] = {};
    for (std::size_t i = start; i < end; ++i) {
      const double tau = (static_cast<double>(i) - centre) * inv_n;
      const double d = tau * (p.b * co - p.a * si);
      const double r = x[i] - (p.a * co + p.b * si + p.c);
      s[0] += co * co;
      s[1] += co * si;
      s[2] += co;
      s[3] += co * d;
      s[4] += si * si;
      s[5] += si;
      s[6] += si * d;
      s[7] += 1.0;
      s[8] += d;
      s[9] += d * d;
      s[10] += co * r;
      s[11] += si * r;
      s[12] += r;
      s[13] += d * r;
      s[14] += r * r;
      const double next_c = co * step_c - si * step_s;
      si = si * step_c + co * step_s;
      co = next_c;
    }
    for (int k = 0; k < 15; ++k) total[k] += s[k];
  }
  Pass pass;
  pass.jtj << total[0], total[1], total[2], total[3],  //
      total[1], total[4], total[5], total[6],          //
      total[2], total[5], total[7], total[8],          //
      total[3], total[6], total[8], total[9];
  pass.jtr << total[10], total[11], total[12], total[13];
  pass.sse = total[14];
  return pass;
}

SineFit toResult(const Params& p, std::size_t n, double sse, int parameters) {
  // Move the phase reference from the record's centre to n = 0.
  const double centre = 0.5 * static_cast<double>(n - 1);
  const double ph = p.omega * centre;
  SineFit fit;
  fit.a = p.a * std::cos(ph) - p.b * std::sin(ph);
  fit.b = p.a * std::sin(ph) + p.b * std::cos(ph);
  fit.c = p.c;
  fit.frequency = p.omega / kTwoPi;
  fit.amplitude = std::hypot(fit.a, fit.b);
  fit.phase_rad = std::atan2(-fit.b, fit.a);
  fit.rms_residual = std::sqrt(std::max(sse, 0.0) / static_cast<double>(n));
  fit.parameters = parameters;
  return fit;
}

void checkFrequency(double frequency) {
  if (!std::isfinite(frequency) || frequency <= 0.0 || frequency >= 0.5) {
    throw InputError("NNADC-MET-013", "sine-fit frequency " + formatDouble(frequency) +
                                          " cycles/sample must lie in (0, 0.5)");
  }
}

/// Solves the 3-parameter (linear) problem at p.omega; returns the parameters and their pass.
Params solveThree(std::span<const double> x, double omega, Pass& pass) {
  Params p;
  p.omega = omega;
  const Pass zero = runPass(x, p);  // with a = b = c = 0 the residual is the record itself
  const Eigen::Matrix3d m = zero.jtj.topLeftCorner<3, 3>();
  const Eigen::Vector3d v = zero.jtr.head<3>();
  const Eigen::Vector3d sol = m.ldlt().solve(v);
  if (sol.allFinite()) {
    p.a = sol[0];
    p.b = sol[1];
    p.c = sol[2];
  }
  pass = runPass(x, p);
  return p;
}

}  // namespace

void SineFitOptions::validate() const {
  if (max_iterations < 1) {
    throw InputError("NNADC-MET-013", "field 'max_iterations' is " +
                                          std::to_string(max_iterations) + "; it must be >= 1");
  }
  if (!std::isfinite(phase_tolerance_cycles) || phase_tolerance_cycles <= 0.0) {
    throw InputError("NNADC-MET-013", "field 'phase_tolerance_cycles' is " +
                                          formatDouble(phase_tolerance_cycles) +
                                          "; it must be positive");
  }
}

SineFit fitSine3(std::span<const double> record, double frequency) {
  requireSamples("record", record.size());
  requireFinite("record", record);
  checkFrequency(frequency);
  Pass pass;
  const Params p = solveThree(record, kTwoPi * frequency, pass);
  return toResult(p, record.size(), pass.sse, 3);
}

SineFit fitSine4(std::span<const double> record, double frequency_seed,
                 const SineFitOptions& options) {
  options.validate();
  requireSamples("record", record.size());
  requireFinite("record", record);
  checkFrequency(frequency_seed);
  const auto n = static_cast<double>(record.size());

  // IEEE 1241 4.1.4.3: start from the 3-parameter fit at the seed, then Gauss-Newton steps on
  // (a, b, c, omega); the step is halved while it raises the squared error.
  Pass pass;
  Params p = solveThree(record, kTwoPi * frequency_seed, pass);
  int iterations = 0;
  bool converged = false;
  while (iterations < options.max_iterations) {
    ++iterations;
    const Eigen::Vector4d delta = pass.jtj.ldlt().solve(pass.jtr);
    if (!delta.allFinite()) break;
    const double d_omega = delta[3] / n;  // undo the 1/N column scaling
    const bool small = std::abs(d_omega) * n / kTwoPi < options.phase_tolerance_cycles;
    double step = 1.0;
    bool accepted = false;
    while (step >= kMinStep) {
      Params trial = p;
      trial.a += step * delta[0];
      trial.b += step * delta[1];
      trial.c += step * delta[2];
      trial.omega += step * d_omega;
      if (trial.omega > 0.0 && trial.omega < std::numbers::pi) {
        Pass trial_pass = runPass(record, trial);
        if (trial_pass.sse <= pass.sse * (1.0 + kSseSlack)) {
          p = trial;
          pass = trial_pass;
          accepted = true;
          break;
        }
      }
      step *= 0.5;
    }
    if (small) {
      converged = true;
      break;
    }
    if (!accepted) break;
  }
  SineFit fit = toResult(p, record.size(), pass.sse, 4);
  fit.iterations = iterations;
  fit.converged = converged;
  return fit;
}

double sineFitEnob(double rms_residual, double full_scale_range) {
  if (rms_residual <= 0.0) return std::numeric_limits<double>::infinity();
  return std::log2(full_scale_range / (rms_residual * std::sqrt(12.0)));
}

void evaluateSine(const SineFit& fit, std::span<double> out) {
  const double omega = kTwoPi * fit.frequency;
  const double step_c = std::cos(omega);
  const double step_s = std::sin(omega);
  for (std::size_t start = 0; start < out.size(); start += kBlock) {
    const std::size_t end = std::min(out.size(), start + kBlock);
    const double theta = omega * static_cast<double>(start);
    double co = std::cos(theta);
    double si = std::sin(theta);
    for (std::size_t i = start; i < end; ++i) {
      out[i] = fit.a * co + fit.b * si + fit.c;
      const double next_c = co * step_c - si * step_s;
      si = si * step_c + co * step_s;
      co = next_c;
    }
  }
}

}  // namespace nnadc::metrics
