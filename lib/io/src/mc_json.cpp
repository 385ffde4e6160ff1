#include "nnadc/io/mc_json.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "nnadc/core/error.h"
#include "nnadc/io/fields.h"
#include "nnadc/io/file.h"
#include "nnadc/io/mismatch_json.h"

namespace nnadc::io {

namespace fs = std::filesystem;

namespace {
constexpr const char* kJournal = "journal.jsonl";

Json optional(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

std::string csvText(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}
}  // namespace

mc::Recipe loadVariationRecipe(const fs::path& path) {
  const Json j = loadJsonFile(path);
  FieldReader r(j, path.string());
  mc::Recipe recipe;
  {
    FieldReader rram = r.object("rram");
    recipe.rram_sigma = rram.number("sigma", 0.0, 0.0, 1.0);
    recipe.stuck_off_rate = rram.number("stuck_off_rate", 0.0, 0.0, 1.0);
    recipe.stuck_on_rate = rram.number("stuck_on_rate", 0.0, 0.0, 1.0);
    recipe.read_noise_sigma = rram.number("read_noise_sigma", 0.0, 0.0, 1.0);
    rram.finish();
  }
  if (r.has("cmos_mismatch")) {
    FieldReader cmos = r.object("cmos_mismatch");
    recipe.cmos_scale = cmos.number("scale", 1.0, 0.0, 100.0);
    if (cmos.has("file")) {
      const fs::path file = cmos.string("file", std::nullopt);
      recipe.cmos_file =
          (file.is_absolute() ? file : path.parent_path() / file).lexically_normal().string();
    }
    cmos.finish();
  }
  r.finish();
  recipe.validate();
  return recipe;
}

void resolveMismatch(mc::Recipe& recipe, const adc::Design& design) {
  resolveMismatch(recipe, design.inverter);
}

void resolveMismatch(mc::Recipe& recipe, const adc::InverterSizing& inverter) {
  if (recipe.cmos_scale <= 0.0) return;
  if (recipe.cmos_file.empty()) recipe.cmos_file = mismatchFile(inverter).string();
  recipe.cmos = loadMismatchCoefficients(recipe.cmos_file, inverter);
}

mc::Spec loadSpec(const fs::path& path) { return specFromJson(loadJsonFile(path), path.string()); }

mc::Spec specFromJson(const Json& j, const std::string& file) {
  const fs::path path(file);
  FieldReader r(j, path.string());
  mc::Spec spec;
  spec.confidence = r.number("confidence", 0.95, 0.5, 0.9999);
  const Json& criteria = r.raw("criteria");
  if (!criteria.is_object()) {
    throw InputError("NNADC-MC-002", path.string() +
                                         ": field 'criteria' must be an object of "
                                         "metric: {\"min\": x, \"max\": y}");
  }
  for (const auto& [name, bounds] : criteria.items()) {
    mc::Criterion c;
    c.metric = mc::parseMetric(name, path.string() + ": field 'criteria." + name + "'");
    FieldReader b(bounds, path.string(), "criteria." + name + ".");
    if (b.has("min")) c.min = b.number("min", std::nullopt, -1e300, 1e300);
    if (b.has("max")) c.max = b.number("max", std::nullopt, -1e300, 1e300);
    b.finish();
    spec.criteria.push_back(c);
  }
  r.finish();
  spec.validate();
  return spec;
}

Json recipeJson(const mc::Recipe& recipe) {
  Json j;
  j["rram"] = {{"sigma", recipe.rram_sigma},
               {"stuck_off_rate", recipe.stuck_off_rate},
               {"stuck_on_rate", recipe.stuck_on_rate},
               {"read_noise_sigma", recipe.read_noise_sigma}};
  if (recipe.cmos_scale > 0.0) {
    // The coefficients themselves (not only the file name): the campaign's identity changes when
    // the card's file does.
    j["cmos_mismatch"] = {{"file", recipe.cmos_file},
                          {"scale", recipe.cmos_scale},
                          {"nmos_a_vt_v_m", recipe.cmos.nmos.a_vt_v_m},
                          {"nmos_a_beta_m", recipe.cmos.nmos.a_beta_m},
                          {"pmos_a_vt_v_m", recipe.cmos.pmos.a_vt_v_m},
                          {"pmos_a_beta_m", recipe.cmos.pmos.a_beta_m}};
  }
  return j;
}

Json specJson(const mc::Spec& spec) {
  Json criteria = Json::object();
  for (const mc::Criterion& c : spec.criteria) {
    Json b = Json::object();
    if (c.min) b["min"] = *c.min;
    if (c.max) b["max"] = *c.max;
    criteria[mc::metricName(c.metric)] = b;
  }
  return {{"confidence", spec.confidence}, {"criteria", criteria}};
}

Json dieJson(const mc::DieResult& die) {
  Json j;
  j["die"] = die.index;
  j["seed"] = die.seed;
  j["pass"] = die.pass;
  j["simulated"] = die.simulated;
  j["attempts"] = die.attempts;
  for (int m = 0; m < mc::kMetricCount; ++m) {
    j[mc::metricName(static_cast<mc::Metric>(m))] =
        optional(die.metrics[static_cast<std::size_t>(m)]);
  }
  j["violated"] = die.violated;
  j["failure"] = die.simulated ? Json(nullptr) : Json(die.failure);
  return j;
}

mc::DieResult dieFromJson(const Json& j, const std::string& where) {
  try {
    mc::DieResult d;
    d.index = j.at("die").get<int>();
    d.seed = j.at("seed").get<std::uint64_t>();
    d.pass = j.at("pass").get<bool>();
    d.simulated = j.at("simulated").get<bool>();
    d.attempts = j.at("attempts").get<int>();
    for (int m = 0; m < mc::kMetricCount; ++m) {
      const Json& v = j.at(mc::metricName(static_cast<mc::Metric>(m)));
      if (!v.is_null()) d.metrics[static_cast<std::size_t>(m)] = v.get<double>();
    }
    d.violated = j.at("violated").get<std::vector<std::string>>();
    if (!j.at("failure").is_null()) d.failure = j.at("failure").get<std::string>();
    return d;
  } catch (const Json::exception& e) {
    throw InputError("NNADC-MC-005", where + ": not a die record (" + e.what() + ")");
  }
}

std::string diesCsv(const std::vector<mc::DieResult>& dies) {
  std::ostringstream s;
  s << "die,seed,pass,simulated,attempts";
  for (int m = 0; m < mc::kMetricCount; ++m) s << ',' << mc::metricName(static_cast<mc::Metric>(m));
  s << ",violated,failure\n";
  for (const mc::DieResult& d : dies) {
    s << d.index << ',' << d.seed << ',' << (d.pass ? 1 : 0) << ',' << (d.simulated ? 1 : 0) << ','
      << d.attempts;
    for (const auto& v : d.metrics) s << ',' << (v ? Json(*v).dump() : std::string());
    std::string violated;
    for (const auto& v : d.violated) violated += (violated.empty() ? "" : ";") + v;
    s << ',' << violated << ',' << csvText(d.failure) << '\n';
  }
  return s.str();
}

Json diesJson(const std::vector<mc::DieResult>& dies) {
  Json a = Json::array();
  for (const auto& d : dies) a.push_back(dieJson(d));
  return a;
}

Json campaignJson(const mc::CampaignSummary& s, const mc::CampaignOptions& options,
                  const mc::Spec& spec) {
  Json j;
  const int n = static_cast<int>(s.dies.size());
  j["dies"] = n;
  j["planned"] = s.planned;
  j["stopped_early"] = s.stopped_early;
  j["until_ci"] = options.until_ci;
  j["passed"] = s.passed;
  j["failed_simulations"] = s.failed_simulations;
  j["yield"] = n > 0 ? Json(static_cast<double>(s.passed) / n) : Json(nullptr);
  j["confidence"] = s.confidence;
  j["interval"] = "wilson";
  j["yield_wilson"] = {s.wilson.lo, s.wilson.hi};
  j["yield_clopper_pearson"] = {s.clopper_pearson.lo, s.clopper_pearson.hi};
  j["spec"] = specJson(spec);
  Json stats = Json::object();
  for (const mc::Statistics& st : s.statistics) {
    stats[st.metric] = {{"count", st.count}, {"min", st.min},       {"p5", st.p5},
                        {"p10", st.p10},     {"median", st.median}, {"p90", st.p90},
                        {"p95", st.p95},     {"max", st.max},       {"mean", st.mean}};
  }
  j["statistics"] = stats;
  Json worst = Json::array();
  for (const int i : s.worst) {
    const mc::DieResult& d = s.dies[static_cast<std::size_t>(i)];
    worst.push_back({{"die", d.index},
                     {"seed", d.seed},
                     {"pass", d.pass},
                     {"enob", optional(d.metrics[0])},
                     {"violated", d.violated},
                     {"failure", d.simulated ? Json(nullptr) : Json(d.failure)}});
  }
  j["worst_dies"] = worst;
  // Histogram data: every die's value of the metrics a report plots (die order).
  Json hist = Json::object();
  for (const mc::Metric m :
       {mc::Metric::kEnob, mc::Metric::kDnlAbsMax, mc::Metric::kInlAbsMax, mc::Metric::kPowerW}) {
    Json values = Json::array();
    for (const auto& d : s.dies) {
      if (const auto& v = d.metrics[static_cast<std::size_t>(m)]) values.push_back(*v);
    }
    if (!values.empty()) hist[mc::metricName(m)] = values;
  }
  j["histogram_data"] = hist;
  return j;
}

namespace {
std::vector<std::string> journalLines(const std::string& text, std::size_t& complete_bytes) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  complete_bytes = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') continue;
    lines.push_back(text.substr(start, i - start));
    start = i + 1;
    complete_bytes = start;
  }
  return lines;  // a last line without '\n' was cut short by a kill: dropped
}

[[noreturn]] void ioFailure(const fs::path& path, const char* what) {
  throw InputError("NNADC-IO-002", "cannot " + std::string(what) + " '" + path.string() +
                                       "': " + std::strerror(errno));
}
}  // namespace

