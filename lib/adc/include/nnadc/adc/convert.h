#pragma once
/// Behavioural conversion with a trained stage: input voltages in, decoded levels out, and the
/// standard test records (coherent sine, ramp) that evaluation feeds to the metrics module.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "nnadc/adc/stage.h"

namespace nnadc::adc {

/// Decoded levels of `x` [V].
std::vector<std::int64_t> convert(const StageModel& model, const StageConductances& g,
                                  const Decoder& decoder, const Eigen::VectorXd& x);

/// A coherent full-scale sine over [lo, hi]: x[n] = mid + A sin(2 pi J n / N), with A a hair
/// under half the window so the peaks stay inside it. `cycles` is J (odd, coprime with N).
Eigen::VectorXd coherentSine(double lo, double hi, std::size_t samples, std::size_t cycles);

/// The largest odd J <= N * fraction that is coprime with N (a coherent input frequency).
std::size_t coherentCycles(std::size_t samples, double fraction);
/// Input frequency of every coherent test sine nnadc makes, as a fraction of fs (about fs / 81:
/// many codes per cycle), unless a bench is given its own cycle count.
inline constexpr double kDefaultSineFraction = 0.0123;

}  // namespace nnadc::adc
