#include "nnadc/io/json.h"

#include "nnadc/core/error.h"
#include "nnadc/core/version.h"
#include "nnadc/io/file.h"

namespace nnadc::io {

Json loadJsonFile(const std::filesystem::path& path) {
  const std::string text = readTextFile(path);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError("NNADC-IO-003", "'" + path.string() + "' is not valid JSON at byte " +
                                         std::to_string(e.byte) + ": " + e.what());
  }
}

Json provenanceJson(const Provenance& provenance) {
  Json j;
  j["tool"] = "nnadc";
  j["tool_version"] = kToolVersion;
  j["command"] = provenance.command;
  j["ngspice_version"] =
      provenance.ngspice_version.empty() ? Json(nullptr) : Json(provenance.ngspice_version);
  j["seed"] = provenance.seed ? Json(*provenance.seed) : Json(nullptr);
  j["config"] = provenance.config;
  return j;
}

std::string dumpJson(const Json& json) { return json.dump(2) + "\n"; }

}  // namespace nnadc::io
