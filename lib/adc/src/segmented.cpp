#include "nnadc/adc/segmented.h"

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::adc {

namespace {

// Quantisation of the mantissa may cost at most 1/8 LSB of a code's INL: its half step, referred
// to the input, must stay under W / 8, i.e. the step under W / 4.
constexpr double kMantissaStepsPerCode = 4.0;

// The segment ideal comparators pick for an input at `fraction` of the window.
int idealSegment(const SegmentedFrontEnd& f, double fraction) {
  int k = 0;
  for (int j = 1; j <= f.segments; ++j) {
    if (std::ldexp(fraction, j) < f.select_fraction) ++k;
  }
  return k;
}

}  // namespace

void validateSegmented(const SegmentedFrontEnd& f, int mantissa_bits, const std::string& where) {
  if (f.segments < 1 || f.segments > 20) {
    throw InputError("NNADC-CFG-003", where + ".segments = " + std::to_string(f.segments) +
                                          " is outside the allowed range [1, 20]");
  }
  if (!(f.select_fraction > 0.5 && f.select_fraction < 1.0)) {
    throw InputError("NNADC-CFG-003", where +
                                          ".select_fraction = " + formatDouble(f.select_fraction) +
                                          " is outside the allowed range (0.5, 1)");
  }
  if (!f.amplifier.dac_error_v.empty() || f.amplifier.noise_v_rms != 0.0) {
    throw InputError("NNADC-CFG-003", where +
                                          ".amplifier: a ladder amplifier has no DAC and no "
                                          "modelled noise (dac_error_v, noise_v_rms)");
  }
  if (!f.comparator_offset_v.empty() &&
      f.comparator_offset_v.size() != static_cast<std::size_t>(f.segments)) {
    throw InputError("NNADC-CFG-003", where + ".comparator_offset_v has " +
                                          std::to_string(f.comparator_offset_v.size()) +
                                          " entries; one per comparator (" +
                                          std::to_string(f.segments) + ") or none");
  }
  const NonlinearTarget& t = f.target;
  if (t.codes() < 2) {
    throw InputError("NNADC-NLQ-003", where + ".target has " + std::to_string(t.codes()) +
                                          " codes: a target needs at least 2");
  }
  const double step = std::ldexp(1.0, -mantissa_bits);
  for (int c = 1; c + 1 < t.codes(); ++c) {
    const double x = t.thresholds[static_cast<std::size_t>(c - 1)];
    const double referred = std::ldexp(step, -idealSegment(f, x));
    if (referred * kMantissaStepsPerCode > t.width(c)) {
      throw InputError("NNADC-NLQ-003",
                       where + ": the plan has too few codes for the target: code " +
                           std::to_string(c) + " of the " + t.name + " target is " +
                           formatDouble(t.width(c)) + " of the window wide, but a " +
                           std::to_string(mantissa_bits) + "-bit mantissa in segment " +
                           std::to_string(idealSegment(f, x)) + " steps " + formatDouble(referred) +
                           " (at most a quarter of the code is allowed): add " +
                           "mantissa bits (pipeline target_bits) or segments");
    }
  }
}

std::vector<double> targetSweep(const NonlinearTarget& target, int per_code) {
  std::vector<double> x;
  const int k = target.codes();
  const auto& t = target.thresholds;
  x.reserve(static_cast<std::size_t>(k + 2) * static_cast<std::size_t>(per_code));
  const auto span = [&](double lo, double hi) {
    for (int i = 0; i < per_code; ++i) x.push_back(lo + (hi - lo) * (i + 0.5) / per_code);
  };
  // The end codes reach the window's edges: beside their transition they are swept as densely
  // as the neighbouring code (a transition is only as sharp as the samples around it), the rest
  // of their span more sparsely.
  const double first = std::max(0.0, t.front() - target.width(1));
  if (first > 0.0) span(0.0, first);
  span(first, t.front());
  for (int c = 1; c + 1 < k; ++c) {
    span(t[static_cast<std::size_t>(c - 1)], t[static_cast<std::size_t>(c)]);
  }
  const double last = std::min(1.0, t.back() + target.width(k - 1));
  span(t.back(), last);
  if (last < 1.0) span(last, 1.0);
  return x;
}

SegmentedConverter::SegmentedConverter(const Design& design)
    : mantissa_(design.pipeline, design),
      g_(mantissa_.nominal()),
      lo_v_(design.pipeline.lo()),
      width_v_(design.pipeline.hi() - design.pipeline.lo()),
      vdd_v_(design.vdd_v),
      mantissa_bits_(design.pipeline.bits) {
  if (!design.segmented) {
    throw InputError("NNADC-DES-001", "the design has no segmented front end");
  }
  front_ = *design.segmented;
}

void SegmentedConverter::frontEnd(const Eigen::VectorXd& v, std::vector<int>& segment,
                                  Eigen::VectorXd& tap) const {
  const int s = front_.segments;
  const double threshold = lo_v_ + front_.select_fraction * width_v_;
  segment.assign(static_cast<std::size_t>(v.size()), 0);
  tap.resize(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    double a = v(i);
    double chosen = a;
    int k = 0;
    for (int j = 1; j <= s; ++j) {
      a = std::clamp(lo_v_ + 2.0 * front_.amplifier.transfer(a - lo_v_, 0), 0.0, vdd_v_);
      const double offset = front_.comparator_offset_v.empty()
                                ? 0.0
                                : front_.comparator_offset_v[static_cast<std::size_t>(j - 1)];
      if (a < threshold + offset) {
        ++k;
        chosen = a;  // a monotone ladder: the last tap below the threshold is the k-th
      }
    }
    segment[static_cast<std::size_t>(i)] = k;
    tap(i) = chosen;
  }
}

void SegmentedConverter::trace(const Eigen::VectorXd& v, std::vector<int>& segment,
                               std::vector<std::int64_t>& mantissa) const {
  Eigen::VectorXd tap;
  frontEnd(v, segment, tap);
  mantissa = mantissa_.convert(g_, tap);
}

double SegmentedConverter::estimate(int segment, std::int64_t mantissa) const {
  const double u = (static_cast<double>(mantissa) + 0.5) * std::ldexp(1.0, -mantissa_bits_);
  const auto k = static_cast<std::size_t>(segment);
  if (front_.calibrated && k < front_.scale.size()) return front_.scale[k] * u + front_.offset[k];
  return std::ldexp(u, -segment);
}

std::vector<std::int64_t> SegmentedConverter::convert(const Eigen::VectorXd& v) const {
  std::vector<int> segment;
  std::vector<std::int64_t> mantissa;
  trace(v, segment, mantissa);
  std::vector<std::int64_t> codes(mantissa.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    codes[i] = front_.target.code(estimate(segment[i], mantissa[i]));
  }
  return codes;
}

SegmentedFrontEnd SegmentedConverter::calibrate(int points) const {
  const int s = front_.segments;
  const int half = std::max(1, points / 2);
  Eigen::VectorXd x(2 * half);
  // Log-uniform over [2^-(S+2), 1], then uniform over the lowest segment [0, 2^-S].
  for (int i = 0; i < half; ++i) {
    const double t = (i + 0.5) / half;
    x(i) = std::exp2(-(s + 2.0) * (1.0 - t));
    x(half + i) = std::ldexp(t, -s);
  }
  const Eigen::VectorXd v = (lo_v_ + width_v_ * x.array()).matrix();
  std::vector<int> segment;
  std::vector<std::int64_t> mantissa;
  trace(v, segment, mantissa);
  SegmentedFrontEnd out = front_;
  out.scale.assign(static_cast<std::size_t>(s + 1), 0.0);
  out.offset.assign(static_cast<std::size_t>(s + 1), 0.0);
  const double lsb = std::ldexp(1.0, -mantissa_bits_);
  for (int k = 0; k <= s; ++k) {
    // Normal equations of x = scale u + offset over this segment's points.
    double n = 0.0, su = 0.0, sx = 0.0, suu = 0.0, sux = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (segment[static_cast<std::size_t>(i)] != k) continue;
      const double u = (static_cast<double>(mantissa[static_cast<std::size_t>(i)]) + 0.5) * lsb;
      n += 1.0;
      su += u;
      sx += x(i);
      suu += u * u;
      sux += u * x(i);
    }
    const double det = n * suu - su * su;
    const auto kk = static_cast<std::size_t>(k);
    if (n < 4.0 || !(det > 0.0)) {
      out.scale[kk] = std::ldexp(1.0, -k);
      out.offset[kk] = 0.0;
      continue;
    }
    out.scale[kk] = (n * sux - su * sx) / det;
    out.offset[kk] = (sx - out.scale[kk] * su) / n;
  }
  out.calibrated = true;
  return out;
}

}  // namespace nnadc::adc
