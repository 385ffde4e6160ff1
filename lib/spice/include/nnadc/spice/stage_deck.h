#pragma once
/// Netlists of a trained NN sub-ADC stage (adc::Design) and its test benches, per dialect.
///
/// The circuit is exactly adc::StageModel's (see nnadc/adc/stage.h), one subcircuit per stage:
///
///   .subckt nnadc_stage0 in vdd gnd out_0 .. out_{M-1}
///     e_inb   inb = V(vdd) - V(in)               ideal complement row (see below)
///     r_u<j>_<row>   u_j -- {in, inb, vdd, gnd}  layer-1 RRAM cells, R = 1 / G(level)
///     xh<j>   u_j  -> h_j                        hidden inverter, h = f(u)
///     xhb<j>  h_j  -> hb_j                       complement inverter, hb = f(h)
///     r_o<k>_<row>   o_k -- {h_j, hb_j, vdd, gnd} layer-2 RRAM cells
///     xo<k>   o_k  -> out_k                      output inverter: bit k = V(out_k) > VDD / 2
///
/// Cells at level 0 are open cross-points: no element is written. Every inverter is the one the
/// VTC was characterised from (adc::InverterSizing, subcircuit nnadc_inv); with
/// `driver_multiplier` N > 1 the hidden and complement inverters, which drive layer 2, are N of
/// them in parallel (nnadc_inv_drv, m=N): the same VTC with 1/N the output resistance. The
/// layer-2 dividers load h_j and hb_j; the stage model solves that loading from the inverter's
/// drive table (adc/stage.h, netlists/README.md), so N = 1 is the circuit the model describes.
///
/// The model feeds layer 1 an ideal VDD - x row; the netlist does the same with a voltage-
/// controlled voltage source, which draws no current from the supply: a real design needs an
/// analog inverting buffer there, whose power the supply current here does not include.
///
/// Benches (the top level): a DC supply source per stage (`vdd_stage<i>`, so power is
/// i(vdd_stage<i>) x VDD) and the input source `vin`:
///  - static: one DC sweep of vin over bin centres x_i = lo + (i + 1/2) (hi - lo) / N, i in
///    [first, first + count) (a chunk; the CLI splits a sweep into fixed chunks so results do
///    not depend on the number of workers); saves the bits and the supply current.
///  - stage: DC sweep of vin from lo to hi in N steps; saves every u_j, h_j, hb_j, o_k and bit.
///  - transient: an ideal sample-and-hold, written as a PWL staircase: sample n of a coherent
///    sine is held over [nT + t_edge, (n+1)T] (t_edge = edge_fraction T, linear transitions);
///    outputs are read at t = (n+1)T, the end of each hold. T = 1 / fs.
///
/// Dialects: ngspice (run and tested here), Xyce and Spectre (syntax written from their
/// reference manuals; not simulated here, see netlists/README.md).
#include <cstddef>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/spice/deck.h"
#include "nnadc/spice/models.h"

namespace nnadc::spice {

/// Vector names (ngspice's raw-file form, lower case) the benches produce.
inline constexpr const char* kInputSource = "vin";
std::string supplySource(std::size_t stage);  ///< "vdd_stage0"
std::string supplyVector(std::size_t stage);  ///< "i(vdd_stage0)"
std::string bitVector(int output);            ///< "v(bit_3)"
/// A node inside stage `stage`'s subcircuit as ngspice names it, e.g. "v(xstage0.o_2)".
std::string internalVector(std::size_t stage, const std::string& node);

/// Inputs of the static bench: the N bin centres over the stage's window [V].
std::vector<double> staticInputs(const adc::StageShape& shape, int points);

/// The transient bench's record: the held sine samples and when each output is read.
struct TransientPlan {
  std::vector<double> x_v;           ///< sample n [V]
  std::vector<double> read_times_s;  ///< (n + 1) T [s]
  double fs_hz = 0.0;
  std::size_t cycles = 0;
  double input_hz = 0.0;  ///< J fs / N [Hz]
  double stop_s = 0.0;    ///< N T [s]
};
TransientPlan transientPlan(const adc::StageShape& shape, const DeckOptions& options);

/// Building blocks (the pipeline emitter reuses them). Model cards as the dialect reads them: the
/// shipped card inlined (InverterSizing::model_lib empty), a user's library referenced by path.
std::string modelSection(const adc::InverterSizing& inverter, Dialect dialect);
/// The model source (card, section, device names) a design's inverter sizing names.
ModelSource modelSource(const adc::InverterSizing& inverter);
/// Subcircuits nnadc_inv (the characterised inverter) and, when driver_multiplier != 1,
/// nnadc_inv_drv (driver_multiplier of them in parallel).
std::string inverterSubckts(const adc::InverterSizing& inverter, Dialect dialect,
                            int driver_multiplier);
/// Subcircuit nnadc_stage<index> of one stage (see the file comment). Throws NNADC-NET-013 for a
/// column with no device. With `die` (DeckOptions::die), its stage `index`: cell conductances and,
/// when die->cmos is set, the inverters written out with their mismatch (`inverter` then required).
std::string stageSubckt(const adc::StageDesign& stage, const rram::LevelSet& levels,
                        std::size_t index, Dialect dialect, bool scaled_drivers,
                        const adc::PipelineConductances* die = nullptr,
                        const adc::InverterSizing* inverter = nullptr, int driver_multiplier = 1);

/// The deck. Throws InputError NNADC-NET-012 (options), NNADC-NET-013 (design not emittable: a
/// pipeline, a stage index out of range, a column with no device, which would float), NNADC-NET-
/// 001..003 (models).
std::string stageDeck(const adc::Design& design, const DeckOptions& options);

}  // namespace nnadc::spice
