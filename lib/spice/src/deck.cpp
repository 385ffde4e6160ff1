#include "nnadc/spice/deck.h"

#include <numeric>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"

namespace nnadc::spice {

std::string dialectName(Dialect dialect) {
  switch (dialect) {
    case Dialect::kNgspice:
      return "ngspice";
    case Dialect::kSpectre:
      return "spectre";
    case Dialect::kXyce:
      return "xyce";
  }
  return "ngspice";
}

Dialect parseDialect(const std::string& name) {
  for (Dialect d : {Dialect::kNgspice, Dialect::kSpectre, Dialect::kXyce}) {
    if (name == dialectName(d)) return d;
  }
  throw InputError("NNADC-NET-010",
                   "field 'dialect' = '" + name + "' is not one of: ngspice, spectre, xyce");
}

std::string benchName(Bench bench) {
  switch (bench) {
    case Bench::kStatic:
      return "static";
    case Bench::kTransient:
      return "transient";
    case Bench::kStage:
      return "stage";
  }
  return "static";
}

Bench parseBench(const std::string& name) {
  for (Bench b : {Bench::kStatic, Bench::kTransient, Bench::kStage}) {
    if (name == benchName(b)) return b;
  }
  throw InputError("NNADC-NET-011",
                   "field 'bench' = '" + name + "' is not one of: static, transient, stage");
}

void DeckOptions::validate() const {
  // Up to 2^20 points: a 14-bit ramp at 64 points per code.
  requireInRange("NNADC-NET-012", "points", points, 1, 1 << 20);
  requireInRange("NNADC-NET-012", "first-point", first_point, 0, points - 1);
  requireInRange("NNADC-NET-012", "point-count", point_count, 0, points - first_point);
  requireInRange("NNADC-NET-012", "samples", samples, 8, 1 << 16);
  requireInRange("NNADC-NET-012", "fs", fs_hz, 1.0, 1e12);
  requireInRange("NNADC-NET-012", "cycles", cycles, 0, samples / 2.0);
  if (cycles != 0 && (cycles % 2 == 0 || std::gcd(cycles, samples) != 1)) {
    throw InputError("NNADC-NET-012", "field 'cycles' = " + std::to_string(cycles) +
                                          " must be odd and coprime with samples = " +
                                          std::to_string(samples) + " (coherent sampling)");
  }
  requireInRange("NNADC-NET-012", "edge-fraction", edge_fraction, 1e-6, 0.5);
  requireInRange("NNADC-NET-012", "driver-multiplier", driver_multiplier, 1, 4096);
}

}  // namespace nnadc::spice
