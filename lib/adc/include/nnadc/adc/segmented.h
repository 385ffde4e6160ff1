#pragma once
/// Behavioural model of a segmented (floating-point-like) nonlinear converter (issue #16,
/// architecture b): a ladder of x2 amplifiers gives taps a_k = lo + 2^k (x - lo) (each amplifier
/// with the design's AmplifierModel, clipped to the supply), comparators on the taps pick the
/// segment k = #{j = 1..S : a_j < lo + select_fraction w} (the largest gain whose tap stays below
/// the threshold, for a monotone ladder), the design's pipeline converts a_k (the mantissa), and
/// the digital back end estimates x = scale_k u + offset_k from the mantissa code's centre u
/// (fraction of the window) and quantises it with the target.
///
/// Why a comparator threshold below full scale: a wrong segment decision near a threshold only
/// matters when it picks too much gain (the tap leaves the window). With the threshold at
/// select_fraction < 1 the chosen tap lies in [select_fraction / 2, select_fraction) of the window
/// (k < S), so a comparator error up to (1 - select_fraction) of the window is harmless: the
/// mantissa is resolved a little coarser, never clipped. Why a separate scale per segment: the
/// ladder gains are not exactly 2^k; the foreground calibration measures them.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/adc/pipeline.h"

namespace nnadc::adc {

/// Throws InputError naming `where`: NNADC-CFG-003 for segments outside [1, 20], select_fraction
/// outside (0.5, 1), a ladder amplifier with DAC errors or noise, or comparator offsets not one per
/// comparator; NNADC-NLQ-003 when a mantissa converter of `mantissa_bits` cannot resolve the
/// target: some code's ideal width is under 4 mantissa LSB (referred to the input through its
/// segment's gain), so quantisation alone would spend more than 1/8 LSB of that code's INL.
void validateSegmented(const SegmentedFrontEnd& front_end, int mantissa_bits,
                       const std::string& where);

/// `per_code` inputs (fractions of the window) evenly inside every ideal code of the target, at
/// the centres of equal sub-steps, rising strictly: a sweep that gives each code, narrow or wide,
/// the same number of samples. The end codes get per_code inputs over one neighbour's width beside
/// their transition and per_code more over the rest of their span to the window's edge.
std::vector<double> targetSweep(const NonlinearTarget& target, int per_code);

class SegmentedConverter {
 public:
  /// NNADC-DES-001 when the design has no segmented front end.
  explicit SegmentedConverter(const Design& design);
  /// The front end alone: each input's segment and the tap [V] the mantissa converter gets.
  void frontEnd(const Eigen::VectorXd& v, std::vector<int>& segment, Eigen::VectorXd& tap) const;
  /// Segment and mantissa code of every input v [V].
  void trace(const Eigen::VectorXd& v, std::vector<int>& segment,
             std::vector<std::int64_t>& mantissa) const;
  /// The back end's estimate of the input, a fraction of the window.
  [[nodiscard]] double estimate(int segment, std::int64_t mantissa) const;
  /// Output codes of the target for inputs v [V].
  [[nodiscard]] std::vector<std::int64_t> convert(const Eigen::VectorXd& v) const;
  /// Foreground calibration: `points` known inputs (half spread uniformly in log2 over the
  /// segments, half uniformly over the lowest segment), traced, and per segment a least-squares
  /// line x = scale u + offset; a segment with fewer than 4 points keeps its ideal line.
  /// Returns the front end with scale, offset and calibrated set.
  [[nodiscard]] SegmentedFrontEnd calibrate(int points) const;

 private:
  SegmentedFrontEnd front_;
  PipelineModel mantissa_;
  PipelineConductances g_;
  double lo_v_;
  double width_v_;
  double vdd_v_;
  int mantissa_bits_;
};

}  // namespace nnadc::adc
