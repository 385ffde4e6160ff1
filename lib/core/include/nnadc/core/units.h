#pragma once
/// SI unit helpers. All physical quantities in nnadc are SI doubles; these name the scale.
#include <cmath>

namespace nnadc::units {

inline constexpr double kMicro = 1e-6;
inline constexpr double kNano = 1e-9;
inline constexpr double kPico = 1e-12;
inline constexpr double kFemto = 1e-15;
inline constexpr double kKilo = 1e3;
inline constexpr double kMega = 1e6;

/// 20 log10(|ratio|) of an amplitude ratio.
inline double amplitudeDb(double ratio) { return 20.0 * std::log10(std::abs(ratio)); }
/// 10 log10(ratio) of a power ratio.
inline double powerDb(double ratio) { return 10.0 * std::log10(ratio); }

}  // namespace nnadc::units
