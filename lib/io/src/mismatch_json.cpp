#include "nnadc/io/mismatch_json.h"

#include "nnadc/core/error.h"
#include "nnadc/io/fields.h"
#include "nnadc/io/json.h"
#include "nnadc/spice/models.h"

namespace nnadc::io {

namespace {
constexpr double kMvUmToVM = 1e-9;  // 1 mV um = 1e-3 V x 1e-6 m
constexpr double kPctUmToM = 1e-8;  // 1 % um = 1e-2 x 1e-6 m
}  // namespace

adc::MismatchCoefficients loadMismatchCoefficients(const std::filesystem::path& path,
                                                   const adc::InverterSizing& inverter) {
  const Json j = loadJsonFile(path);
  FieldReader top(j, path.string());
  const auto device = [&](const std::string& name) {
    if (!top.has(name)) {
      throw InputError("NNADC-CFG-005", top.where(name) +
                                            ": no mismatch coefficients for device '" + name +
                                            "' (the design's inverter uses it)");
    }
    FieldReader r = top.object(name);
    adc::PelgromCoefficients c;
    c.a_vt_v_m = r.number("a_vt_mv_um", std::nullopt, 0.0, kMaxPelgromCoefficient) * kMvUmToVM;
    c.a_beta_m = r.number("a_beta_pct_um", std::nullopt, 0.0, kMaxPelgromCoefficient) * kPctUmToM;
    r.finish();
    return c;
  };
  adc::MismatchCoefficients out;
  out.nmos = device(inverter.nmos);
  out.pmos = device(inverter.pmos);
  return out;
}

std::filesystem::path mismatchFile(const adc::InverterSizing& inverter) {
  if (inverter.model_lib.empty()) return spice::modelsDir() / "cmos130.mismatch.json";
  std::filesystem::path p = inverter.model_lib;
  p.replace_extension(".mismatch.json");
  return p;
}

}  // namespace nnadc::io
