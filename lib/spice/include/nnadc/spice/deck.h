#pragma once
/// What every emitted deck is asked for: the dialect it is written in, the bench it holds, and the
/// bench's options (shared by the stage and pipeline emitters, `nnadc emit` and `nnadc sim`).
#include <cstddef>
#include <string>

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
  /// Throws InputError NNADC-NET-012 naming the field and its allowed range.
  void validate() const;
};

}  // namespace nnadc::spice
