// ngspice throughput of the whole pipelined converter: the static bench of the shipped 14-bit
// design (training/adc14.design.json unless given) on 4096 inputs in fixed 256-point chunks with 1
// and 2 worker processes, and the clocked transient bench's wall time per sample. Prints figures
// and ratios; never fails on timing.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nnadc/io/design_json.h"
#include "nnadc/sim/pipeline_bench.h"

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : std::string(NNADC_SOURCE_DIR) + "/training/adc14.design.json";
  const nnadc::adc::Design design = nnadc::io::loadDesign(path);
  nnadc::spice::DeckOptions options;
  options.points = argc > 2 ? std::atoi(argv[2]) : 4096;
  options.samples = argc > 3 ? std::atoi(argv[3]) : 128;
  std::printf("%s: %zu stages; static bench %d points in chunks of %d\n", path.c_str(),
              design.pipeline.stages.size(), options.points, nnadc::sim::kStaticChunkPoints);
  std::fflush(stdout);  // before the pools fork
  double rate[3] = {0, 0, 0};
  double per_sample[3] = {0, 0, 0};
  for (int workers = 1; workers <= 2; ++workers) {
    nnadc::sim::PoolOptions pool_options;
    pool_options.workers = workers;
    pool_options.threads_per_worker = 1;  // process parallelism only
    nnadc::sim::WorkerPool pool(pool_options);
    nnadc::spice::DeckOptions warm = options;
    warm.points = nnadc::sim::kStaticChunkPoints * workers;
    (void)nnadc::sim::runPipelineStatic(pool, design, warm, 600.0);  // workers have loaded ngspice
    const auto run = nnadc::sim::runPipelineStatic(pool, design, options, 600.0);
    rate[workers] = static_cast<double>(run.codes.size()) / run.elapsed_s;
    std::printf("static, %d worker(s): %zu conversions in %.3f s = %.0f conversions/s (%zu jobs)\n",
                workers, run.codes.size(), run.elapsed_s, rate[workers], run.jobs);
    const auto tran = nnadc::sim::runPipelineTransient(pool, design, options, 600.0);
    per_sample[workers] = tran.elapsed_s / static_cast<double>(tran.codes.size());
    std::printf(
        "transient, %d worker(s): %zu samples at %.3g Hz in %.3f s = %.4f s per sample "
        "(%zu jobs of %d samples + %d warm-up)\n",
        workers, tran.codes.size(), options.fs_hz, tran.elapsed_s, per_sample[workers], tran.jobs,
        nnadc::sim::kTransientChunkSamples, nnadc::sim::kTransientWarmupSamples);
    std::fflush(stdout);  // before the next pool forks
  }
  std::printf("static throughput ratio 2 workers / 1 worker: %.2f\n", rate[2] / rate[1]);
  std::printf("transient speed-up 2 workers / 1 worker: %.2f\n", per_sample[1] / per_sample[2]);
  return 0;
}