Journal::Journal(const fs::path& dir, const Json& header) : path_(dir / kJournal) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError("NNADC-IO-002", "cannot create '" + dir.string() + "': " + ec.message());
  std::size_t keep = 0;
  if (fs::exists(path_)) {
    const std::string text = readTextFile(path_);
    const auto lines = journalLines(text, keep);
    if (!lines.empty()) {
      Json h;
      try {
        h = Json::parse(lines.front());
      } catch (const Json::exception&) {
        h = nullptr;
      }
      if (h != header) {
        throw InputError("NNADC-MC-005",
                         path_.string() +
                             " belongs to another campaign (design, recipe, seed, dies, engine "
                             "or shard differ): give another -o, or remove it to start over");
      }
      for (std::size_t i = 1; i < lines.size(); ++i) {
        Json die;
        try {
          die = Json::parse(lines[i]);
        } catch (const Json::exception& e) {
          throw InputError("NNADC-MC-005", path_.string() + ": line " + std::to_string(i + 1) +
                                               " is not JSON (" + e.what() + ")");
        }
        resumed_.push_back(dieFromJson(die, path_.string() + ": line " + std::to_string(i + 1)));
      }
    } else {
      keep = 0;
    }
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) ioFailure(path_, "open");
  if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(keep), SEEK_SET) < 0) {
    ioFailure(path_, "truncate");
  }
  if (keep == 0) {
    const std::string line = header.dump() + "\n";
    if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
        ::fsync(fd_) != 0) {
      ioFailure(path_, "write");
    }
  }
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::append(const mc::DieResult& die) {
  Json j = dieJson(die);
  const std::string line = j.dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t w = ::write(fd_, line.data() + done, line.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      ioFailure(path_, "append to");
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd_) != 0) ioFailure(path_, "fsync");
}

