#pragma once
/// SPICE characterisation of the analog cells of spice/analog_cells.h (issue #12): the
/// fully-differential OTA (AC gain, bandwidth and phase margin, DC cross-check, output swing,
/// supply current per branch, input-referred noise), the sampling switches' on-resistance, and the
/// flip-around MDAC in transient (residue error and nonlinearity, power); plus the kT/C and
/// amplifier noise a later transient source would inject. docs/analog_cells.md has the figures.
#include <string>
#include <vector>

#include "nnadc/core/log.h"
#include "nnadc/sim/simulator.h"
#include "nnadc/spice/analog_cells.h"
#include "nnadc/spice/models.h"

namespace nnadc::sim {

struct AmplifierOptions {
  spice::AmplifierBench bench;
  spice::ModelSource models;
  /// Feedback factor of the loop the amplifier closes: Cf / (Cs + Cf + Cin) of the gain-4 MDAC
  /// (0.4 / (1.6 + 0.4 + ~0.2) pF ~ 0.18, rounded up to the ideal 0.25 because a larger factor
  /// is the harder case for stability). The loop's phase margin is read where |A| = 1 / beta.
  double feedback_factor = 0.25;
  double f_start_hz = 1.0;     ///< AC sweep start [Hz]
  double f_stop_hz = 10e9;     ///< AC sweep stop [Hz]
  int points_per_decade = 40;  ///< AC sweep resolution
  double swing_max_v = 1.0;    ///< differential output swept over [-max, max] [V]
  double swing_step_v = 0.05;  ///< its step [V]
  double dc_step_v = 0.01;     ///< step of the DC transfer sweep for the gain cross-check [V]
  double noise_f_lo_hz = 1e3;  ///< input-referred noise integrated from here...
  double noise_f_hi_hz = 5e6;  ///< ...to here (fs / 2 at 10 MS/s) [Hz]
  double noise_spot_hz = 1e6;  ///< spot (white-region) noise frequency [Hz]
  double timeout_s = 120.0;    ///< limit of the ngspice run [s]
  void validate() const;       ///< NNADC-CFG-003 naming the field
};

/// Supply current of one branch of the OTA, read from the operating point [A].
struct BranchCurrent {
  std::string name;
  double current_a = 0.0;
};

struct AmplifierCharacterization {
  double dc_gain_db = 0.0;             ///< differential open-loop gain at f_start (AC)
  double ugf_hz = 0.0;                 ///< unity-gain frequency (NaN: |A| never falls to 1)
  double phase_margin_deg = 0.0;       ///< at ugf: the unity-feedback (beta = 1) margin
  double loop_crossover_hz = 0.0;      ///< where |A| beta = 1
  double loop_phase_margin_deg = 0.0;  ///< at loop_crossover_hz (the MDAC's loop)
  double dc_gain_from_dc_db = 0.0;     ///< cross-check: slope of the DC transfer at vd = 0
  double gm1_s = 0.0;                  ///< input-transistor transconductance (operating point)
  double gbw_estimate_hz = 0.0;        ///< cross-check: gm1 / (2 pi cc)
  double output_cm_v = 0.0;            ///< output common mode at the operating point
  std::vector<double> swing_vd_v;      ///< differential output of each swing point [V]
  std::vector<double> swing_gain_db;   ///< incremental DC gain there
  double swing_low_v = 0.0;       ///< lowest differential output with gain within 6 dB (NaN: none)
  double swing_high_v = 0.0;      ///< highest such output (NaN: beyond the sweep)
  double supply_current_a = 0.0;  ///< from vdd, the reference current included
  std::vector<BranchCurrent> branches;  ///< reference, bias, first stage, second stage, cmfb
  double noise_spot_v_rthz = 0.0;       ///< input-referred differential density at the spot
  double noise_integrated_v = 0.0;      ///< input-referred rms over [noise_f_lo, noise_f_hi]
  std::vector<double> freq_hz;          ///< the AC sweep
  std::vector<double> gain_db;
  std::vector<double> phase_deg;      ///< unwrapped, 0 at DC
  std::string deck;                   ///< the bench deck
  std::vector<std::string> commands;  ///< the analyses run on it, in order
  std::string ngspice_version;
};

/// Runs the amplifier characterisation (options.validate() first) on an isolated worker.
/// Throws InputError for bad options or models, SimulationError for ngspice failures and
/// NNADC-SIM-008 when an analysis returns no or too few points.
AmplifierCharacterization characterizeAmplifier(const AmplifierOptions& options,
                                                Logger* logger = nullptr);
AmplifierCharacterization characterizeAmplifier(const AmplifierOptions& options,
                                                Simulator& simulator);

struct SwitchOptions {
  spice::SwitchBench bench;
  spice::ModelSource models;
  double timeout_s = 120.0;
  void validate() const;  ///< NNADC-CFG-003
};

struct SwitchCharacterization {
  std::vector<double> vin_v;
  std::vector<double> ron_bootstrap_ohm;  ///< bootstrapped NMOS switch
  std::vector<double> ron_gate_ohm;       ///< transmission gate
  std::string deck;
  std::string ngspice_version;
};

/// On-resistance of both switches at each input level, read at 90 % of the first on phase.
SwitchCharacterization characterizeSwitches(const SwitchOptions& options, Logger* logger = nullptr);
SwitchCharacterization characterizeSwitches(const SwitchOptions& options, Simulator& simulator);

struct MdacOptions {
  spice::MdacBench bench;
  /// Conversions to run; empty = defaultSteps(bench.vref_diff_v).
  std::vector<spice::MdacStep> steps;
  spice::ModelSource models;
  double timeout_s = 300.0;
  void validate() const;  ///< NNADC-CFG-003
  /// Every decision -3..3 with residues -vref/2, 0, +vref/2 (21 conversions).
  static std::vector<spice::MdacStep> defaultSteps(double vref_diff_v);
};

struct MdacCharacterization {
  std::vector<double> vin_diff_v;
  std::vector<int> code;
  std::vector<double> residue_v;  ///< outp - outn at the end of the amplification phase
  std::vector<double> ideal_v;    ///< 4 vin - code vref
  std::vector<double> error_v;    ///< residue - ideal
  double max_abs_error_v = 0.0;
  double gain_error = 0.0;          ///< slope of residue vs ideal, minus 1 (least squares)
  double offset_v = 0.0;            ///< intercept of that fit
  double max_nonlinearity_v = 0.0;  ///< largest deviation from the fitted line
  double supply_power_w = 0.0;      ///< from vdd over whole cycles after warm-up (OTA + switches)
  double reference_power_w = 0.0;   ///< delivered by the ideal vrefp, vrefn, vcm, vcm_in sources
  std::string deck;
  std::string ngspice_version;
};

/// Runs the MDAC transient (options.validate() first).
MdacCharacterization characterizeMdac(const MdacOptions& options, Logger* logger = nullptr);
MdacCharacterization characterizeMdac(const MdacOptions& options, Simulator& simulator);

/// The noise a transient source at the stage input stands for (rms, differential, referred to
/// the stage input). Sampling on Cs = caps_per_side * unit_cap per side leaves kT/C on each side:
/// differentially v = sqrt(2 k T / Cs). The amplifier, with input-referred white density S (V/rtHz,
/// differential) in a loop of feedback factor beta and single-pole bandwidth beta * GBW, leaves
/// S^2 * (pi / 2) beta GBW at its input, i.e. sqrt(that) / beta at the output, which divided by
/// the stage gain is referred to the stage input. The two add in power.
struct ResidueNoise {
  double ktc_rms_v = 0.0;        ///< sampling kT/C, differential, at the stage input [V]
  double amplifier_rms_v = 0.0;  ///< amplifier noise at the stage input [V]
  double total_rms_v = 0.0;      ///< sqrt of the sum of squares [V]
};
/// Throws InputError NNADC-CFG-003 for a non-positive argument.
ResidueNoise residueNoise(double unit_cap_f, int caps_per_side, double stage_gain,
                          double amp_density_v_rthz, double gbw_hz, double feedback_factor,
                          double temperature_k = 300.0);

}  // namespace nnadc::sim
