#pragma once
/// Netlists of a whole pipelined NN ADC (adc::Design of kind "pipeline", see nnadc/adc/pipeline.h)
/// and its static and transient benches, per dialect.
///
/// Top level, per stage i (S stages):
///  - vs<i>: the stage input v_i (vs0 is driven by `vin`).
///  - xstage<i>: subcircuit nnadc_stage<i> (stage_deck.h), pins vs<i> vdd<i> 0 bit<i>_0 ..
///    bit<i>_{M-1}: the NN sub-ADC.
///  - vdd_stage<i> (vdd<i> to 0): the stage's own supply; its power = |i(vdd_stage<i>)| x VDD.
///  - b_d<i> -> d<i> (stages with a residue): the decoder, V(d<i>) = d_i, the level the stage's
///    adc::Decoder gives the word (bit k = V(bit<i>_k) > VDD/2), written as a tree of ternaries
///    over the bits (leaves from Decoder::dense).
///  - b_res<i> -> res<i>: the residue amplifier, V = clamp(c_{i+1} + G_i ((1 + ge) e + off +
///    a2 e^2 + a3 e^3), 0, VDD) with e = V(vs<i>) - (lo_i + (V(d<i>) + 1/2) D_i), exactly
///    adc::PipelineModel's amplifier residue.
///
/// The decoder and amplifier are ideal behavioural sources: they draw no supply current, so their
/// power is not in any i(vdd_stage<i>) (which holds the sub-ADC's inverters only). Decisions are
/// hard thresholds at VDD/2 (the same rule sim reads bits by); ngspice's DC sweep converges with
/// them (see tests/sim/pipeline_bench_test.cpp).
///
/// Benches:
///  - static: no sample-and-holds: res<i> drives vs<i+1> directly and one DC sweep covers the
///    inputs pipelineStaticInputs gives (chunk first_point / point_count, as stage_deck.h). In
///    ngspice an index source `vidx` is swept and a behavioural source maps it through a PWL of
///    the exact inputs (a ramp with one input per bin, or a coherent sine's samples); Spectre and
///    Xyce decks sweep `vin` over the bin centres. Saves every V(vs<i>), bit, V(d<i>) and supply
///    current (the transient bench saves the same; there vs<i> is the held value).
///  - transient: clocked at fs (T = 1/fs), record as transientPlan over the first stage's window.
///    vin is stage_deck.h's ideal S/H staircase (sample n held over [nT + t_edge, (n+1)T]). Between
///    stages: an ideal track-and-hold (switch s_sh<i> from res<i-1> to hold<i> closed while its
///    clock is high, hold capacitor c_sh<i>, unity buffer e_sh<i> driving vs<i>). Stage i >= 1
///    tracks sample n over [nT + iT/2, nT + (i+1)T/2) (while stage i-1 holds it) and holds it over
///    [nT + (i+1)T/2, nT + (i+2)T/2): odd stages on clock clk_odd (high in the 2nd half of each
///    period), even stages on clk_even (1st half). Stage i's bits for sample n are read at the end
///    of its hold, nT + (i+2)T/2 (for stage 0 this is (n+1)T, as in the stage bench).
///    A deck may cover a window of the record (SampleWindow: warm-up samples first, whose reads
///    are not reported): the pipeline has no memory beyond its latency, so chunks of a record can
///    run in parallel.
///
/// Residue networks (ResidueStyle::kNetwork, the paper's architecture): subcircuit
/// nnadc_res<i> (residueSubckt), pins vs<i> bit<i>_0 .. bit<i>_{M-1} rnet<i> vdd<i> 0, exactly
/// adc::ResidueModel's network: layer-1 columns u_j over the rows [x, VDD - x (ideal e_inb),
/// bit_k, bitb_k, vdd, gnd], hidden inverters h_j = f(u_j) and hb_j = f(h_j), and one output
/// column whose node rnet<i> is the residue. The bit rows come from logic buffers (two inverters
/// per bit, 32 characterised inverters in parallel each) driven by the sub-ADC's outputs; the
/// model takes them as exact 0 / VDD levels. The network is on the stage's supply vdd<i>, so its
/// power is in i(vdd_stage<i>). An ideal unity buffer e_res<i> carries rnet<i> to the next stage
/// (the model reads the network's unloaded node). The model also leaves out the output column's
/// load on h_j and hb_j (one cell each, >= 50 kOhm), which the circuit has: with
/// DeckOptions::driver_multiplier N > 1 they are nnadc_inv_drv (N inverters in parallel), as the
/// sub-ADC's drivers, and the circuit approaches the model.
///
/// A design with a segmented nonlinear front end (Design::segmented): its static deck is the
/// whole converter, the front end driving vs0 from the input node xin (spice/segmented_deck.h);
/// its transient deck is the mantissa pipeline alone.
///
/// Every deck's header lists its ideal (behavioural) elements.
#include <cstddef>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/spice/stage_deck.h"