JournalContents readJournal(const fs::path& dir) {
  const fs::path path = dir / kJournal;
  if (!fs::exists(path)) {
    throw InputError("NNADC-MC-005",
                     "'" + dir.string() + "' holds no " + kJournal + " (not a campaign folder)");
  }
  std::size_t keep = 0;
  const auto lines = journalLines(readTextFile(path), keep);
  JournalContents c;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Json j;
    try {
      j = Json::parse(lines[i]);
    } catch (const Json::exception& e) {
      throw InputError("NNADC-MC-005", path.string() + ": line " + std::to_string(i + 1) +
                                           " is not JSON (" + e.what() + ")");
    }
    if (i == 0) {
      c.header = j;
    } else {
      c.dies.push_back(dieFromJson(j, path.string() + ": line " + std::to_string(i + 1)));
    }
  }
  if (c.header.is_null()) throw InputError("NNADC-MC-005", path.string() + " is empty");
  return c;
}

std::string fileDigest(const fs::path& path) {
  const std::string text = readTextFile(path);
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace nnadc::io

namespace nnadc::io {
void writeCampaignFolder(const std::filesystem::path& dir, const mc::CampaignSummary& summary,
                         const mc::CampaignOptions& options, const mc::Spec& spec,
                         const Json& provenance, const Json& campaign) {
  writeFileAtomic(dir / "dies.csv", diesCsv(summary.dies));
  writeFileAtomic(dir / "dies.json", dumpJson(diesJson(summary.dies)));
  Json j = campaignJson(summary, options, spec);
  j["campaign"] = campaign;
  j["provenance"] = provenance;
  writeFileAtomic(dir / "mc.json", dumpJson(j));
}
}  // namespace nnadc::io
