// nnadc mc: a Monte-Carlo campaign (lib/mc): dies drawn from a variation recipe, converted by the
// behavioural model, judged against a spec; journalled for resume, shardable (docs/montecarlo.md).
#include "cmd_mc.h"

#include <cstdio>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/mc/fan_out.h"
#include "nnadc/mc/spice_engine.h"

namespace nnadc::cli {

namespace {

// What makes two runs the same campaign (resume and merge check it); spec, until-ci, workers
// and shard are not part of it (the journal header records the shard beside it).
io::Json campaignKey(const McCliOptions& o, const mc::Recipe& recipe) {
  // The design by content, not path: a campaign resumes or merges from another working directory.
  return {{"design_digest", io::fileDigest(o.deck.design)},
          {"recipe", io::recipeJson(recipe)},
          {"seed", o.campaign.seed},
          {"dies", o.campaign.dies},
          {"engine", o.engine},
          {"sine_log2", o.behavioural.sine_log2},
          {"ramp_per_level", o.behavioural.ramp_per_code},
          {"recalibrate", o.behavioural.recalibrate},
          {"lookup", o.behavioural.lookup},
          {"bench", o.engine == "spice" ? io::Json{{"bench", o.deck.bench},
                                                   {"points", o.deck.deck.points},
                                                   {"static_sine", o.deck.deck.static_sine},
                                                   {"samples", o.deck.deck.samples}}
                                        : io::Json(nullptr)}};
}

int runMc(CLI::App& sub, McCliOptions& o) {
  resolveConfigPaths(o.common,
                     {{&o.deck.design, "design"}, {&o.recipe, "recipe"}, {&o.spec, "spec"}});
  if (o.deck.design.empty()) throw InputError("NNADC-CFG-005", "nnadc mc needs --design FILE");
  if (o.recipe.empty()) throw InputError("NNADC-CFG-005", "nnadc mc needs --recipe FILE.json");
  if (o.engine != "behavioural" && o.engine != "spice") {
    throw InputError("NNADC-MC-001",
                     "--engine '" + o.engine + "' is not one of behavioural, spice");
  }
  resolveShard(o);
  o.campaign.seed = o.common.seed.value_or(1);
  o.behavioural.seed = o.campaign.seed;
  o.behavioural.lookup = !o.direct;
  const bool spice = o.engine == "spice";  // its workers are processes; the model only calibrates
  o.behavioural.threads = spice ? 1 : o.pool.workers > 0 ? o.pool.workers : mc::defaultThreads(64);
  o.campaign.validate();
  if (o.slurm) return writeSlurm(o);
  if (!o.die && o.spec.empty()) throw InputError("NNADC-CFG-005", "nnadc mc needs --spec FILE");
  const adc::Design design = io::loadDesign(o.deck.design);
  mc::Recipe recipe = io::loadVariationRecipe(o.recipe);
  io::resolveMismatch(recipe, design);
  StderrLogger logger(&o.common.quiet);
  std::unique_ptr<sim::WorkerPool> pool;
  const auto engine = makeEngine(o, design, recipe, logger, pool);
  io::Provenance provenance;
  provenance.command = "mc";
  provenance.config = effectiveConfig(sub);
  provenance.seed = o.campaign.seed;
  if (pool) provenance.ngspice_version = pool->version();
  const io::Json prov = io::provenanceJson(provenance);
  if (o.die) {
    requireInRange("NNADC-CFG-003", "die", *o.die, 0, o.campaign.dies - 1);
    return runOneDie(o, *engine, prov);
  }
  const mc::Spec spec = io::loadSpec(o.spec);
  mc::requireMeasurable(*engine, spec);  // before the journal creates DIR
  const io::Json key = campaignKey(o, recipe);
  io::Journal journal(o.common.output,
                      {{"campaign", key}, {"shard", {o.campaign.shard, o.campaign.shards}}});
  const auto s = mc::runCampaign(
      *engine, spec, o.campaign, journal.resumed(),
      [&](const mc::DieResult& d) { journal.append(d); }, logger.progress());
  io::writeCampaignFolder(o.common.output, s, o.campaign, spec, prov, key);
  char line[512];
  std::snprintf(line, sizeof line,
                "mc: %zu dies%s (%zu resumed), yield %d/%zu, %.0f%% Wilson interval [%.4f, %.4f], "
                "%d failed simulations -> %s",
                s.dies.size(), s.stopped_early ? " (stopped early: interval narrow enough)" : "",
                journal.resumed().size(), s.passed, s.dies.size(), 100.0 * s.confidence,
                s.wilson.lo, s.wilson.hi, s.failed_simulations, o.common.output.c_str());
  printSummary(o.common, line);
  return kExitOk;
}

}  // namespace

void addMcCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<McCliOptions>();
  auto& o = *options;
  CLI::App* sub = app.add_subcommand(
      "mc",
      "Monte-Carlo campaign: dies drawn from a variation recipe, judged against a spec "
      "(yield with a confidence interval); resumable, shardable (mc merge), Slurm scripts");
  addCommonOptions(*sub, o.common, "mc");
  addDeckOptions(*sub, o.deck);
  addPoolOptions(*sub, o.pool, 600.0);
  sub->add_option("--recipe", o.recipe, "Variation recipe JSON (examples/mc/variation.json)");
  sub->add_option("--spec", o.spec, "Pass/fail spec JSON (examples/mc/spec.json)");
  sub->add_option("--engine", o.engine,
                  "behavioural | spice (each die's deck on the worker pool: --bench static "
                  "--static-sine --points 1024, or transient)")
      ->capture_default_str();
  sub->add_option("--dies", o.campaign.dies, "Dies in the campaign")->capture_default_str();
  sub->add_option("--shard", o.shard, "k/N: run dies k, k+N, ... (merge with nnadc mc merge)")
      ->capture_default_str();
  sub->add_option("--until-ci", o.campaign.until_ci,
                  "Stop once the yield's Wilson interval is narrower than this (0 = run all)");
  sub->add_option("--die", o.die, "Run die K alone and write DIR/die-K.json with its insides");
  sub->add_option("--sine-log2", o.behavioural.sine_log2, "Sine record: 2^N samples")
      ->capture_default_str();
  sub->add_option("--ramp-per-level", o.behavioural.ramp_per_code,
                  "Ramp samples per code for DNL/INL")
      ->capture_default_str();
  sub->add_flag("!--no-recalibrate", o.behavioural.recalibrate,
                "Keep the design's combination table (no per-die foreground calibration)");
  sub->add_flag("--direct", o.direct,
                "Convert through the model directly, not the per-die lookup (slow; a check)");
  sub->add_flag("--slurm", o.slurm, "Write Slurm scripts into DIR/slurm instead of running");
  sub->add_option("--slurm-shards", o.slurm_shards, "Array tasks")->capture_default_str();
  sub->add_option("--slurm-cpus", o.slurm_cpus, "CPUs per task")->capture_default_str();
  sub->add_option("--slurm-time", o.slurm_time, "Time limit per task")->capture_default_str();
  sub->add_option("--slurm-partition", o.slurm_partition, "Partition (default: the cluster's)");
  addMcMergeCommand(*sub, exit_code);
  setRun(
      *sub, o.common,
      [sub, options, &exit_code] {
        if (sub->get_subcommand("merge")->parsed()) return exit_code;  // merge ran instead
        return runMc(*sub, *options);
      },
      exit_code);
}

}  // namespace nnadc::cli
