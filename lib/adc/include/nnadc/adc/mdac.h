#pragma once
/// The behavioural model of a real residue stage: a fully-differential switched-capacitor MDAC
/// whose capacitors, amplifier and noise set the AmplifierModel (design.h) the pipeline uses, so
/// that training, calibration and Monte-Carlo see the converter SPICE simulates.
///
/// Topology (per side; b = stage bits, G = gain = 2^(b - r)): 2^b unit capacitors Cu sample the
/// input; in the amplification phase a feedback capacitor Cf = 2^b Cu / G closes the amplifier,
/// 2^b - 1 of the sampling capacitors switch their bottom plates to +Vr or -Vr by a thermometer of
/// the decision d (the first d to +Vr, the others to -Vr) and the last one to the common mode.
/// With Vr = w/2 (w = the stage's window) the ideal residue is c' + G (x - DAC(d)),
/// DAC(d) = lo + (d + 1/2) w / 2^b: exactly adc::PipelineModel's 2^b levels and gain. (A
/// flip-around MDAC reaches gain 4 with a better feedback factor but gives 2^b - 1 levels at
/// integer positions, not the 2^b half-integer levels the NN sub-ADC decides.)
///
/// Everything is referred to the stage input in the single-ended-equivalent units the pipeline
/// uses: a differential voltage vd corresponds to x - c = vd / 2.
///  - Feedback factor beta = Cf / (2^b Cu + Cf + Cin) (Cin: the amplifier's input capacitance).
///  - Finite gain A0: closed-loop gain G A0 beta / (1 + A0 beta).
///  - Incomplete settling, one pole at GBW: a fraction exp(-2 pi GBW beta t) of the step is
///    missing at the end of the amplification time t (linear settling; slewing not modelled).
///  - Capacitor mismatch (per die): every unit capacitor Cu (1 + sigma eps_k), Cf made of
///    2^b / G units; the gain becomes sum C_k / Cf and DAC(d) - c becomes Vr sum_k C_k s_k(d) /
///    sum_k C_k (s_k = +1, -1 or 0 as above); the differences are gain_error and dac_error_v.
///  - Noise: the sampled kT/C of both sides, 2 kT / (2^b Cu) differential, and the amplifier's
///    input-referred noise (differential rms over its closed-loop noise bandwidth) amplified by
///    1 / beta at the output, i.e. 1 / (beta G) referred to the input: noise_v_rms is their root
///    sum of squares, halved (single-ended equivalent).
#include "nnadc/adc/design.h"
#include "nnadc/core/rng.h"

namespace nnadc::adc {

/// Boltzmann constant [J/K].
inline constexpr double kBoltzmann = 1.380649e-23;

/// What the parameters give one stage of `bits` bits and gain `gain`.
struct MdacFigures {
  double feedback_cap_f = 0.0;     ///< Cf [F]
  double beta = 0.0;               ///< feedback factor
  double finite_gain_error = 0.0;  ///< A0 beta / (1 + A0 beta) - 1
  double settling_error = 0.0;     ///< exp(-2 pi GBW beta t)
  double ktc_noise_v = 0.0;        ///< sampled kT/C, input-referred, single-ended equivalent [V]
  double amp_noise_v = 0.0;        ///< amplifier noise, input-referred, single-ended eq. [V]
  double noise_v_rms = 0.0;        ///< their root sum of squares [V]
};
MdacFigures mdacFigures(const MdacParameters& params, int bits, double gain);

/// The stage's AmplifierModel: nominal (mismatch == nullptr: equal capacitors) or one die's
/// capacitors drawn from `mismatch` (cap_sigma; 2^b + 1 normal draws: each unit, then Cf).
/// `window_v` = hi - lo of the stage's input window.
AmplifierModel mdacAmplifier(const MdacParameters& params, int bits, double gain, double window_v,
                             Rng* mismatch = nullptr);

}  // namespace nnadc::adc
