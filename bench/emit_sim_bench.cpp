// Static-bench throughput of `nnadc sim --design` (issue 6): a trained 4-bit stage, 4096 inputs
// split into fixed chunks over the worker pool, with 1 and 2 worker processes. Prints
// conversions per second and the ratio; never fails on timing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nnadc/io/design_json.h"
#include "nnadc/sim/stage_bench.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: emit_sim_bench DESIGN.json [points]\n"
                 "  (a design from: nnadc train --config training/stage4.json -o DESIGN.json)\n");
    return 2;
  }
  const nnadc::adc::Design design = nnadc::io::loadDesign(argv[1]);
  nnadc::spice::DeckOptions options;
  options.points = argc > 2 ? std::atoi(argv[2]) : 4096;
  std::printf("static bench: %d points, chunks of %d\n", options.points,
              nnadc::sim::kStaticChunkPoints);
  double rate[3] = {0, 0, 0};
  for (int workers = 1; workers <= 2; ++workers) {
    nnadc::sim::PoolOptions pool_options;
    pool_options.workers = workers;
    pool_options.threads_per_worker = 1;  // process parallelism only
    nnadc::sim::WorkerPool pool(pool_options);
    nnadc::spice::DeckOptions warm = options;
    warm.points = nnadc::sim::kStaticChunkPoints;
    (void)nnadc::sim::runStatic(pool, design, warm, 600.0);  // workers have loaded ngspice
    const auto run = nnadc::sim::runStatic(pool, design, options, 600.0);
    rate[workers] = static_cast<double>(run.words.size()) / run.elapsed_s;
    std::printf("%d worker(s): %zu conversions in %.3f s = %.0f conversions/s (%zu jobs)\n",
                workers, run.words.size(), run.elapsed_s, rate[workers], run.jobs);
  }
  std::printf("throughput ratio 2 workers / 1 worker: %.2f\n", rate[2] / rate[1]);
  return 0;
}
