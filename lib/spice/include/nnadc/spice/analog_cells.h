#pragma once
/// Transistor-level analog cells of a fully-differential switched-capacitor residue path (issue
/// #12), emitted as SPICE subcircuits, and the benches that characterise them (sim/amplifier.h).
/// Sizes are the struct defaults, chosen for the shipped 130 nm card at 1.2 V; docs/analog_cells.md
/// gives the topology, the reasons for each size and the measured figures.
#include <cstddef>
#include <string>
#include <vector>

#include "nnadc/spice/deck.h"
#include "nnadc/spice/models.h"

namespace nnadc::spice {

/// Width and length of one transistor (or of each of a matched pair) [m].
struct MosSize {
  double w_m = 1e-6;
  double l_m = 0.13e-6;
};

/// Two-stage Miller OTA, fully differential: NMOS input pair with NMOS cascodes and PMOS loads
/// (first stage), PMOS common-source second stages with NMOS current sinks, Miller capacitors with
/// nulling resistors, continuous-time CMFB: a resistive-capacitive divider senses the output common
/// mode, two NMOS pairs compare it with pin vcm and set part of the first-stage loads. Every bias
/// comes from one ideal reference current `iref_a` into a diode-connected NMOS (`bias`); the other
/// current sources mirror it. Subcircuit pins: inp inn outp outn vcm ibias vdd vss rst (outp -
/// outn = A (inp - inn); the output common mode follows pin vcm; the reference current is pushed
/// into pin ibias; rst high shorts the first-stage outputs, tie it low for continuous use).
struct OtaParams {
  double iref_a = 20e-6;  ///< reference current [A]; every branch scales with it
  double cc_f = 1.6e-12;  ///< Miller capacitor, per side [F]
  double rz_ohm = 400.0;  ///< nulling resistor in series with cc, ~1.6 / gm of the 2nd stage
  /// Common-mode sense divider, outp - cms - outn: resistors (2 x 500 k load the ~14 k output
  /// by 0.1 dB) with capacitors across them so the sensing is capacitive above ~1.6 MHz.
  double cmfb_r_ohm = 500e3;
  double cmfb_c_f = 0.2e-12;
  MosSize bias{8e-6, 1e-6};        ///< reference diode: the unit of every NMOS mirror (iref)
  MosSize tail{80e-6, 1e-6};       ///< first-stage tail: 10 units, ~2 x 100 uA
  MosSize input{80e-6, 1e-6};      ///< input pair: wide, weak inversion (gm/Id ~ 19), L for gds
  MosSize cascode{80e-6, 0.5e-6};  ///< NMOS cascodes on the input pair (gain +9 dB)
  /// First-stage PMOS loads, in two parts: `load_fixed` mirrors the PMOS bias (~60 uA) and
  /// `load` (~60 uA at balance) is driven by the CMFB. Only half the load current under CMFB
  /// control halves the common-mode loop gain and the capacitance at the CMFB node, which makes
  /// the common-mode loop settle without ringing.
  MosSize load{3.75e-6, 1e-6};
  MosSize load_fixed{36e-6, 1e-6};
  MosSize second{100e-6, 0.5e-6};    ///< second-stage PMOS (gm ~ 4 mS at ~350 uA)
  MosSize sink{110e-6, 1e-6};        ///< second-stage NMOS sinks (mirrors of `bias`)
  MosSize cmfb_tail{8e-6, 1e-6};     ///< tail of each CMFB pair: 1 unit (iref)
  MosSize cmfb_pair{8e-6, 1e-6};     ///< the four CMFB sensing transistors
  MosSize cmfb_diode{2.5e-6, 1e-6};  ///< PMOS diodes of the CMFB; the loads mirror one of them
  MosSize pbias{8e-6, 1e-6};         ///< NMOS mirror + PMOS diode + PMOS source of the cascode bias
  MosSize cascode_bias{0.7e-6, 2e-6};  ///< weak NMOS diode: VGS ~ 1.0 V = the cascode gate voltage
  /// NMOS between the first-stage outputs, on while pin rst is high: in the MDAC's sampling phase
  /// it holds the open-loop OTA balanced instead of saturated one way or the other, which the
  /// input devices' capacitances would carry into the next residue (a memory of ~1e-3).
  MosSize reset_switch{4e-6, 0.13e-6};
  /// Throws InputError NNADC-CFG-003 naming the field: a current, capacitance, resistance or size
  /// outside its range.
  void validate() const;
  /// The same amplifier with every current, width and capacitance times `factor` (rz divided):
  /// equal voltages, `factor` x the gm and the load it drives at the same bandwidth (e.g. stages
  /// down a pipeline at `factor` < 1).
  [[nodiscard]] OtaParams scaled(double factor) const;
};

/// Bootstrapped NMOS sampling switch (after Abo and Gray, JSSC 1999): a capacitor charged to VDD
/// while the switch is off is put between input and gate while it is on, so the gate-source voltage
/// is ~VDD whatever the input. Pins: in out clk clkb vdd vss (on while clk is high; clkb is its
/// complement). The gate reaches VDD + vin: more than VDD across oxide, as in every bootstrapped
/// switch; a real design adds the usual stress-relief devices (one is in, mg2).
struct BootstrapSwitchParams {
  MosSize main{12e-6, 0.13e-6};   ///< the sampling transistor
  MosSize helper{2e-6, 0.13e-6};  ///< charge, gate-drive and input-connect helpers
  double cboot_f = 0.4e-12;       ///< bootstrap capacitor [F]: >> the main gate capacitance
  void validate() const;          ///< NNADC-CFG-003
};

/// CMOS transmission gate, pins in out clk clkb vdd vss (on while clk is high).
struct TransmissionGateParams {
  MosSize nmos{4e-6, 0.13e-6};
  MosSize pmos{8e-6, 0.13e-6};
  void validate() const;  ///< NNADC-CFG-003
};

/// Subcircuit texts (`.subckt NAME ... .ends`) using the model names of `models`. The OTA and the
/// bootstrapped switch are also written in the Xyce (same cards as ngspice) and Spectre
/// (`subckt NAME ... ends NAME`, `name (nodes) master params`) dialects: the same devices, names
/// and nodes.
std::string otaSubckt(const OtaParams& params, const ModelSource& models,
                      const std::string& name = "nnadc_ota", Dialect dialect = Dialect::kNgspice);
/// With `outputs` > 1, one bootstrap circuit drives that many sampling transistors (pins in
/// out0 .. out<N-1> clk clkb vdd vss), as the capacitors of one MDAC side share it; cboot_f must
/// then be sized for their gate capacitance.
std::string bootstrapSwitchSubckt(const BootstrapSwitchParams& params, const ModelSource& models,
                                  const std::string& name = "nnadc_bootsw", int outputs = 1,
                                  Dialect dialect = Dialect::kNgspice);
std::string transmissionGateSubckt(const TransmissionGateParams& params, const ModelSource& models,
                                   const std::string& name = "nnadc_tg");

/// Conditions the amplifier is measured in.
struct AmplifierBench {
  OtaParams ota;
  double vdd_v = 1.2;
  double vcm_out_v = 0.6;  ///< output common mode (pin vcm)
  double vcm_in_v = 0.75;  ///< input common mode (the MDAC's summing-node level)
  double load_f = 1e-12;   ///< load capacitance per output [F]
  double reltol = 1e-6;    ///< ngspice reltol (tight: the DC gain cross-check differences it)
  void validate() const;   ///< NNADC-CFG-003
};

/// The amplifier bench deck. No analysis cards: the characterisation runs its analyses as
/// commands. The loop is open for AC: a B-source servo `vd -> inputs` through 1 MH inductors holds
/// the DC point (inp - inn = vt - (outp - outn), input common mode fixed at vcm_in), 1 F capacitors
/// couple the AC source `vin` (differential, + side) to the inputs. Source `vt` sets the DC
/// differential output (swing sweep); `iref` is the ideal reference current from vdd.
std::string amplifierBenchDeck(const AmplifierBench& bench, const ModelSource& models,
                               bool inline_models);

/// Switch on-resistance bench: one bootstrapped switch and one transmission gate per input level,
/// each with its output held `probe_v` above its input by a source (`vpb<k>`, `vpt<k>`), the
/// switches clocked on at t = period / 2; the current is read in the on phase (transient: the
/// bootstrap capacitor needs its charging phase).
struct SwitchBench {
  BootstrapSwitchParams bootstrap;
  TransmissionGateParams gate;
  double vdd_v = 1.2;
  std::vector<double> vin_v = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2};
  double probe_v = 1e-3;     ///< drain-source voltage the resistance is measured at [V]
  double period_s = 100e-9;  ///< clock period (10 MS/s) [s]
  void validate() const;     ///< NNADC-CFG-003
};
std::string switchBenchDeck(const SwitchBench& bench, const ModelSource& models,
                            bool inline_models);