namespace nnadc::spice {

/// Node and vector names of the pipeline benches (ngspice's raw-file form, lower case).
std::string pipelineInputNode(std::size_t stage);              ///< "vs2"
std::string pipelineBitNode(std::size_t stage, int output);    ///< "bit2_3"
std::string pipelineBitVector(std::size_t stage, int output);  ///< "v(bit2_3)"
std::string pipelineDecisionVector(std::size_t stage);         ///< "v(d2)"
std::string pipelineInputVector(std::size_t stage);            ///< "v(vs2)"

/// Subcircuit nnadc_res<index> of a residue-network stage (see the file comment). Throws
/// NNADC-NET-013 for a stage without a network or a column with no device. `die`, `inverter`: as
/// stageSubckt's.
std::string residueSubckt(const adc::PipelineStage& stage, const rram::LevelSet& levels,
                          std::size_t index, Dialect dialect, bool scaled_drivers,
                          const adc::PipelineConductances* die = nullptr,
                          const adc::InverterSizing* inverter = nullptr, int driver_multiplier = 1);

/// Which samples of the transient record one deck simulates: `warmup` samples before
/// `first_sample` (fewer when the record starts earlier), then `sample_count` reported samples
/// (0 = through the end of the record).
struct SampleWindow {
  int first_sample = 0;
  int sample_count = 0;
  int warmup = 0;
};

/// The transient bench of a pipeline deck.
struct PipelinePlan {
  TransientPlan record;        ///< the whole record (x_v, fs, cycles, input frequency, N T)
  std::size_t stages = 0;      ///< S
  double period_s = 0.0;       ///< T
  int first_sample = 0;        ///< record index of the deck's first reported sample
  int warmup = 0;              ///< samples simulated before it (their reads are not reported)
  int sample_count = 0;        ///< reported samples
  std::vector<double> held_v;  ///< the staircase the deck holds: warmup + sample_count values [V]
  /// read_times_s[i][j]: when stage i's bits for reported sample first_sample + j are read [s]:
  /// (warmup + j) T + (i + 2) T / 2, the end of stage i's hold.
  std::vector<std::vector<double>> read_times_s;
  /// Stage i processes the reported samples over [average_from_s[i], average_to_s[i]]: exactly
  /// sample_count periods, (warmup + i/2) T to (warmup + sample_count + i/2) T [s].
  std::vector<double> average_from_s;
  std::vector<double> average_to_s;
  double stop_s = 0.0;  ///< end of the simulation: the last read [s]
};
/// Throws InputError NNADC-NET-012 (options or window out of range), NNADC-NET-013 (not a
/// pipeline).
PipelinePlan pipelinePlan(const adc::Design& design, const DeckOptions& options,
                          const SampleWindow& window = {});

/// The pipeline deck (bench static or transient). Throws InputError NNADC-NET-012 (options),
/// NNADC-NET-013 (not a pipeline, bench "stage", a residue network, a column with no device),
/// NNADC-NET-001..003 (models).
/// Inputs of a pipeline's static bench [V]. Ramp: one input per bin of the first stage's window,
/// x_i = lo + (i + u_i) w / N with u_i = frac(1/2 + i (sqrt 5 - 1) / 2) (ngspice decks, which
/// sweep an index through a PWL source; the other dialects sweep the bin centres, u_i = 1/2,
/// which sit on code edges when 2^bits / N is even). Sine: the coherent sine's samples.
std::vector<double> pipelineStaticInputs(const adc::Design& design, const DeckOptions& options);
/// Sine cycles J of a static-sine bench: the largest odd J coprime with `points` at most
/// adc::kDefaultSineFraction x points (as nnadc eval's sine; --cycles belongs to the transient).
int staticSineCycles(const DeckOptions& options);

std::string pipelineDeck(const adc::Design& design, const DeckOptions& options,
                         const SampleWindow& window = {});

/// stageDeck for a single NN sub-ADC, pipelineDeck for a pipeline of two or more stages.
std::string designDeck(const adc::Design& design, const DeckOptions& options);

/// The behavioural (ideal) elements of a design's deck for `bench`: what draws no supply current
/// and adds no noise, so that figures computed with them are labelled as a reference. Every deck
/// lists them in its header; bench results record them.
struct IdealElement {
  std::string instances;  ///< e.g. "b_res<i>"
  std::string what;       ///< e.g. "residue amplifiers with their DACs"
};
std::vector<IdealElement> idealElements(const adc::Design& design, Bench bench);

}  // namespace nnadc::spice
