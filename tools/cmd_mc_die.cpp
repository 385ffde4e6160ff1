// nnadc mc: the campaign's engine, and --die K: one die alone with everything inside it.
#include <filesystem>

#include "cmd_mc.h"
#include "nnadc/core/rng.h"
#include "nnadc/io/file.h"
#include "nnadc/io/results_json.h"
#include "nnadc/mc/spice_engine.h"

namespace nnadc::cli {

std::unique_ptr<mc::Engine> makeEngine(McCliOptions& o, const adc::Design& design,
                                       const mc::Recipe& recipe, Logger& logger,
                                       std::unique_ptr<sim::WorkerPool>& pool) {
  if (o.engine != "spice")
    return std::make_unique<mc::BehaviouralEngine>(design, recipe, o.behavioural);
  o.deck.resolve("ngspice");
  eval::BenchOptions bench;
  bench.deck = o.deck.deck;
  bench.timeout_s = o.pool.timeout_s;
  bench.validate(design);  // input errors before any worker starts
  pool = std::make_unique<sim::WorkerPool>(o.pool.pool(logger));
  return std::make_unique<mc::SpiceEngine>(*pool, design, recipe, bench, o.behavioural);
}

int runOneDie(const McCliOptions& o, mc::Engine& engine, const io::Json& provenance) {
  const int k = *o.die;
  const std::filesystem::path dir(o.common.output);
  const std::string stem = "die-" + std::to_string(k);
  mc::DieResult r;
  r.index = k;
  r.seed = Rng::sampleSeed(o.campaign.seed, static_cast<std::uint64_t>(k));
  io::Json j;
  if (auto* spice = dynamic_cast<mc::SpiceEngine*>(&engine)) {
    std::string deck;
    const eval::BenchSummary s = spice->measure(k, &deck);
    io::writeFileAtomic(dir / (stem + ".cir"), deck);
    r.metrics = spice->metricsOf(s);
    j = io::dieJson(r);
    j["deck"] = (dir / (stem + ".cir")).string();
    j["bench"] = io::benchJson(s, o.deck.design);
  } else {
    const auto d = dynamic_cast<mc::BehaviouralEngine&>(engine).detail(k);
    r.metrics = d.metrics;
    j = io::dieJson(r);
    j["transitions_v"] = d.transitions_v;
    j["table_v"] = d.codes.table;
    io::Json stages = io::Json::array();
    for (const auto& s : d.g.adc) {
      stages.push_back({{"g1_s", std::vector<double>(s.g1.data(), s.g1.data() + s.g1.size())},
                        {"g2_s", std::vector<double>(s.g2.data(), s.g2.data() + s.g2.size())}});
    }
    j["conductances"] = stages;
    j["sine_codes"] = d.codes.sine;
  }
  j.erase("pass");  // no spec: a die alone is measured, not judged
  j.erase("violated");
  j["provenance"] = provenance;
  io::writeFileAtomic(dir / (stem + ".json"), io::dumpJson(j));
  printSummary(o.common, "mc: die " + std::to_string(k) + " (seed " + std::to_string(r.seed) +
                             ") ENOB " + std::to_string(r.metrics[0].value_or(0.0)) + " -> " +
                             (dir / (stem + ".json")).string());
  return kExitOk;
}

}  // namespace nnadc::cli
