#pragma once
/// What every emitted deck is asked for: the dialect it is written in, the bench it holds, and the
/// bench's options (shared by the stage and pipeline emitters, `nnadc emit` and `nnadc sim`).
#include <cstddef>
#include <string>
#include <vector>

namespace nnadc::adc {
struct PipelineConductances;
}  // namespace nnadc::adc

namespace nnadc::spice {

enum class Dialect { kNgspice, kSpectre, kXyce };
enum class Bench { kStatic, kTransient, kStage };

std::string dialectName(Dialect dialect);
/// "ngspice" | "spectre" | "xyce"; InputError NNADC-NET-010 naming the field and allowed values.
Dialect parseDialect(const std::string& name);
std::string benchName(Bench bench);
/// "static" | "transient" | "stage"; InputError NNADC-NET-011 naming the field and allowed values.
Bench parseBench(const std::string& name);

struct DeckOptions {
  Bench bench = Bench::kStatic;
  Dialect dialect = Dialect::kNgspice;
  std::size_t stage = 0;  ///< stage of a "stage" design (only 0 exists today)
  int points = 4096;      ///< static: N bin centres; stage: N steps (N + 1 points)
  int first_point = 0;    ///< static: first bin of this deck's sweep
  int point_count = 0;    ///< static: bins in this deck; 0 = through the last
  int samples = 256;      ///< transient: samples in the record
  double fs_hz = 10e6;    ///< transient: sample rate [Hz]
  int cycles = 0;         ///< transient: sine cycles J (odd, coprime with samples); 0 = default
  double edge_fraction = 0.01;  ///< transient: S/H transition time / T
  /// Hidden and complement inverters (the layer-2 drivers) as this many copies of the
  /// characterised inverter in parallel (m=): same VTC, output resistance / multiplier.
  int driver_multiplier = 1;
  /// static (pipelines, ngspice): the inputs are the `points` samples of a coherent sine
  /// (J as pipeline_deck.h staticSineCycles) instead of a ramp, solved as DC operating points: the
  /// static converter measured the IEEE 1241 way (FFT/sine-fit ENOB), free of sampling dynamics.
  bool static_sine = false;
  /// static (pipelines, ngspice): the inputs themselves [V] (not owned; must outlive the emitter
  /// call), `points` of them, instead of a ramp or a sine: e.g. a nonlinear converter's target
  /// sweep (eval/nonlinear_bench.h). Null = ramp or sine.
  const std::vector<double>* static_inputs_v = nullptr;
  /// One Monte-Carlo die (not owned; must outlive the emitter call), or null for the nominal
  /// design (the deck is then byte-for-byte the nominal one). When set, the stage and pipeline
  /// emitters (every bench) write:
  ///  - each RRAM cell as R = 1 / die->adc[i].g1/g2 (sub-ADC) and die->residue[i].g1/g2 (residue
  ///    network), conductances in siemens as adc::StageModel::conductances gives them; a cell the
  ///    die has at 0 S (stuck off) is left open; which cells exist is the design's (level 0 =
  ///    none);
  ///  - when die->cmos is non-empty, each inverter's two transistors written out in place with the
  ///    die's BSIM4 instance parameters delvto and mulu0 (adc/mismatch.h, in the order of
  ///    adc::inverterNames) instead of an instance of the shared nnadc_inv subcircuit;
  ///  - when die->amplifier is non-empty, stage i's residue source b_res<i> from die->amplifier[i]
  ///    (an MDAC die's gain error and per-level DAC errors) instead of the design's amplifier.
  /// Its vectors must match the design (one entry per stage; NNADC-NET-013 otherwise).
  const adc::PipelineConductances* die = nullptr;
  /// Throws InputError NNADC-NET-012 naming the field and its allowed range.
  void validate() const;
};

}  // namespace nnadc::spice
