#include "cmd_sim_buildable.h"

#include <cstdio>

#include "nnadc/core/error.h"
#include "nnadc/eval/buildable.h"
#include "nnadc/io/buildable_json.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/file.h"
#include "nnadc/io/mc_json.h"
#include "nnadc/io/results_json.h"

namespace nnadc::cli {

void addBuildableOptions(CLI::App& sub, BuildableCliOptions& o) {
  sub.add_flag("--held-input", o.held_input,
               "buildable: hold each sample's input over the first MDAC's sampling phase (for "
               "code-by-code comparison with the model) instead of the continuous sine");
  sub.add_flag("--no-noise", o.no_noise,
               "buildable: leave out the kT/C and amplifier noise sources (drawn from --seed)");
  sub.add_option("--unit-cap", o.unit_cap_f,
                 "buildable: stage 0's unit capacitor per side [F] (8 sample per side)")
      ->capture_default_str();
  sub.add_option("--amplitude", o.amplitude,
                 "buildable: sine amplitude as a fraction of full scale")
      ->capture_default_str();
  sub.add_option("--latch-delay", o.latch_delay_s,
                 "buildable: stage 0's sub-ADC latch closes this long after the sampling instant "
                 "[s] (its NN lags a moving input by ~10-17 ns)")
      ->capture_default_str();
  sub.add_option("--reltol", o.reltol,
                 "buildable: ngspice's reltol for the deck, in [1e-9, 1e-2] (tighter: slower; to "
                 "check that a figure does not move with the tolerance)")
      ->capture_default_str();
  sub.add_option("--calibrate", o.calibrate,
                 "buildable: first simulate a foreground calibration ramp of N held inputs "
                 "(noise off, 0.98 of the window) and combine the decisions through the table it "
                 "measures (the result's 'calibration' block; ~10 CPU-s per point)");
  sub.add_option("--calibration", o.calibration,
                 "buildable: reuse the 'calibration' block of a previous buildable result "
                 "(measured with the same --unit-cap and --fs)");
}

spice::BuildableOptions buildableOptions(const adc::Design& design, const CommonOptions& common,
                                         const DeckCliOptions& deck, const BuildableCliOptions& o) {
  spice::BuildableOptions options;
  options.samples = deck.deck.samples;
  options.cycles = deck.deck.cycles;
  options.cell.fs_hz = deck.deck.fs_hz;
  options.cell.unit_cap_f = o.unit_cap_f;
  options.amplitude = o.amplitude;
  options.held_input = o.held_input;
  options.latch_delay_s = o.latch_delay_s;
  options.cell.reltol = o.reltol;
  options.seed = common.seed.value_or(1);
  if (!o.no_noise) options.noise_v_rms = eval::buildableNoiseRms(design, options);
  return options;
}

int emitBuildable(const CommonOptions& common, const DeckCliOptions& deck,
                  const BuildableCliOptions& o, const std::string& dialect) {
  const spice::Dialect parsed = spice::parseDialect(dialect);
  if (deck.design.empty()) throw InputError("NNADC-CFG-005", "missing --design FILE");
  requireDistinctOutput(common, {{"--design", deck.design}});
  const adc::Design design = io::loadDesign(deck.design);
  const std::string text =
      spice::buildableDeck(design, buildableOptions(design, common, deck, o), parsed);
  io::writeOutput(common.output, text);
  printSummary(common, "emit: buildable bench (transistor-level MDACs), " + dialect + " dialect, " +
                           std::to_string(text.size()) + " bytes -> " + common.output);
  return kExitOk;
}

int runBuildableSim(CLI::App& sub, const CommonOptions& common, const DeckCliOptions& deck,
                    const PoolCliOptions& pool_options, const BuildableCliOptions& o,
                    Logger& logger) {
  if (deck.design.empty()) throw InputError("NNADC-CFG-005", "missing --design FILE");
  const adc::Design design = io::loadDesign(deck.design);
  const spice::BuildableOptions options = buildableOptions(design, common, deck, o);
  if (o.calibrate > 0 && !o.calibration.empty()) {
    throw InputError("NNADC-CFG-003", "give either --calibrate N or --calibration FILE, not both");
  }
  std::optional<eval::BuildableCalibration> calibration;
  if (!o.calibration.empty()) {
    requireDistinctOutput(common, {{"--design", deck.design}, {"--calibration", o.calibration}});
    calibration = io::loadBuildableCalibration(o.calibration, design, options, deck.design);
  }
  sim::WorkerPool pool(pool_options.pool(logger));
  if (o.calibrate > 0) {
    logger.info("sim: buildable foreground calibration, " + std::to_string(o.calibrate) +
                " held ramp points (noise off)");
    calibration =
        eval::calibrateBuildable(pool, design, options, o.calibrate, 0.98, pool_options.timeout_s);
    calibration->design_digest = io::fileDigest(deck.design);
  }
  const eval::BuildableSummary s =
      eval::measureBuildable(pool, design, options, pool_options.timeout_s, calibration);
  io::Json j = io::buildableJson(s, deck.design);
  io::Provenance provenance = simProvenance(sub, pool.version());
  provenance.seed = options.seed;
  j["provenance"] = io::provenanceJson(provenance);
  io::writeOutput(common.output, io::dumpJson(j));
  char line[640];
  std::snprintf(line, sizeof line,
                "sim: buildable converter (transistor-level MDACs%s), %zu samples at %.3g S/s in "
                "%.1f s: ENOB %.3f%s (uncalibrated %.3f, model %.3f), %.1f%% codes as the model, "
                "power %.3g W, Walden %.3g J, Schreier %.1f dB -> %s",
                s.noise ? ", noise on" : ", noise off", s.run.codes.size(), options.cell.fs_hz,
                s.run.elapsed_s, s.analysis.spectrum->enob,
                s.calibration ? " SPICE-calibrated" : "", s.uncalibrated_enob, s.behavioural_enob,
                100.0 * s.agreement, s.run.power_w, s.analysis.fom ? s.analysis.fom->walden_j : 0.0,
                s.analysis.fom ? s.analysis.fom->schreier_db : 0.0, common.output.c_str());
  printSummary(common, line);
  return kExitOk;
}

}  // namespace nnadc::cli
