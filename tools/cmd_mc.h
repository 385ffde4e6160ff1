#pragma once
// nnadc mc: the Monte-Carlo campaign's options, shared by cmd_mc.cpp (the campaign, one die) and
// cmd_mc_merge.cpp (merge, Slurm scripts).
#include "cli_common.h"
#include "nnadc/io/mc_json.h"
#include "nnadc/mc/campaign.h"
#include "option_groups.h"

#include <memory>

namespace nnadc::cli {

struct McCliOptions {
  CommonOptions common;
  DeckCliOptions deck;  ///< --design and the SPICE bench options
  PoolCliOptions pool;  ///< --workers (threads of the behavioural engine), --timeout
  std::string recipe;
  std::string spec;
  std::string engine = "behavioural";
  std::string shard = "0/1";
  mc::CampaignOptions campaign;
  mc::BehaviouralOptions behavioural;
  bool direct = false;  ///< no lookup fast path
  std::optional<int> die;
  bool slurm = false;
  int slurm_shards = 4;
  int slurm_cpus = 2;
  std::string slurm_time = "04:00:00";
  std::string slurm_partition;
  std::vector<std::string> merge_dirs;
};

/// Parses --shard k/N into the campaign options (NNADC-CFG-003).
void resolveShard(McCliOptions& o);
/// Writes the Slurm scripts into DIR/slurm (nnadc mc --slurm).
int writeSlurm(McCliOptions& o);
/// `nnadc mc --die K`: die K alone with its insides -> DIR/die-K.json (the SPICE engine also
/// writes its deck DIR/die-K.cir, which `nnadc sim --deck` runs keeping every node).
int runOneDie(const McCliOptions& o, mc::Engine& engine, const io::Json& provenance);
/// The campaign's engine: the behavioural model, or SPICE on a worker pool it starts into `pool`.
std::unique_ptr<mc::Engine> makeEngine(McCliOptions& o, const adc::Design& design,
                                       const mc::Recipe& recipe, Logger& logger,
                                       std::unique_ptr<sim::WorkerPool>& pool);
/// Registers `nnadc mc merge DIR... -o OUT` under `mc`.
void addMcMergeCommand(CLI::App& mc, int& exit_code);

}  // namespace nnadc::cli
