// Simulator benchmarks (issue 2): in-process libngspice vs an `ngspice -b` subprocess on the same
// deck, and worker-pool throughput with 1 vs 2 workers. Prints figures and ratios; never fails
// on timing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "nnadc/io/raw_reader.h"
#include "nnadc/sim/ngspice.h"
#include "nnadc/sim/pool.h"
#include "nnadc/spice/inverter.h"

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A chain of `stages` default inverters swept over 0..VDD: enough BSIM4 work per job that
// process start-up is not the whole story.
std::string chainDeck(int stages) {
  std::string models = nnadc::spice::modelCards({}, true);
  std::string deck = "* inverter chain\n" + models + "vdd vdd 0 1.2\nvin n0 0 0\n";
  for (int i = 0; i < stages; ++i) {
    const std::string a = "n" + std::to_string(i);
    const std::string b = "n" + std::to_string(i + 1);
    deck += "mp" + std::to_string(i) + " " + b + " " + a + " vdd vdd pmos130 w=0.6u l=0.13u\n";
    deck += "mn" + std::to_string(i) + " " + b + " " + a + " 0 0 nmos130 w=0.3u l=0.13u\n";
  }
  deck += ".dc vin 0 1.2 0.001\n.end\n";
  return deck;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 40;
  const std::string deck = chainDeck(16);
  std::printf("deck: 16-inverter chain, DC sweep of 1201 points; %d runs per measurement\n", runs);

  // Pool first: a process that has used ngspice in-process may not fork workers.
  double pool_rate[3] = {0, 0, 0};
  for (int workers = 1; workers <= 2; ++workers) {
    nnadc::sim::PoolOptions options;
    options.workers = workers;
    options.threads_per_worker = 1;  // isolate process parallelism from OpenMP
    nnadc::sim::WorkerPool pool(options);
    std::vector<nnadc::sim::RunRequest> jobs(static_cast<std::size_t>(runs));
    for (auto& job : jobs) {
      job.deck = deck;
      job.vectors = {"v(n16)"};
    }
    pool.runBatch({jobs.front()});  // warm-up: workers loaded ngspice
    const auto start = Clock::now();
    const auto outcomes = pool.runBatch(jobs);
    const double t = secondsSince(start);
    int ok = 0;
    for (const auto& o : outcomes) ok += o.ok ? 1 : 0;
    pool_rate[workers] = runs / t;
    std::printf("pool, %d worker(s): %d/%d jobs ok in %.3f s = %.2f jobs/s\n", workers, ok, runs, t,
                pool_rate[workers]);
  }
  std::printf("pool throughput ratio 2 workers / 1 worker: %.2f\n", pool_rate[2] / pool_rate[1]);

  // Subprocess vs in-process on a heavy deck (the chain) and a light one (a 121-point single
  // inverter sweep, where process start-up dominates).
  nnadc::spice::InverterSpec light_spec;
  light_spec.step_v = 0.01;
  const std::string light = nnadc::spice::inverterDcDeck(light_spec, {});
  const auto dir = std::filesystem::temp_directory_path() / "nnadc_sim_bench";
  std::filesystem::create_directories(dir);
  std::size_t points = 0;
  // Debian's ngspice CLI evaluates BSIM4 with 2 OpenMP threads unless told otherwise; compare
  // in-process at that count, and at the 1 thread the pool's workers use.
  nnadc::sim::NgspiceSimulator simulator;
  for (const auto& [label, text] : {std::pair{"16-inverter chain, 1201 points", deck},
                                    std::pair{"1 inverter, 121 points", light}}) {
    { std::ofstream(dir / "deck.cir") << text; }
    const std::string cmd = "ngspice -b -r " + (dir / "out.raw").string() + " " +
                            (dir / "deck.cir").string() + " > /dev/null 2>&1";
    auto start = Clock::now();
    for (int i = 0; i < runs; ++i) {
      if (std::system(cmd.c_str()) != 0) {
        std::printf("ngspice -b failed\n");
        return 1;
      }
      points += nnadc::io::readRawFile(dir / "out.raw").front().vectors.front().size();
    }
    const double t_sub = secondsSince(start) / runs;
    std::printf("%s:\n  ngspice -b subprocess + raw read (2 threads): %.2f ms/run\n", label,
                1e3 * t_sub);
    nnadc::sim::RunRequest request;
    request.deck = text;
    for (const int threads : {2, 1}) {
      simulator.command("set num_threads=" + std::to_string(threads));
      simulator.run(request);  // warm-up
      start = Clock::now();
      for (int i = 0; i < runs; ++i)
        points += simulator.run(request).plots.front().vectors[0].size();
      const double t_in = secondsSince(start) / runs;
      std::printf(
          "  in-process libngspice (%d thread%s):      %.2f ms/run, %.2fx the subprocess "
          "rate\n",
          threads, threads == 1 ? " " : "s", 1e3 * t_in, t_sub / t_in);
    }
  }
  std::printf("(%zu points read in all)\n", points);
  std::filesystem::remove_all(dir);
  return 0;
}
