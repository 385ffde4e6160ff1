#include "nnadc/io/vtc_json.h"

#include "nnadc/core/error.h"

namespace nnadc::io {

namespace {

/// Range of a VTC's supply [V]: as InverterSpec::validate allows for characterisation.
constexpr double kMinVdd = 0.1;
constexpr double kMaxVdd = 20.0;
/// Fewest points analyzeVtc accepts per sweep, and per drive-table axis (validateDrive).
constexpr std::size_t kMinVtcPoints = 3;
constexpr std::size_t kMinDriveAxisPoints = 2;
/// Fewest drive currents: a 2 x 2 grid.
constexpr std::size_t kMinDriveCurrents = 4;

Json driveJson(const InverterDrive& drive) {
  return {{"vin", drive.vin_v}, {"vout", drive.vout_v}, {"current_a", drive.current_a}};
}

/// Files written before characterize recorded model_lib / lib_section / subckt_devices as fields
/// (e.g. training/vtc130.json) hold them only in the options of provenance.config.
void readSizingFromProvenance(FieldReader& r, adc::InverterSizing& s) {
  if (!r.has("provenance")) return;
  const Json& provenance = r.raw("provenance");
  if (!provenance.contains("config")) return;
  const Json& c = provenance["config"];
  if (c.contains("model-lib") && c["model-lib"].is_string()) {
    s.model_lib = c["model-lib"].get<std::string>();
  }
  if (c.contains("lib-section") && c["lib-section"].is_string()) {
    s.lib_section = c["lib-section"].get<std::string>();
  } else if (!s.model_lib.empty()) {
    s.lib_section.clear();  // a user library without a section is .include'd
  }
  if (c.contains("subckt-devices") && c["subckt-devices"].is_boolean()) {
    s.subckt_devices = c["subckt-devices"].get<bool>();
  }
}

}  // namespace

Json vtcJson(const Vtc& vtc) {
  Json j = {{"vdd_v", vtc.vdd_v},
            {"threshold_v", vtc.threshold_v},
            {"peak_gain", vtc.peak_gain},
            {"vin", vtc.vin_v},
            {"vout", vtc.vout_v}};
  if (!vtc.drive.empty()) j["drive"] = driveJson(vtc.drive);
  return j;
}

Json vtcFileJson(const VtcRecord& record, const Provenance& provenance) {
  const Vtc& vtc = record.vtc;
  const adc::InverterSizing& inv = record.inverter;
  Json j;
  j["provenance"] = provenanceJson(provenance);
  j["vdd_v"] = vtc.vdd_v;
  j["threshold_v"] = vtc.threshold_v;
  j["peak_gain"] = vtc.peak_gain;
  j["wn_m"] = inv.wn_m;
  j["wp_m"] = inv.wp_m;
  j["l_m"] = inv.l_m;
  j["nmos"] = inv.nmos;
  j["pmos"] = inv.pmos;
  j["model_lib"] = inv.model_lib;
  j["lib_section"] = inv.lib_section;
  j["subckt_devices"] = inv.subckt_devices;
  j["points"] = vtc.vin_v.size();
  j["vin"] = vtc.vin_v;
  j["vout"] = vtc.vout_v;
  j["slope"] = vtc.slope;
  j["supply_current_a"] = record.supply_current_a;
  if (!vtc.drive.empty()) {
    j["drive"] = driveJson(vtc.drive);
    j["drive"]["deck"] = record.drive_deck;
  }
  j["deck"] = record.deck;
  return j;
}

Vtc readVtc(FieldReader& r) {
  std::vector<double> vin = r.numbers("vin", kMinVtcPoints);
  std::vector<double> vout = r.numbers("vout", kMinVtcPoints);
  const double vdd_v = r.number("vdd_v", std::nullopt, kMinVdd, kMaxVdd);
  Vtc vtc;
  try {
    vtc = analyzeVtc(std::move(vin), std::move(vout), vdd_v);
  } catch (const InputError& e) {
    // analyzeVtc knows the table, not the file: name where the table came from.
    throw InputError(e.id(), r.where("vout") + ": " + e.message());
  }
  if (r.has("drive")) {
    FieldReader d = r.object("drive");
    vtc.drive.vin_v = d.numbers("vin", kMinDriveAxisPoints);
    vtc.drive.vout_v = d.numbers("vout", kMinDriveAxisPoints);
    vtc.drive.current_a = d.numbers("current_a", kMinDriveCurrents);
    validateDrive(vtc.drive, r.where("drive"));
  }
  return vtc;
}

void readInverterSizing(FieldReader& r, adc::InverterSizing& s) {
  s.wn_m = r.number("wn_m", s.wn_m, 1e-8, 1e-3);
  s.wp_m = r.number("wp_m", s.wp_m, 1e-8, 1e-3);
  s.l_m = r.number("l_m", s.l_m, 1e-8, 1e-4);
  s.nmos = r.string("nmos", s.nmos);
  s.pmos = r.string("pmos", s.pmos);
  if (!r.has("model_lib") && !r.has("lib_section") && !r.has("subckt_devices")) {
    readSizingFromProvenance(r, s);
    return;
  }
  s.model_lib = r.string("model_lib", s.model_lib);
  // As characterize writes it: a user library without a section is .include'd.
  s.lib_section = r.string("lib_section", s.model_lib.empty() ? s.lib_section : "");
  s.subckt_devices = r.boolean("subckt_devices", s.subckt_devices);
}

adc::InverterSizing inverterSizing(const sim::CharacterizeOptions& options) {
  adc::InverterSizing s;
  s.wn_m = options.spec.wn_m;
  s.wp_m = options.spec.wp_m;
  s.l_m = options.spec.l_m;
  s.nmos = options.models.nmos;
  s.pmos = options.models.pmos;
  s.model_lib = options.models.lib_file.string();
  s.lib_section = options.models.section;
  s.subckt_devices = options.spec.subckt_devices;
  return s;
}

VtcRecord vtcRecord(const sim::CharacterizeOptions& options, const sim::Characterization& c) {
  VtcRecord record;
  record.vtc = c.vtc;
  record.inverter = inverterSizing(options);
  record.supply_current_a = c.supply_current_a;
  record.deck = c.deck;
  record.drive_deck = c.drive_deck;
  return record;
}

}  // namespace nnadc::io
