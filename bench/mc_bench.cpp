// Monte-Carlo campaign speed (issue #13): behavioural dies per second on the shipped 14-bit
// design with the per-die lookup (1 and 2 threads) and with the model converting directly (the
// baseline the lookup replaces, as `eval --draws` does), at the campaign's default records
// (2^14-sample sine, 16 ramp points per code, 2^15-point calibration ramp).
//   mc_bench [DIES] [DIRECT_DIES]      (defaults 40 and 4)
#include <chrono>
#include <cstdio>
#include <string>

#include "nnadc/io/design_json.h"
#include "nnadc/mc/campaign.h"

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
}  // namespace

int main(int argc, char** argv) {
  const int dies = argc > 1 ? std::stoi(argv[1]) : 40;
  const int direct_dies = argc > 2 ? std::stoi(argv[2]) : 4;
  const auto design =
      nnadc::io::loadDesign(std::string(NNADC_SOURCE_DIR) + "/training/adc14.design.json");
  std::printf("mc_bench: training/adc14.design.json, 1 %% RRAM spread\n");
  const double d1 = diesPerSecond(design, false, 1, direct_dies);
  const double l1 = diesPerSecond(design, true, 1, dies);
  const double l2 = diesPerSecond(design, true, 2, dies);
  std::printf("lookup / direct (1 thread): %.1fx; 2 threads / 1 thread: %.2fx\n", l1 / d1, l2 / l1);
  return 0;
}
