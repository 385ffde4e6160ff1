#pragma once
/// Slurm job scripts of a sharded campaign (`nnadc mc --slurm`): a job array with one shard per
/// task (workers = SLURM_CPUS_PER_TASK) and a merge job that runs after every task succeeded
/// (sbatch --dependency=afterok:<array id>), both submitted by submit.sh.
#include <string>
#include <vector>

namespace nnadc::mc {

struct SlurmOptions {
  std::string nnadc;              ///< absolute path of the nnadc executable
  std::vector<std::string> args;  ///< the campaign's `nnadc mc` options (no shard/-o/workers)
  std::string output;             ///< campaign folder (absolute): shards in output/shard-<k>
  int shards = 4;                 ///< array tasks
  int cpus_per_task = 2;
  std::string time = "04:00:00";  ///< per task (sbatch --time)
  std::string partition;          ///< empty: the cluster's default
  void validate() const;          ///< NNADC-CFG-003
};

/// Quotes one word for bash (single quotes; ' as '\'').
std::string shellQuote(const std::string& word);

struct SlurmScripts {
  std::string array;   ///< array.sbatch
  std::string merge;   ///< merge.sbatch
  std::string submit;  ///< submit.sh
};
SlurmScripts slurmScripts(const SlurmOptions& options);

}  // namespace nnadc::mc
