// Monte-Carlo campaign speed (issue #13): behavioural dies per second on the shipped 14-bit
// design with the per-die lookup (1 and 2 threads) and with the model converting directly (the
// baseline the lookup replaces, as `eval --draws` does), at the campaign's default records
// (2^14-sample sine, 16 ramp points per code, 2^15-point calibration ramp).
// Then the SPICE engine: dies per minute of the static-sine bench (1024 points) with 1 and 2
// workers (ngspice worker processes, one thread each).
//   mc_bench [DIES] [DIRECT_DIES] [SPICE_DIES]      (defaults 40, 4, 3; SPICE_DIES 0 skips)
#include <chrono>
#include <cstdio>
#include <string>

#include "nnadc/io/design_json.h"
#include "nnadc/mc/campaign.h"
#include "nnadc/mc/spice_engine.h"

namespace {
double diesPerSecond(const nnadc::adc::Design& design, bool lookup, int threads, int dies) {
  nnadc::mc::Recipe recipe;
  recipe.rram_sigma = 0.01;
  nnadc::mc::BehaviouralOptions o;
  o.lookup = lookup;
  o.threads = threads;
  nnadc::mc::BehaviouralEngine engine(design, recipe, o);
  nnadc::mc::Spec spec;
  spec.criteria.push_back({nnadc::mc::Metric::kEnob, 13.5, std::nullopt});
  nnadc::mc::CampaignOptions c;
  c.dies = dies;
  const auto t0 = std::chrono::steady_clock::now();
  const auto s = nnadc::mc::runCampaign(engine, spec, c, {}, [](const nnadc::mc::DieResult&) {});
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("  %-6s %d thread(s): %d dies in %.2f s = %.2f dies/s (median ENOB %.3f)\n",
              lookup ? "lookup" : "direct", threads, dies, dt, dies / dt,
              s.statistics.empty() ? 0.0 : s.statistics[0].median);
  return dies / dt;
}
double spiceDiesPerMinute(const nnadc::adc::Design& design, int workers, int dies) {
  std::fflush(stdout);  // before the pool forks
  nnadc::sim::PoolOptions po;
  po.workers = workers;
  po.threads_per_worker = 1;  // process parallelism only
  nnadc::sim::WorkerPool pool(po);
  nnadc::mc::Recipe recipe;
  recipe.rram_sigma = 0.01;
  nnadc::eval::BenchOptions bench;
  bench.deck.bench = nnadc::spice::Bench::kStatic;
  bench.deck.static_sine = true;
  bench.deck.points = 1024;
  nnadc::mc::SpiceEngine engine(pool, design, recipe, bench, {});
  (void)engine.run(dies);  // a die outside the timed ones: the workers have loaded ngspice
  const auto t0 = std::chrono::steady_clock::now();
  double enob = 0.0;
  for (int k = 0; k < dies; ++k) enob += engine.run(k)[0].value_or(0.0);
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "  spice  %d worker(s): %d dies in %.1f s = %.1f dies/min (%.2f s/die, mean ENOB %.3f)\n",
      workers, dies, dt, 60.0 * dies / dt, dt / dies, enob / dies);
  return 60.0 * dies / dt;
}
}  // namespace

int main(int argc, char** argv) {
  const int dies = argc > 1 ? std::stoi(argv[1]) : 40;
  const int direct_dies = argc > 2 ? std::stoi(argv[2]) : 4;
  const int spice_dies = argc > 3 ? std::stoi(argv[3]) : 3;
  const auto design =
      nnadc::io::loadDesign(std::string(NNADC_SOURCE_DIR) + "/training/adc14.design.json");
  std::printf("mc_bench: training/adc14.design.json, 1 %% RRAM spread\n");
  const double d1 = direct_dies > 0 ? diesPerSecond(design, false, 1, direct_dies) : 1.0;
  const double l1 = diesPerSecond(design, true, 1, dies);
  const double l2 = diesPerSecond(design, true, 2, dies);
  std::printf("lookup / direct (1 thread): %.1fx; 2 threads / 1 thread: %.2fx\n", l1 / d1, l2 / l1);
  if (spice_dies > 0) {
    const double s1 = spiceDiesPerMinute(design, 1, spice_dies);
    const double s2 = spiceDiesPerMinute(design, 2, spice_dies);
    std::printf("spice 2 workers / 1 worker: %.2fx\n", s2 / s1);
  }
  return 0;
}
