// nnadc flow --config F -o DIR: characterize -> train a recipe on that VTC (or reuse a design) ->
// eval with RRAM Monte-Carlo -> emit every bench and dialect -> sim static and transient ->
// sim buildable (the headline) -> summary. Library calls on one in-memory design, one worker pool
// for every SPICE step.
#include <cstdio>

#include "cli_common.h"
#include "cmd_flow_inputs.h"
#include "nnadc/core/error.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/flow_json.h"
#include "nnadc/io/vtc_json.h"
#include "nnadc/report/report.h"
#include "nnadc/sim/characterize.h"
#include "option_groups.h"

namespace nnadc::cli {

namespace {

struct FlowCliOptions {
  CommonOptions common;
  std::string design;
  std::string recipe;
  io::FlowOptions flow;
  PoolCliOptions pool;
  MonteCarloCliOptions mc;
  std::optional<int> train_iterations;
  bool no_report = false;
};

int runFlow(CLI::App& sub, FlowCliOptions& o) {
  resolveConfigPaths(o.common, {{&o.design, "design"},
                                {&o.recipe, "recipe"},
                                {&o.flow.buildable_calibration, "buildable-calibration"}});
  StderrLogger logger(&o.common.quiet);
  io::FlowOptions& f = o.flow;
  f.bench.timeout_s = o.pool.timeout_s;
  f.variation = o.mc.options(o.common.seed.value_or(1));
  f.run_variation = o.mc.requested();
  f.validate();
  // Every input is read and checked before any work: bad input is exit 2 with nothing written.
  const std::uint64_t seed = o.common.seed.value_or(1);
  FlowInputs in = loadFlowInputs(o.design, o.recipe, o.common, o.train_iterations, f);
  std::optional<io::Recipe>& recipe = in.recipe;
  const std::optional<eval::BuildableCalibration>& calibration = in.calibration;
  io::FlowWriter out(o.common.output, logger);
  sim::WorkerPool pool(o.pool.pool(logger));
  sim::PoolSimulator simulator(pool);

  // 1. The inverter, characterised in SPICE (on the flow's pool).
  const sim::Characterization c = out.step(
      "characterize", [&] { return sim::characterizeInverter(f.characterize, simulator); });
  out.writeVtc(f.characterize, c);
  // 2. The design: trained on that VTC, or reused (and checked against it).
  adc::Design design;
  if (recipe) {
    recipe->raw["vtc"] = "vtc.json";  // the recipe as it is trained here, beside its VTC
    out.writeJson("recipe.json", recipe->raw);
    recipe->request.base.vtc = c.vtc;
    recipe->request.base.inverter = io::inverterSizing(f.characterize);
    const eval::TrainSummary t =
        out.step("train", [&] { return eval::train(recipe->request, logger); });
    if (t.diverged) {
      std::fprintf(stderr, "error[NNADC-TRN-001]: flow step 'train': %s; no design written\n",
                   t.message.c_str());
      return kExitCheckFailed;
    }
    design = t.design;
    out.writeDesign(design, *recipe, t);
  } else {
    design = std::move(*in.reused);
    out.copyDesign(o.design, design, c.vtc);
  }
  // 3. Behavioural figures (nominal and, for pipelines, RRAM-variation Monte-Carlo).
  out.step("eval", [&] { return out.writeBehavioural(design, f); });
  // 4. Netlists: every bench in every dialect (ngspice's are the ones simulated below).
  out.step("emit", [&] { return out.writeNetlists(design, f); });
  // 5. SPICE: the static bench (codes vs the behavioural model), the static sine (pipelines) and
  // the clocked transient.
  for (const io::FlowBench& bench : io::flowBenches(design, f)) {
    out.step("sim " + bench.label, [&] {
      return out.writeBench(bench, eval::measureBench(pool, design, bench.options));
    });
  }
  // 6. The buildable converter (transistor-level residue path, noise on): the headline.
  std::string why;
  if (const auto b = io::flowBuildable(design, f, seed, &why)) {
    out.step("sim buildable", [&] {
      out.writeBuildable(design,
                         eval::measureBuildable(pool, design, *b, o.pool.timeout_s, calibration),
                         f.buildable_calibration);
    });
  } else {
    out.skipBuildable(why);
  }
  // 7. Summary, and the report (in the folder before it is swapped in).
  const io::Json summary =
      out.writeSummary(o.recipe.empty() ? o.design : o.recipe, recipe.has_value(), f,
                       effectiveConfig(sub), o.no_report ? nullptr : report::writeFlowReport);
  printSummary(o.common, io::flowSummaryLine(summary, o.common.output));
  const double agree = summary["static"]["agreement"].get<double>();
  if (f.require_agreement > 0.0 && !(agree >= f.require_agreement)) {
    logger.warning("flow: SPICE static codes agree with the model for " + io::percent(agree) +
                   " of inputs, below the required " + io::percent(f.require_agreement));
    return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace

void addFlowCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<FlowCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "flow",
      "characterize -> train (or reuse) -> eval -> emit -> sim -> summary + report, one folder");
  addCommonOptions(*sub, options->common, "flow");
  sub->get_option("--output")->description("Output folder (created; every artefact goes in it)");
  auto& o = *options;
  sub->add_option("--design", o.design, "Reuse this trained design JSON");
  sub->add_option("--recipe", o.recipe, "Train this recipe instead (on the flow's own VTC)");
  sub->add_option("--points", o.flow.bench.deck.points,
                  "Static benches: inputs (ramp: one per bin; static sine: samples)")
      ->capture_default_str();
  sub->add_option("--sine-log2", o.flow.eval.sine_log2, "Behavioural sine: 2^N samples (as eval)");
  sub->add_option("--ramp-per-level", o.flow.eval.ramp_per_code, "Behavioural ramp: per code");
  sub->add_option("--samples", o.flow.bench.deck.samples,
                  "Transient bench: samples of the coherent sine")
      ->capture_default_str();
  sub->add_option("--fs", o.flow.bench.deck.fs_hz, "Transient bench: sample rate [Hz]")
      ->capture_default_str();
  addPoolOptions(*sub, o.pool, 1800.0);
  o.mc.sigma = 0.01;
  o.mc.draws = 20;
  addMonteCarloOptions(*sub, o.mc);
  sub->add_flag("--skip-transient", o.flow.skip_transient, "Do not run the transient bench");
  addFlowBuildableOptions(*sub, o.flow);
  sub->add_flag("--no-report", o.no_report, "Do not write report.html (needs gnuplot)");
  sub->add_option("--train-iterations", o.train_iterations,
                  "--recipe: training iterations per stage (default: the recipe's)");
  sub->add_option("--require-agreement", o.flow.require_agreement,
                  "Exit 1 if fewer than this fraction of static codes match the model")
      ->capture_default_str();
  setRun(
      *sub, options->common, [sub, options] { return runFlow(*sub, *options); }, exit_code);
}

}  // namespace nnadc::cli
