#include "nnadc/mc/slurm.h"

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"

namespace nnadc::mc {

void SlurmOptions::validate() const {
  requireInRange("NNADC-CFG-003", "slurm-shards", shards, 1, 100000);
  requireInRange("NNADC-CFG-003", "slurm-cpus", cpus_per_task, 1, 4096);
  if (output.empty()) throw InputError("NNADC-CFG-005", "nnadc mc --slurm needs -o DIR");
}

std::string shellQuote(const std::string& word) {
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

SlurmScripts slurmScripts(const SlurmOptions& o) {
  o.validate();
  const std::string logs = shellQuote(o.output + "/slurm");
  const std::string header =
      "#!/bin/bash\n"
      "# Written by nnadc mc --slurm. Submit both jobs with submit.sh.\n";
  std::string partition = o.partition.empty() ? "" : "#SBATCH --partition=" + o.partition + "\n";
  std::string command = shellQuote(o.nnadc) + " mc";
  for (const auto& a : o.args) command += " " + shellQuote(a);
  SlurmScripts s;
  s.array =
      header + "#SBATCH --job-name=nnadc-mc\n#SBATCH --array=0-" + std::to_string(o.shards - 1) +
      "\n#SBATCH --cpus-per-task=" + std::to_string(o.cpus_per_task) +
      "\n#SBATCH --ntasks=1\n#SBATCH --time=" + o.time + "\n" + partition +
      "#SBATCH --output=" + o.output + "/slurm/shard-%a.log\n" +
      "set -euo pipefail\n"
      "# One shard per array task; rerunning a task resumes its journal.\n"
      "shard=\"${SLURM_ARRAY_TASK_ID:?run as a Slurm array task}\"\n"
      "workers=\"${SLURM_CPUS_PER_TASK:-1}\"\n"
      "exec " +
      command + " --shard \"${shard}/" + std::to_string(o.shards) +
      "\" --workers \"${workers}\" --quiet -o " + shellQuote(o.output) + "/shard-\"${shard}\"\n";
  std::string shard_dirs;
  for (int k = 0; k < o.shards; ++k) {
    shard_dirs += " " + shellQuote(o.output + "/shard-" + std::to_string(k));
  }
  s.merge = header + "#SBATCH --job-name=nnadc-mc-merge\n#SBATCH --cpus-per-task=1\n" +
            "#SBATCH --ntasks=1\n#SBATCH --time=00:30:00\n" + partition +
            "#SBATCH --output=" + o.output + "/slurm/merge.log\n" + "set -euo pipefail\n" +
            "exec " + shellQuote(o.nnadc) + " mc merge" + shard_dirs + " --quiet -o " +
            shellQuote(o.output) + "\n";
  s.submit =
      "#!/bin/bash\n"
      "# Submits the shard array, then the merge job once every array task succeeded.\n"
      "set -euo pipefail\n"
      "mkdir -p " +
      logs + "\n" + "array_id=$(sbatch --parsable " + logs +
      "/array.sbatch)\n"
      "array_id=\"${array_id%%;*}\"  # --parsable prints id[;cluster]\n"
      "sbatch --dependency=afterok:\"${array_id}\" " +
      logs +
      "/merge.sbatch\n"
      "echo \"submitted array ${array_id} and its merge\"\n";
  return s;
}

}  // namespace nnadc::mc