/// One conversion of the MDAC bench: the differential input sampled and the sub-ADC decision
/// (D in -3..3) applied in the following amplification phase.
struct MdacStep {
  double vin_diff_v = 0.0;
  int code = 0;
};

/// Fully-differential flip-around MDAC of gain 4 (a 3-bit stage with one bit of redundancy, 7 DAC
/// levels): per side 4 unit capacitors sample the input through bootstrapped switches (bottom-plate
/// sampling: the top plates are released first, by phi1e; the outputs and, through pin rst, the
/// OTA's first-stage outputs are shorted meanwhile); in the amplification phase one of them is
/// flipped around the OTA and the bottom plates of the other three switch to +vref, vcm or -vref by
/// the decision, so outp - outn = 4 vin - D vref_diff. Clocks: period 1/fs, phi1 (sample) and phi2
/// (amplify) each high for period/2 - nonoverlap (edges included), phi1e falls `early_s` before
/// phi1. The input of step k changes a quarter period before its sampling phase starts.
struct MdacBench {
  OtaParams ota;
  BootstrapSwitchParams input_switch;
  /// NMOS switches at mid-supply levels (top plates to vcm_in, output reset, feedback capacitor
  /// to the output, DAC capacitors to vcm), driven by clocks boosted to `boost_v`: a transmission
  /// gate is ~90 kOhm at VDD / 2 with this card. The boosted clocks are ideal sources.
  MosSize mid_switch{8e-6, 0.13e-6};
  double boost_v = 2.0;               ///< high level of the boosted clocks [V]
  MosSize ref_switch{8e-6, 0.13e-6};  ///< NMOS to -vref / PMOS (2x wide) to +vref
  double vdd_v = 1.2;
  double unit_cap_f = 0.4e-12;   ///< unit capacitor per side [F] (stage 1)
  double load_f = 1e-12;         ///< load per output: the next stage's sampling capacitors [F]
  double vref_diff_v = 0.6;      ///< differential reference: full scale is +-vref_diff
  double vcm_v = 0.6;            ///< input, reference and output common mode [V]
  double vcm_in_v = 0.75;        ///< summing-node (OTA input) common mode [V]
  double fs_hz = 10e6;           ///< conversion rate [Hz]
  double nonoverlap_s = 2.5e-9;  ///< from one phase's falling edge to the next's rising edge [s]
  double edge_s = 0.2e-9;        ///< clock rise/fall time [s]
  double early_s = 1e-9;         ///< phi1e falls this long before phi1 [s]
  double max_step_s = 0.1e-9;    ///< transient step limit [s]
  double reltol = 1e-4;          ///< ngspice reltol
  void validate() const;         ///< NNADC-CFG-003
  /// Instant at which the residue of step k (0-based, after the warm-up cycle) is read: the end
  /// of its amplification phase [s].
  [[nodiscard]] double sampleTime(std::size_t k) const;
  /// Length of the transient for `steps` conversions plus the warm-up cycle [s].
  [[nodiscard]] double stopTime(std::size_t steps) const;
};

/// The MDAC bench deck (with its `.tran` card). Throws InputError NNADC-CFG-003 for a code outside
/// -3..3 or an input outside +-vref_diff, or for no steps.
std::string mdacBenchDeck(const MdacBench& bench, const std::vector<MdacStep>& steps,
                          const ModelSource& models, bool inline_models);

/// Ideal residue of the gain-4 stage: 4 vin - code vref [V].
double idealResidue(double vin_diff_v, int code, double vref_diff_v);

}  // namespace nnadc::spice
