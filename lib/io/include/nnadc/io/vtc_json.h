#pragma once
/// The VTC table and the inverter's drive table as JSON: the one writer and reader behind the file
/// `nnadc characterize` writes (loadVtc) and the "vtc" block of a design file.
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/core/vtc.h"
#include "nnadc/io/fields.h"
#include "nnadc/io/json.h"
#include "nnadc/sim/characterize.h"

namespace nnadc::io {

/// The "vtc" block of a design: vdd_v, threshold_v, peak_gain, vin, vout and, when measured,
/// drive {vin, vout, current_a}.
Json vtcJson(const Vtc& vtc);

/// Everything `nnadc characterize` records besides the provenance.
struct VtcRecord {
  Vtc vtc;
  adc::InverterSizing inverter;          ///< sizes and models of the characterised inverter
  std::vector<double> supply_current_a;  ///< current the supply delivers at each vin [A]
  std::string deck;                      ///< the DC-sweep deck
  std::string drive_deck;                ///< the drive deck (written only with a drive table)
};

/// The inverter a characterisation built (what a design must record for the emitter).
adc::InverterSizing inverterSizing(const sim::CharacterizeOptions& options);
/// What a characterisation run records.
VtcRecord vtcRecord(const sim::CharacterizeOptions& options, const sim::Characterization& c);

/// The VTC file: provenance, vdd_v, threshold_v, peak_gain, wn_m, wp_m, l_m, nmos, pmos,
/// model_lib, lib_section, subckt_devices, points, vin, vout, slope, supply_current_a,
/// drive {vin, vout, current_a, deck} (when measured), deck.
Json vtcFileJson(const VtcRecord& record, const Provenance& provenance);

/// Reads vdd_v, vin, vout and the optional drive block through `r` (types and ranges checked,
/// NNADC-CFG-00n naming the file and field) and recomputes slope, threshold and gain
/// (analyzeVtc: NNADC-VTC-001; validateDrive: NNADC-VTC-002). Other keys are left unread.
Vtc readVtc(FieldReader& r);

/// Reads the inverter a VTC file records into `sizing`; absent fields keep their value.
void readInverterSizing(FieldReader& r, adc::InverterSizing& sizing);

}  // namespace nnadc::io
