#include "option_groups.h"

#include "nnadc/adc/convert.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::cli {

void DeckCliOptions::resolve(const std::string& dialect) {
  if (design.empty()) throw InputError("NNADC-CFG-005", "missing --design FILE (a design JSON)");
  deck.bench = spice::parseBench(bench);
  deck.dialect = spice::parseDialect(dialect);
  deck.validate();
}

void addDeckOptions(CLI::App& sub, DeckCliOptions& o) {
  sub.add_option("--design", o.design, "Design JSON written by nnadc train");
  sub.add_option(
         "--bench", o.bench,
         "Test bench: static | transient | stage (emit) | buildable (sim, and emit in every "
         "--dialect: transistor-level MDACs, docs/buildable.md). A segmented nonlinear design's "
         "static bench is the "
         "whole converter driven by its input (ladder, comparators, multiplexer, mantissa "
         "pipeline; docs/nonlinear.md)")
      ->capture_default_str();
  sub.add_option(
         "--points", o.deck.points,
         "static: N inputs over the window (a stage: the bin centres; a pipeline in ngspice: one "
         "per bin at a golden-ratio offset, docs/spice.md; sim of a segmented design: about N "
         "inputs, N / codes inside each ideal code); stage: N sweep steps")
      ->capture_default_str();
  sub.add_option("--samples", o.deck.samples, "transient: samples in the sine record")
      ->capture_default_str();
  sub.add_option("--fs", o.deck.fs_hz, "transient: sample rate [Hz]")->capture_default_str();
  sub.add_option("--cycles", o.deck.cycles,
                 "transient: sine cycles in the record (odd, coprime with samples; 0 = the "
                 "largest such <= " +
                     formatDouble(adc::kDefaultSineFraction) + " x samples, as nnadc eval)")
      ->capture_default_str();
  sub.add_option("--edge-fraction", o.deck.edge_fraction,
                 "transient: sample-and-hold transition time as a fraction of 1/fs")
      ->capture_default_str();
  sub.add_flag("--static-sine", o.deck.static_sine,
               "static, pipelines: solve the DC operating points at the samples of a coherent "
               "sine (--points samples) instead of a ramp, for FFT/sine-fit ENOB");
  sub.add_option("--driver-multiplier", o.deck.driver_multiplier,
                 "Hidden and complement inverters as N characterised inverters in parallel (same "
                 "VTC, 1/N output resistance against the layer-2 load)")
      ->capture_default_str();
}

sim::PoolOptions PoolCliOptions::pool(Logger& logger) const {
  sim::PoolOptions p;
  p.workers = workers;
  p.worker_memory_mib = worker_memory_mib;
  p.logger = &logger;
  p.validate();
  return p;
}

void addPoolOptions(CLI::App& sub, PoolCliOptions& o, double default_timeout_s) {
  o.timeout_s = default_timeout_s;
  sub.add_option("--workers", o.workers, "Simulation worker processes (0 = number of cores)")
      ->capture_default_str();
  sub.add_option("--timeout", o.timeout_s, "Wall-clock limit per simulation job [s]")
      ->capture_default_str();
  sub.add_option("--worker-memory-mib", o.worker_memory_mib,
                 "Address-space limit of each simulation worker [MiB] (0 = none; not applied in "
                 "AddressSanitizer builds)")
      ->capture_default_str();
}

mc::VariationOptions MonteCarloCliOptions::options(std::uint64_t seed) const {
  mc::VariationOptions v;
  v.sigma = sigma;
  v.draws = draws;
  v.seed = seed;
  v.recalibrate = !no_recalibrate;
  return v;
}

void addMonteCarloOptions(CLI::App& sub, MonteCarloCliOptions& o) {
  sub.add_option("--variation-sigma", o.sigma,
                 "Pipelines: Monte-Carlo with every conductance * exp(N(0, sigma)) (0 = skip)")
      ->capture_default_str();
  sub.add_option("--draws", o.draws, "Monte-Carlo draws (seed = --seed + draw; 0 = skip)")
      ->capture_default_str();
  sub.add_flag("--no-recalibrate", o.no_recalibrate,
               "Monte-Carlo: keep the design's combination table instead of recalibrating each "
               "die on a foreground ramp");
}

void addFlowBuildableOptions(CLI::App& sub, io::FlowOptions& options) {
  sub.add_option("--buildable-samples", options.buildable_samples,
                 "Buildable converter (transistor-level MDACs, noise on; the headline): samples of "
                 "its clocked transient (>= 64; 2-6 s each on 2 cores; one standard error of the "
                 "ENOB is ~0.72 / sqrt(N/2 - 2) bit)")
      ->capture_default_str();
  sub.add_option("--buildable-calibration", options.buildable_calibration,
                 "Buildable converter: the foreground calibration to combine its decisions with (a "
                 "`sim --bench buildable --calibrate N` result of the reused design; default: "
                 "uncalibrated, the design's own table)");
  sub.add_flag("--skip-buildable", options.skip_buildable,
               "Do not simulate the buildable converter");
}

}  // namespace nnadc::cli
