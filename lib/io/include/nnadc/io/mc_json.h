#pragma once
/// Files of Monte-Carlo campaigns (`nnadc mc`): the variation recipe and the spec (inputs), the
/// resume journal, the per-die table (dies.csv, dies.json) and the summary (mc.json). Formats in
/// docs/montecarlo.md.
#include <filesystem>
#include <string>
#include <vector>

#include "nnadc/io/json.h"
#include "nnadc/mc/campaign.h"

namespace nnadc::io {

/// Variation recipe (examples/mc/variation.json). Paths inside it are relative to the file.
/// NNADC-CFG-001/002/003/005 name the file and field. The CMOS coefficients are not read here:
/// resolveMismatch() reads them for a design.
mc::Recipe loadVariationRecipe(const std::filesystem::path& path);
/// Reads the recipe's Pelgrom coefficients for the design's inverter (io/mismatch_json.h): the
/// recipe's cmos_mismatch.file, or the design's card's file when the recipe names none.
void resolveMismatch(mc::Recipe& recipe, const adc::Design& design);
/// The same for an inverter (training a design that does not exist yet).
void resolveMismatch(mc::Recipe& recipe, const adc::InverterSizing& inverter);
/// Spec (examples/mc/spec.json): {"confidence": 0.95, "criteria": {"enob": {"min": 13.5}, ...}}.
mc::Spec loadSpec(const std::filesystem::path& path);
/// The same from JSON already read (`file` names it in errors).
mc::Spec specFromJson(const Json& j, const std::string& file);

Json recipeJson(const mc::Recipe& recipe);
Json specJson(const mc::Spec& spec);
Json dieJson(const mc::DieResult& die);
/// NNADC-MC-005 naming `where` for a line that is not a die.
mc::DieResult dieFromJson(const Json& j, const std::string& where);

/// The per-die table: one row per die in index order; numbers as JSON writes them (shortest
/// round trip), so a resumed or merged campaign writes the same bytes.
std::string diesCsv(const std::vector<mc::DieResult>& dies);
Json diesJson(const std::vector<mc::DieResult>& dies);
/// mc.json: yield, intervals, statistics, worst dies, histogram data (no provenance: callers add
/// it).
Json campaignJson(const mc::CampaignSummary& summary, const mc::CampaignOptions& options,
                  const mc::Spec& spec);

/// The resume journal DIR/journal.jsonl: a header line {"campaign": key, "shard": [k, N]}, then one
/// die per line, each appended and fsync'd before it counts. Opening an existing journal checks
/// the header (NNADC-MC-005: another campaign) and drops a last line cut short by a kill.
class Journal {
 public:
  Journal(const std::filesystem::path& dir, const Json& header);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  [[nodiscard]] const std::vector<mc::DieResult>& resumed() const { return resumed_; }
  /// Appends a die and fsyncs (NNADC-IO-002 on failure).
  void append(const mc::DieResult& die);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<mc::DieResult> resumed_;
};

/// A journal's header and dies (for merge); NNADC-MC-005 if DIR has none.
struct JournalContents {
  Json header;
  std::vector<mc::DieResult> dies;
};
JournalContents readJournal(const std::filesystem::path& dir);

/// 64-bit FNV-1a of a file's bytes, as hex (the design's identity in a campaign header).
std::string fileDigest(const std::filesystem::path& path);

}  // namespace nnadc::io

namespace nnadc::io {
/// Writes DIR/dies.csv, DIR/dies.json and DIR/mc.json (summary + `provenance`), each atomically.
void writeCampaignFolder(const std::filesystem::path& dir, const mc::CampaignSummary& summary,
                         const mc::CampaignOptions& options, const mc::Spec& spec,
                         const Json& provenance, const Json& campaign);
}  // namespace nnadc::io
