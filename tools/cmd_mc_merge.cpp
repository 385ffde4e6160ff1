// nnadc mc merge DIR... -o OUT: combines the shards of a campaign into the result an unsharded
// run writes; and nnadc mc --slurm: the job scripts that run the shards on a cluster.
#include <unistd.h>

#include <climits>
#include <filesystem>

#include "cmd_mc.h"
#include "nnadc/core/error.h"
#include "nnadc/io/file.h"
#include "nnadc/mc/slurm.h"

namespace nnadc::cli {

namespace fs = std::filesystem;

void resolveShard(McCliOptions& o) {
  const auto slash = o.shard.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no '/'");
    std::size_t used = 0;
    o.campaign.shard = std::stoi(o.shard.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("k");
    o.campaign.shards = std::stoi(o.shard.substr(slash + 1), &used);
    if (used != o.shard.size() - slash - 1) throw std::invalid_argument("N");
  } catch (const std::exception&) {
    throw InputError("NNADC-CFG-003", "--shard '" + o.shard + "' is not k/N (0 <= k < N)");
  }
}

int writeSlurm(McCliOptions& o) {
  mc::SlurmOptions s;
  char exe[PATH_MAX] = {};
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  s.nnadc = n > 0 ? std::string(exe, static_cast<std::size_t>(n)) : "nnadc";
  s.output = fs::absolute(o.common.output).lexically_normal().string();
  s.shards = o.slurm_shards;
  s.cpus_per_task = o.slurm_cpus;
  s.time = o.slurm_time;
  s.partition = o.slurm_partition;
  const auto abs = [](const std::string& p) { return fs::absolute(p).lexically_normal().string(); };
  s.args = {"--design",         abs(o.deck.design),
            "--recipe",         abs(o.recipe),
            "--spec",           abs(o.spec),
            "--engine",         o.engine,
            "--dies",           std::to_string(o.campaign.dies),
            "--seed",           std::to_string(o.campaign.seed),
            "--sine-log2",      std::to_string(o.behavioural.sine_log2),
            "--ramp-per-level", std::to_string(o.behavioural.ramp_per_code)};
  if (!o.behavioural.recalibrate) s.args.emplace_back("--no-recalibrate");
  if (o.direct) s.args.emplace_back("--direct");
  if (o.spec.empty()) throw InputError("NNADC-CFG-005", "nnadc mc --slurm needs --spec FILE");
  if (o.campaign.until_ci > 0.0) {
    throw InputError("NNADC-MC-003",
                     "--until-ci cannot stop a sharded (Slurm) campaign: give "
                     "--dies without --until-ci");
  }
  const mc::SlurmScripts scripts = mc::slurmScripts(s);
  const fs::path dir = fs::path(s.output) / "slurm";
  io::writeFileAtomic(dir / "array.sbatch", scripts.array);
  io::writeFileAtomic(dir / "merge.sbatch", scripts.merge);
  io::writeFileAtomic(dir / "submit.sh", scripts.submit);
  fs::permissions(dir / "submit.sh", fs::perms::owner_exec | fs::perms::group_exec,
                  fs::perm_options::add);
  printSummary(o.common, "mc: Slurm array of " + std::to_string(s.shards) +
                             " shards and its merge job -> " + (dir / "submit.sh").string());
  return kExitOk;
}

namespace {

struct MergeOptions {
  CommonOptions common;
  std::vector<std::string> dirs;
};

int runMerge(CLI::App& sub, MergeOptions& o) {
  if (o.dirs.empty()) throw InputError("NNADC-CFG-005", "nnadc mc merge needs shard folders");
  std::vector<io::JournalContents> shards;
  for (const auto& d : o.dirs) shards.push_back(io::readJournal(d));
  const io::Json& key = shards.front().header.at("campaign");
  const int count = shards.front().header.at("shard").at(1).get<int>();
  std::vector<bool> seen(static_cast<std::size_t>(count), false);
  std::vector<std::vector<mc::DieResult>> dies;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const io::Json& h = shards[i].header;
    if (h.at("campaign") != key || h.at("shard").at(1).get<int>() != count) {
      throw InputError("NNADC-MC-004", "'" + o.dirs[i] + "' is a shard of another campaign than '" +
                                           o.dirs.front() + "'");
    }
    seen[h.at("shard").at(0).get<std::size_t>()] = true;
    dies.push_back(shards[i].dies);
  }
  for (int k = 0; k < count; ++k) {
    if (!seen[static_cast<std::size_t>(k)]) {
      throw InputError("NNADC-MC-004", "shard " + std::to_string(k) + "/" + std::to_string(count) +
                                           " is not among the folders");
    }
  }
  // The spec travels with each shard's summary; all shards of one campaign share it.
  const io::Json summary = io::loadJsonFile(fs::path(o.dirs.front()) / "mc.json");
  const mc::Spec spec =
      io::specFromJson(summary.at("spec"), (fs::path(o.dirs.front()) / "mc.json").string());
  mc::CampaignOptions options;
  options.dies = key.at("dies").get<int>();
  options.seed = key.at("seed").get<std::uint64_t>();
  auto merged = mc::mergeDies(dies, options.dies);
  for (auto& d : merged) mc::judge(spec, d);
  const auto s = mc::summarize(std::move(merged), spec, options);
  io::Provenance provenance;
  provenance.command = "mc";
  provenance.config = effectiveConfig(sub);
  provenance.seed = options.seed;
  io::writeCampaignFolder(o.common.output, s, options, spec, io::provenanceJson(provenance), key);
  printSummary(o.common, "mc merge: " + std::to_string(shards.size()) + " shards, " +
                             std::to_string(s.dies.size()) + " dies, yield " +
                             std::to_string(s.passed) + "/" + std::to_string(s.dies.size()) +
                             " -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addMcMergeCommand(CLI::App& mc, int& exit_code) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* sub = mc.add_subcommand(
      "merge", "Combine the shard folders of one campaign into the unsharded result");
  addCommonOptions(*sub, options->common, "mc");
  sub->add_option("dirs", options->dirs, "Shard folders (nnadc mc --shard k/N -o DIR)");
  setRun(
      *sub, options->common, [sub, options] { return runMerge(*sub, *options); }, exit_code);
}

}  // namespace nnadc::cli
