// nnadc emit --design D --bench static|transient|stage|buildable --dialect ngspice|spectre|xyce:
// writes a self-contained deck of a trained stage or pipeline and one of its test benches.
#include "cli_common.h"
#include "cmd_sim_buildable.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/spice/pipeline_deck.h"
#include "option_groups.h"

namespace nnadc::cli {

namespace {

struct EmitCliOptions {
  CommonOptions common;
  DeckCliOptions deck;
  std::string dialect = "ngspice";
  BuildableCliOptions buildable;
};

int runEmit(EmitCliOptions& o) {
  if (o.deck.bench == "buildable") return emitBuildable(o.common, o.deck, o.buildable, o.dialect);
  o.deck.resolve(o.dialect);
  requireDistinctOutput(o.common, {{"--design", o.deck.design}});
  const adc::Design design = io::loadDesign(o.deck.design);
  const std::string deck = spice::designDeck(design, o.deck.deck);  // a stage or a pipeline
  io::writeOutput(o.common.output, deck);
  printSummary(o.common, "emit: " + o.deck.bench + " bench, " + o.dialect + " dialect, " +
                             std::to_string(deck.size()) + " bytes -> " + o.common.output);
  return kExitOk;
}

}  // namespace

void addEmitCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EmitCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "emit",
      "Write a self-contained SPICE deck of a trained stage or pipelined ADC and a test bench");
  addCommonOptions(*sub, options->common, "deck.cir");
  addDeckOptions(*sub, options->deck);
  sub->add_option("--dialect", options->dialect,
                  "Netlist dialect: ngspice | spectre | xyce (every bench, buildable included)")
      ->capture_default_str();
  addBuildableOptions(*sub, options->buildable);
  setRun(
      *sub, options->common, [options] { return runEmit(*options); }, exit_code);
}

}  // namespace nnadc::cli
