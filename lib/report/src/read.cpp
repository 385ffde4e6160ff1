// Reading report inputs: one dispatch table from a result's kind to how its files are found.
#include <functional>
#include <system_error>

#include "nnadc/core/error.h"
#include "nnadc/report/report.h"

namespace nnadc::report {

namespace fs = std::filesystem;

namespace {

/// The files a flow folder holds, by role (io/flow_json.h names them).
constexpr std::pair<const char*, const char*> kFlowFiles[] = {
    {"summary", "summary.json"},     {"behavioural", "behavioural.json"},
    {"static", "static.json"},       {"static_sine", "static_sine.json"},
    {"transient", "transient.json"}, {"buildable", "buildable.json"},
    {"design", "design.json"}};

/// A `sim --design` result: which flow role its bench plays.
std::string simRole(const io::Json& j) {
  const std::string bench = j.value("bench", "");
  if (bench == "transient") return "transient";
  if (bench == "buildable") return "buildable";
  return j.value("record", "ramp") == "sine" ? "static_sine" : "static";
}

using Reader = std::function<void(const fs::path&, io::Json, Result&)>;

/// The one table of result kinds (provenance.command -> how its JSON is filed).
const std::vector<std::pair<std::string, Reader>>& readers() {
  static const std::vector<std::pair<std::string, Reader>> table = {
      // A flow's summary.json stands for its folder (readResult reads the folder instead).
      {"flow",
       [](const fs::path& p, io::Json j, Result& r) {
         r.files["summary"] = {p.filename().string(), std::move(j)};
       }},
      {"eval",
       [](const fs::path& p, io::Json j, Result& r) {
         r.files["behavioural"] = {p.filename().string(), std::move(j)};
       }},
      {"sim",
       [](const fs::path& p, io::Json j, Result& r) {
         if (!j.contains("codes") || !j.contains("bench")) {
           throw InputError("NNADC-REP-001",
                            "'" + p.string() +
                                "' is a 'sim --deck' result (raw vectors); nnadc report reads "
                                "'sim --design' bench results");
         }
         const std::string role = simRole(j);
         r.files[role] = {p.filename().string(), std::move(j)};
       }},
      {"metrics",
       [](const fs::path& p, io::Json j, Result& r) {
         r.files["metrics"] = {p.filename().string(), std::move(j)};
       }},
      {"train",
       [](const fs::path& p, io::Json j, Result& r) {
         r.files["design"] = {p.filename().string(), std::move(j)};
       }},
      {"axtrain",
       [](const fs::path& p, io::Json j, Result& r) {
         r.files["axtrain"] = {p.filename().string(), std::move(j)};
       }},
      // An `nnadc mc` campaign's mc.json (its folder reads as this file).
      {"mc",
       [](const fs::path& p, io::Json j, Result& r) {
         r.files["mc"] = {p.filename().string(), std::move(j)};
       }},
  };
  return table;
}

std::string kindList() {
  std::string s;
  for (const auto& row : readers()) s += (s.empty() ? "" : ", ") + row.first;
  return s;
}

Result readFlowFolder(const fs::path& dir) {
  Result r;
  r.kind = "flow";
  r.path = dir;
  std::error_code ec;
  if (!fs::is_regular_file(dir / "summary.json", ec)) {
    throw InputError("NNADC-REP-002", "folder '" + dir.string() +
                                          "' holds no nnadc results (no summary.json: it is not "
                                          "a flow folder); give a flow folder or result files");
  }
  for (const auto& [role, name] : kFlowFiles) {
    const fs::path file = dir / name;
    if (!fs::is_regular_file(file, ec)) continue;
    r.files[role] = {name, io::loadJsonFile(file)};
  }
  return r;
}

}  // namespace

const std::vector<std::string>& resultKinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k;
    for (const auto& row : readers()) k.push_back(row.first);
    return k;
  }();
  return kinds;
}

Result readResult(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    // A campaign folder (nnadc mc -o DIR) stands for its mc.json.
    if (!fs::exists(path / "summary.json", ec) && fs::is_regular_file(path / "mc.json", ec)) {
      return readResult(path / "mc.json");
    }
    return readFlowFolder(path);
  }
  io::Json j = io::loadJsonFile(path);
  std::string command;
  if (j.is_object() && j.contains("provenance") && j["provenance"].is_object()) {
    command = j["provenance"].value("command", "");
  }
  for (const auto& [name, reader] : readers()) {
    if (name != command) continue;
    if (name == "flow")
      return readFlowFolder(path.parent_path().empty() ? "." : path.parent_path());
    Result r;
    r.kind = name;
    r.path = path;
    reader(path, std::move(j), r);
    return r;
  }
  throw InputError("NNADC-REP-001", "'" + path.string() +
                                        "' is not an nnadc result of a kind the report knows (" +
                                        (command.empty() ? std::string("no provenance.command")
                                                         : "provenance.command '" + command + "'") +
                                        "; known: " + kindList() + ", or a flow folder)");
}

}  // namespace nnadc::report
