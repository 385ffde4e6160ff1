// nnadc mc end to end on the shipped 14-bit design (small records so that it runs in seconds):
// shards N = 1, 2, 3, a SIGKILL in the middle of a campaign and the Slurm array's own commands
// run locally all give byte-identical per-die tables.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../run_command.h"
#include "../test_paths.h"

namespace fs = std::filesystem;
using nnadc::test::runCommand;

namespace {
std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t lines(const fs::path& p) {
  const std::string t = read(p);
  return static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n'));
}

// A quick campaign: 2^12-sample sine, 2 ramp points per code, 4096-point calibration ramp.
std::string campaign(int dies) {
  const fs::path src = nnadc::test::sourceDir();
  return nnadc::test::nnadcExe().string() + " mc --design " + nnadc::test::adc14().string() +
         " --recipe " + (src / "examples/mc/variation.json").string() + " --spec " +
         (src / "examples/mc/spec.json").string() + " --dies " + std::to_string(dies) +
         " --seed 21 --sine-log2 12 --ramp-per-level 2 --quiet";
}
}  // namespace

TEST_SUITE("mc_cli") {
  TEST_CASE("ShardedCampaignsMergeToTheUnshardedTable") {
    const fs::path dir = nnadc::test::scratchDir("mc_shards");
    const auto whole = runCommand(campaign(9) + " --workers 2 -o " + (dir / "whole").string());
    REQUIRE_MESSAGE(whole.exit_code == 0, whole.output);
    const std::string csv = read(dir / "whole/dies.csv");
    CHECK(lines(dir / "whole/dies.csv") == 10);
    for (const int n : {1, 2, 3}) {
      std::string shards;
      for (int k = 0; k < n; ++k) {
        const fs::path out = dir / ("s" + std::to_string(n) + "-" + std::to_string(k));
        const auto r = runCommand(campaign(9) + " --workers 1 --shard " + std::to_string(k) + "/" +
                                  std::to_string(n) + " -o " + out.string());
        REQUIRE_MESSAGE(r.exit_code == 0, r.output);
        shards += " " + out.string();
      }
      const fs::path merged = dir / ("merged" + std::to_string(n));
      const auto m = runCommand(nnadc::test::nnadcExe().string() + " mc merge" + shards +
                                " --quiet -o " + merged.string());
      REQUIRE_MESSAGE(m.exit_code == 0, m.output);
      CHECK(read(merged / "dies.csv") == csv);
      CHECK(read(merged / "dies.json") == read(dir / "whole/dies.json"));
    }
    // The report reads the campaign folder: its yield is the pass column of dies.csv.
    int pass = 0;
    int dies = 0;
    std::istringstream rows(csv);
    std::string row;
    std::getline(rows, row);  // header
    while (std::getline(rows, row)) {
      ++dies;
      pass += row.substr(row.find(',', row.find(',') + 1) + 1, 1) == "1" ? 1 : 0;
    }
    const auto rep =
        runCommand(nnadc::test::nnadcExe().string() + " report " + (dir / "whole").string() +
                   " --quiet -o " + (dir / "report.html").string());
    REQUIRE_MESSAGE(rep.exit_code == 0, rep.output);
    const std::string page = read(dir / "report.html");
    CHECK(page.find("data-kind=\"mc\"") != std::string::npos);
    CHECK(page.find("Monte-Carlo campaign: ENOB histogram") != std::string::npos);
    char yield[32];
    std::snprintf(yield, sizeof yield, ">%.1f</span>", 100.0 * pass / dies);
    CHECK(page.find(std::string("data-ptr=\"/yield\"")) != std::string::npos);
    CHECK(page.find(yield) != std::string::npos);
    // A shard missing: refused, naming it.
    const auto bad =
        runCommand(nnadc::test::nnadcExe().string() + " mc merge " + (dir / "s3-0").string() + " " +
                   (dir / "s3-2").string() + " -o " + (dir / "bad").string());
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("NNADC-MC-004") != std::string::npos);
  }

  TEST_CASE("SigkilledCampaignResumesToTheSameTable") {
    const fs::path dir = nnadc::test::scratchDir("mc_resume");
    const auto whole = runCommand(campaign(12) + " --workers 2 -o " + (dir / "whole").string());
    REQUIRE_MESSAGE(whole.exit_code == 0, whole.output);
    const fs::path out = dir / "killed";
    const fs::path pid_file = dir / "pid";
    // Start in the background, kill -9 once the journal holds some dies (header + >= 3).
    REQUIRE(runCommand("(" + campaign(12) + " --workers 2 -o " + out.string() +
                       " > /dev/null 2>&1 & echo $! > " + pid_file.string() + ")")
                .exit_code == 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (!(fs::exists(out / "journal.jsonl") && lines(out / "journal.jsonl") >= 4) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string pid = read(pid_file);
    REQUIRE(runCommand("kill -9 " + pid).exit_code == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::size_t done = lines(out / "journal.jsonl") - 1;
    CHECK(done < 12);  // it was killed before the end
    CHECK(!fs::exists(out / "dies.csv"));
    const auto resumed = runCommand(campaign(12) + " --workers 2 -o " + out.string());
    REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.output);
    CHECK(read(out / "dies.csv") == read(dir / "whole/dies.csv"));
    CHECK(lines(out / "journal.jsonl") == 13);  // header + every die once
    // Another campaign in the same folder is refused.
    const auto other = runCommand(campaign(13) + " -o " + out.string());
    CHECK(other.exit_code == 2);
    CHECK(other.output.find("NNADC-MC-005") != std::string::npos);
  }

  TEST_CASE("BadInputsAreRefusedNamingTheFieldAndWriteNothing") {
    const fs::path dir = nnadc::test::scratchDir("mc_bad");
    const fs::path src = nnadc::test::sourceDir();
    const std::string base = nnadc::test::nnadcExe().string() + " mc --design " +
                             nnadc::test::adc14().string() + " --dies 2";
    const auto write = [&](const char* name, const char* text) {
      std::ofstream(dir / name) << text;
      return (dir / name).string();
    };
    const std::string recipe = (src / "examples/mc/variation.json").string();
    struct Case {
      std::string args;
      const char* id;
      const char* names;
    };
    const Case cases[] = {
        {" --recipe " + recipe + " --spec " +
             write("power.json", R"({"criteria": {"power_w": {"max": 1e-3}}})"),
         "NNADC-MC-002", "power_w"},
        {" --recipe " + recipe + " --spec " + write("none.json", R"({"criteria": {"enob": {}}})"),
         "NNADC-MC-002", "enob"},
        {" --recipe " + write("typo.json", R"({"rram": {"sigmaa": 0.01}})") + " --spec " +
             (src / "examples/mc/spec.json").string(),
         "NNADC-CFG-001", "sigmaa"},
        {" --recipe " + recipe + " --spec " + (src / "examples/mc/spec.json").string() +
             " --engine hspice",
         "NNADC-MC-001", "hspice"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.args);
      const fs::path out = dir / "out";
      const auto r = runCommand(base + c.args + " -o " + out.string());
      CHECK(r.exit_code == 2);
      CHECK(r.output.find(c.id) != std::string::npos);
      CHECK(r.output.find(c.names) != std::string::npos);
      CHECK_FALSE(fs::exists(out));
    }
  }

  TEST_CASE("SlurmScriptsRunLocallyGiveTheUnshardedTable") {
    const fs::path dir = nnadc::test::scratchDir("mc_slurm");
    const auto whole = runCommand(campaign(6) + " --workers 2 -o " + (dir / "whole").string());
    REQUIRE_MESSAGE(whole.exit_code == 0, whole.output);
    const fs::path out = dir / "cluster";
    const auto gen =
        runCommand(campaign(6) + " --slurm --slurm-shards 3 --slurm-cpus 1 -o " + out.string());
    REQUIRE_MESSAGE(gen.exit_code == 0, gen.output);
    const std::string array = read(out / "slurm/array.sbatch");
    CHECK(array.find("#SBATCH --array=0-2") != std::string::npos);
    CHECK(array.find("--workers \"${workers}\"") != std::string::npos);
    CHECK(array.find("SLURM_CPUS_PER_TASK") != std::string::npos);
    const std::string submit = read(out / "slurm/submit.sh");
    CHECK(submit.find("sbatch --parsable") != std::string::npos);
    CHECK(submit.find("--dependency=afterok:") != std::string::npos);
    CHECK(read(out / "slurm/merge.sbatch").find(" mc merge ") != std::string::npos);
    // What Slurm would do: each array task with its id, then the merge job.
    for (int k = 0; k < 3; ++k) {
      const auto r =
          runCommand("SLURM_ARRAY_TASK_ID=" + std::to_string(k) + " SLURM_CPUS_PER_TASK=1 bash " +
                     (out / "slurm/array.sbatch").string());
      REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    }
    const auto m = runCommand("bash " + (out / "slurm/merge.sbatch").string());
    REQUIRE_MESSAGE(m.exit_code == 0, m.output);
    CHECK(read(out / "dies.csv") == read(dir / "whole/dies.csv"));
  }
}
