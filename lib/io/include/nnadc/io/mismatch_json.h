#pragma once
/// Pelgrom mismatch coefficients of a model card (models/<card>.mismatch.json), the one reader
/// behind every Monte-Carlo CMOS draw (adc/mismatch.h):
///   { "description": "...",
///     "<nmos model>": {"a_vt_mv_um": 3.5, "a_beta_pct_um": 1.0},
///     "<pmos model>": {"a_vt_mv_um": 4.0, "a_beta_pct_um": 1.0} }
/// A_VT in mV um, A_beta in % um (sigma = A / sqrt(W L), W and L in um). Other devices' entries may
/// sit beside them (one file per card); unknown keys inside a device's entry are errors.
#include <filesystem>

#include "nnadc/adc/design.h"
#include "nnadc/adc/mismatch.h"

namespace nnadc::io {

/// Largest coefficient accepted [mV um] and [% um]: published values are a few units, so a larger
/// one is a unit mistake (V um read as mV um would be 1000x smaller, not caught; % as fraction is).
inline constexpr double kMaxPelgromCoefficient = 100.0;

/// The coefficients of the inverter's two devices (InverterSizing::nmos, pmos) from `path`, in SI
/// (V m, m). Errors name the file and the dotted field: NNADC-IO-001 (unreadable), NNADC-IO-003
/// (JSON syntax), NNADC-CFG-005 (a device or coefficient missing), NNADC-CFG-002 (not an object /
/// not a number), NNADC-CFG-003 (outside [0, kMaxPelgromCoefficient]), NNADC-CFG-001 (unknown key
/// in a device's entry).
adc::MismatchCoefficients loadMismatchCoefficients(const std::filesystem::path& path,
                                                   const adc::InverterSizing& inverter);

/// Where a design's coefficients live: the shipped card's file (spice::modelsDir() /
/// "cmos130.mismatch.json") when InverterSizing::model_lib is empty, else <lib>.mismatch.json
/// beside the user's library (its extension replaced).
std::filesystem::path mismatchFile(const adc::InverterSizing& inverter);

}  // namespace nnadc::io
