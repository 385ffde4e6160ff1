#pragma once
/// The buildable converter (issue #12): a pipelined NN ADC whose residue path is transistor-level
/// and fully differential, as a clocked transient deck (ngspice dialect, simulated here; Xyce and
/// Spectre dialects written from their reference manuals).
///
/// Signal: differential, common mode vcm = VDD / 2. The design's single-ended window [lo, hi] of
/// every stage maps to the differential range +-(hi - lo): an input x of the model is
/// vip = x, vin = 2 vcm - x. The NN sub-ADC of a stage reads vip on its input row and vin on its
/// complement row (no ideal VDD - x source: the complement is the other half of the signal, so
/// the common-mode error of the path enters the network).
///
/// Per stage i with a residue (a 3-bit stage, gain 4, one bit of redundancy), a switched-capacitor
/// MDAC per side:
///  - 8 unit capacitors Cu_i sample the stage input through bootstrapped switches (bottom-plate
///    sampling: the top plates, the OTA inputs x<i>p/x<i>n, are held at vcm_in and released
///    `early_s` before the bottom plates);
///  - in the amplification phase a feedback capacitor Cf = 2 Cu_i closes the loop around the OTA
///    (spice::otaSubckt scaled by the stage's scale factor) and the bottom plates of capacitors
///    0..6 switch to VDD or ground by the latched decision d (capacitor k: + side to VDD when
///    d > k, else to ground; the - side the other way), capacitor 7 to vcm; so
///    vd_out = 4 vd_in - (VDD / 2)(2 d - 7), which is adc::PipelineModel's ideal residue
///    x' = c + 4 (x - lo - (d + 1/2) D) with D = (hi - lo) / 8;
///  - during sampling the outputs are shorted and the OTA's first stage is reset (pin rst).
/// Stage i samples in phase A_i and amplifies in phase B_i: even stages sample while phi1 is high
/// (first half of each period), odd stages while phi2 is high (second half). Stage i's sub-ADC
/// sees its input while it samples; an ideal latch takes its output bits when the top plates are
/// released, and holds them through the amplification phase; an ideal decoder turns them into d
/// and drives the DAC switches' gates (the digital logic is ideal; its energy is estimated in
/// docs/buildable.md). The last stage is a sub-ADC and a latch only.
///
/// Scaling: stage i's capacitors, OTA (currents, widths) and switches are scale_i = max(
/// stage_scale^i, min_scale) times stage 0's.
///
/// Noise (ngspice 39 has no transient device noise): per stage and side, a PWL voltage source in
/// series with the sampling switches' input carries the stage's input-referred noise (kT/C of its
/// sampling and the amplifier's own noise, referred to the stage input: the caller gives the rms,
/// `noise_v_rms`). Its values are drawn in C++, one per record sample and stage, from
/// Rng(sampleSeed(seed, n)) (n = the record sample, modulo N for warm-up samples before 0): half
/// the differential value on each side, held over the stage's sampling phase, changed in the
/// middle of its amplification phase. So the noise is reproducible by seed, identical for any
/// split of the record into decks, and the behavioural model can apply the very same values
/// (buildableNoise).
///
/// Ideal elements (listed in the deck's header): the input source, VDD and ground (which are the
/// DAC references here), vcm and vcm_in, the bias reference currents, the clocks (including the
/// boosted copies for the NMOS switches at mid-supply levels), the latches and decoders, and the
/// noise sources.
#include <cstdint>
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/spice/analog_cells.h"
#include "nnadc/spice/pipeline_deck.h"

namespace nnadc::spice {

struct BuildableOptions {
  /// Stage 0's cells and the timing: OTA, input switch, mid-supply and reference switches, unit
  /// capacitor, boosted clock level, vcm_in, fs, non-overlap, edges, early release, step limit,
  /// reltol (vdd_v and vcm_v are taken from the design; vref_diff_v and load_f are not used).
  MdacBench cell = [] {
    MdacBench b;
    b.unit_cap_f = 0.2e-12;
    return b;
  }();
  double stage_scale = 0.5;  ///< each stage's capacitors and currents relative to the previous
  double min_scale = 0.25;   ///< no stage below this fraction of stage 0
  int samples = 64;          ///< record length N
  int cycles = 0;            ///< sine cycles J (odd, coprime with N); 0 = the largest <= N/8
  double amplitude = 0.95;   ///< sine amplitude as a fraction of the half window
  /// The input source: false = the continuous sine, sampled by the first MDAC (its tracking and
  /// aperture are in the result: the headline); true = the sine's samples x_n, each held constant
  /// over stage 0's sampling phase (what the behavioural model converts: for comparing codes one
  /// by one, free of the sampling network's delay, R_on x C ~ 0.1 ns).
  bool held_input = false;
  /// Stage 0's sub-ADC latch closes this long after its top plates are released [s]: the NN
  /// sub-ADC follows a moving input with a lag of ~10-17 ns (docs/buildable.md), so a later latch
  /// lets its decision catch up with the sampled value, at the cost of a later DAC step in the
  /// amplification phase (measured at 1.09 MHz: decision errors 47 -> 9 mV, ENOB 11.57 ->
  /// 12.40). Held inputs are not affected. 0 = at the release.
  double latch_delay_s = 10e-9;
  /// Held inputs instead of the sine (a foreground calibration ramp): single-ended x [V] in
  /// [0, VDD], one per record sample (samples must equal its size), each held as with held_input.
  std::vector<double> inputs_v;
  /// The top-plate switches (summing node to vcm_in) as this many mid_switch widths: their
  /// resistance times the summing node's capacitance is the sampling delay.
  double top_switch_multiplier = 4.0;
  /// Window of the record this deck simulates (warm-up samples first, not reported).
  int first_sample = 0;
  int sample_count = 0;  ///< 0 = through the end of the record
  int warmup = 2;
  /// Per stage input-referred noise, differential rms [V]; empty or 0 = none.
  std::vector<double> noise_v_rms;
  std::uint64_t seed = 1;  ///< noise draws: Rng(sampleSeed(seed, n)) for record sample n
  /// Throws InputError NNADC-NET-012 naming the field and its allowed range.
  void validate() const;
};

/// Timing of a buildable deck.
struct BuildablePlan {
  double period_s = 0.0;
  int cycles = 0;
  double input_hz = 0.0;
  /// Stage 0 takes record sample n at (n - first_sample + warmup) T + sample_offset_s: the middle
  /// of the falling edge of its early phase, when the latch opens and the top plates are released.
  double sample_offset_s = 0.0;
  int first_sample = 0;
  int warmup = 0;
  int sample_count = 0;
  /// x_n of the reported samples: the single-ended equivalent input at its sampling instant [V].
  std::vector<double> x_v;
  /// read_times_s[i][j]: when stage i's latched bits of reported sample j are read [s].
  std::vector<std::vector<double>> read_times_s;
  double stop_s = 0.0;
  std::vector<double> scale;  ///< per stage
};

/// Throws InputError NNADC-NET-012 (options) or NNADC-NET-013 (a design this deck does not
/// build: not a pipeline, a stage that is not 3 bits with gain 4 over the full [0, VDD] window,
/// a residue network).
BuildablePlan buildablePlan(const adc::Design& design, const BuildableOptions& options);

/// "" when buildablePlan builds this design, else why not (its NNADC-NET-013 message).
std::string buildableRefusal(const adc::Design& design);

/// The noise a deck applies to record sample n (0 <= n < samples), per stage: differential,
/// referred to the stage input [V] (all zero without noise).
std::vector<double> buildableNoise(const BuildableOptions& options, std::size_t stages, int n);

/// The deck (ngspice dialect). Saves the latched bits q<i>_<k>, the decisions d<i>, each stage's
/// outputs out<i>p/out<i>n and every supply's current (see buildableSupplies).
std::string buildableDeck(const adc::Design& design, const BuildableOptions& options);

/// The same deck in `dialect`: the same circuit, element names and nodes, each construct in the
/// simulator's own syntax (ngspice: byte for byte the two-argument form). Xyce: SPICE cards with
/// B sources `v={...}` and if(c, a, b), S switches on a vswitch model, `.options timeint`,
/// `.print tran format=raw` of the same vectors. Spectre (`simulator lang=spectre`, models in a
/// `simulator lang=spice` block): `name (nodes) master params` statements, bsource, relay,
/// vsource type=pulse|pwl|sine, isource, nodeset, save (currents as source:p), tran. Noise in
/// every dialect: the PWL sources vn* of values drawn in C++ (buildableNoise), so a seed gives the
/// same noise in each. Not expressible outside ngspice: the latch switches' hysteresis (Xyce and
/// Spectre switches move between open and closed over the same 2 x 0.1 V band instead); the
/// header says so. Neither Xyce nor Spectre is run here: the decks are checked as text.
std::string buildableDeck(const adc::Design& design, const BuildableOptions& options,
                          Dialect dialect);

/// The deck's ideal elements (its header lists them; results record them).
std::vector<IdealElement> buildableIdealElements(const BuildableOptions& options);

/// Latched bit k of stage i: node "q2_3", vector "v(q2_3)".
std::string buildableBitVector(std::size_t stage, int output);

/// What a supply of the buildable deck feeds.
enum class BlockKind { kSubAdc, kAmplifier, kSwitches, kReference };
/// "sub_adc", "amplifier", "switches", "reference": the `kind` of power_per_block in results.
const char* blockKindName(BlockKind kind);

struct BuildableSupply {
  std::string source;  ///< the deck's voltage source, e.g. "vdd_ota0"
  std::string block;   ///< what it feeds, e.g. "stage 0 amplifier (OTA, CMFB, bias)"
  BlockKind kind = BlockKind::kReference;
  int stage = -1;  ///< the stage it belongs to; -1 for the shared vcm/vcmi references
};

/// The deck's supplies, one per block, for power per block.
std::vector<BuildableSupply> buildableSupplies(const adc::Design& design);

}  // namespace nnadc::spice
