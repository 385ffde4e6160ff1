#include "nnadc/sim/amplifier.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/sim/pool.h"

namespace nnadc::sim {

namespace {

constexpr const char* kRangeId = "NNADC-CFG-003";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kBoltzmann = 1.380649e-23;  ///< [J/K], exact (SI 2019)
/// Gain drop that bounds the output swing [dB]: half the small-signal gain.
constexpr double kSwingDropDb = 6.0;
/// Fraction of the first on phase at which the switch current is read: late enough that the
/// bootstrap gate has settled, early enough to stay clear of the falling edge.
constexpr double kSwitchReadFraction = 0.9;

double db(double x) { return 20.0 * std::log10(x); }

/// The operating-point value `name` (a `let` vector) of the first plot whose name starts with
/// `prefix` at position `index` among such plots.
const Plot& nthPlot(const RunResult& r, const std::string& prefix, std::size_t index) {
  std::size_t seen = 0;
  for (const Plot& p : r.plots) {
    if (p.name.rfind(prefix, 0) == 0) {
      if (seen == index) return p;
      ++seen;
    }
  }
  throw SimulationError("NNADC-SIM-008", "the amplifier run returned no plot '" + prefix +
                                             std::to_string(index + 1) + "'");
}

const Vector& need(const Plot& p, const std::string& name) {
  const Vector* v = p.find(name);
  if (v == nullptr || v->size() == 0) {
    throw SimulationError("NNADC-SIM-008",
                          "plot " + p.name + " has no vector '" + name + "' (or it is empty)");
  }
  return *v;
}

double scalar(const Plot& p, const std::string& name) {
  const Vector& v = need(p, name);
  return v.is_complex ? v.complex.front().real() : v.real.front();
}

std::complex<double> differential(const Plot& p, std::size_t i) {
  const Vector& op = need(p, "v(outp)");
  const Vector& on = need(p, "v(outn)");
  return op.complex.at(i) - on.complex.at(i);
}

/// x where y crosses `level` first (falling), interpolated in log x; NaN if never.
double firstCrossing(const std::vector<double>& x, const std::vector<double>& y, double level) {
  for (std::size_t i = 1; i < y.size(); ++i) {
    if (y[i - 1] >= level && y[i] < level) {
      const double t = (y[i - 1] - level) / (y[i - 1] - y[i]);
      return std::exp(std::log(x[i - 1]) + t * (std::log(x[i]) - std::log(x[i - 1])));
    }
  }
  return kNaN;
}

double interpLog(const std::vector<double>& x, const std::vector<double>& y, double at) {
  if (std::isnan(at)) return kNaN;
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (x[i] >= at) {
      const double t = (std::log(at) - std::log(x[i - 1])) / (std::log(x[i]) - std::log(x[i - 1]));
      return y[i - 1] + t * (y[i] - y[i - 1]);
    }
  }
  return kNaN;
}

/// Linear interpolation of a waveform at time t.
double at(const std::vector<double>& time, const std::vector<double>& v, double t) {
  const auto it = std::lower_bound(time.begin(), time.end(), t);
  if (it == time.end()) return v.back();
  const auto i = static_cast<std::size_t>(it - time.begin());
  if (i == 0 || time[i] == t) return v[i];
  const double f = (t - time[i - 1]) / (time[i] - time[i - 1]);
  return v[i - 1] + f * (v[i] - v[i - 1]);
}

/// Mean of v over [t0, t1] by the trapezoid rule on the simulator's own time points.
double average(const std::vector<double>& time, const std::vector<double>& v, double t0,
               double t1) {
  double sum = 0.0;
  for (std::size_t i = 1; i < time.size(); ++i) {
    const double a = std::max(time[i - 1], t0);
    const double b = std::min(time[i], t1);
    if (b <= a) continue;
    sum += 0.5 * (at(time, v, a) + at(time, v, b)) * (b - a);
  }
  return sum / (t1 - t0);
}

}  // namespace

void AmplifierOptions::validate() const {
  validateTimeout(timeout_s);
  bench.validate();
  requireInRange(kRangeId, "beta", feedback_factor, 1e-3, 1.0);
  requireInRange(kRangeId, "f-start", f_start_hz, 1e-3, 1e6, "Hz");
  requireInRange(kRangeId, "f-stop", f_stop_hz, f_start_hz * 10, 1e12, "Hz");
  requireInRange(kRangeId, "points-per-decade", points_per_decade, 1, 1000);
  requireInRange(kRangeId, "swing-max", swing_max_v, 0.01, 2 * bench.vdd_v, "V");
  requireInRange(kRangeId, "swing-step", swing_step_v, swing_max_v / 200, swing_max_v, "V");
  requireInRange(kRangeId, "dc-step", dc_step_v, 1e-5, swing_max_v, "V");
  requireInRange(kRangeId, "noise-f-lo", noise_f_lo_hz, 1e-3, 1e9, "Hz");
  requireInRange(kRangeId, "noise-f-hi", noise_f_hi_hz, noise_f_lo_hz * 10, 1e12, "Hz");
  requireInRange(kRangeId, "noise-spot", noise_spot_hz, noise_f_lo_hz, noise_f_hi_hz, "Hz");
}

AmplifierCharacterization characterizeAmplifier(const AmplifierOptions& options, Logger* logger) {
  options.validate();
  (void)spice::amplifierBenchDeck(options.bench, options.models, options.models.isDefault());
  IsolatedSimulator simulator(logger);
  return characterizeAmplifier(options, simulator);
}

AmplifierCharacterization characterizeAmplifier(const AmplifierOptions& o, Simulator& simulator) {
  o.validate();
  AmplifierCharacterization c;
  c.deck = spice::amplifierBenchDeck(o.bench, o.models, o.models.isDefault());
  // Supply paths from vdd: the reference current, the cascode-bias branches (mpd, mpc), the
  // first-stage loads, the second stages and the CMFB diodes. BSIM4 reports PMOS id negative.
  const std::vector<std::pair<std::string, std::vector<std::string>>> branches = {
      {"bias", {"pd", "pc"}},
      {"first_stage", {"3", "4", "3f", "4f"}},
      {"second_stage", {"6", "7"}},
      {"cmfb", {"dx", "dy"}}};
  std::vector<std::string>& cmd = c.commands;
  cmd.push_back("op");
  cmd.push_back("let gm1 = @m.xota.m1[gm]");
  for (const auto& [name, devices] : branches) {
    std::string sum = "let i_" + name + " = 0";
    for (const std::string& d : devices) sum += " + abs(@m.xota.m" + d + "[id])";
    cmd.push_back(sum);
  }
  cmd.push_back("ac dec " + std::to_string(o.points_per_decade) + " " + formatDouble(o.f_start_hz) +
                " " + formatDouble(o.f_stop_hz));
  const auto n_swing = static_cast<int>(std::floor(o.swing_max_v / o.swing_step_v + 1e-9));
  for (int k = -n_swing; k <= n_swing; ++k) {
    const double vt = o.swing_step_v * k;
    c.swing_vd_v.push_back(vt);
    cmd.push_back("alter vt dc=" + formatDouble(vt));
    cmd.push_back("ac lin 1 " + formatDouble(o.f_start_hz) + " " + formatDouble(o.f_start_hz));
  }
  cmd.push_back("alter vt dc=0");
  cmd.push_back("dc vt " + formatDouble(-o.dc_step_v) + " " + formatDouble(o.dc_step_v * 1.5) +
                " " + formatDouble(o.dc_step_v));
  cmd.push_back("noise v(outp,outn) vin dec 20 " + formatDouble(o.noise_f_lo_hz) + " " +
                formatDouble(o.noise_f_hi_hz));

  RunRequest request;
  request.deck = c.deck;
  request.commands = cmd;
  request.timeout_s = o.timeout_s;
  const RunResult r = simulator.run(request);

  const Plot& op = nthPlot(r, "op", 0);
  c.gm1_s = scalar(op, "gm1");
  c.gbw_estimate_hz = c.gm1_s / (2 * std::numbers::pi * o.bench.ota.cc_f);
  c.output_cm_v = 0.5 * (scalar(op, "v(outp)") + scalar(op, "v(outn)"));
  c.supply_current_a = -scalar(op, "i(vdd)");
  c.branches.push_back({"reference", o.bench.ota.iref_a});
  for (const auto& [name, devices] : branches) {
    c.branches.push_back({name, scalar(op, "i_" + name)});
  }

  const Plot& ac = nthPlot(r, "ac", 0);
  const Vector& f = need(ac, "frequency");
  const std::size_t n = f.size();
  if (n < 10) throw SimulationError("NNADC-SIM-008", "the AC sweep returned too few points");
  double unwrap = 0.0;
  double previous = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::complex<double> a = differential(ac, i);
    c.freq_hz.push_back(f.is_complex ? f.complex[i].real() : f.real[i]);
    c.gain_db.push_back(db(std::abs(a)));
    double ph = std::arg(a) * 180.0 / std::numbers::pi;
    if (i > 0) {
      while (ph + unwrap - previous > 180.0) unwrap -= 360.0;
      while (ph + unwrap - previous < -180.0) unwrap += 360.0;
    }
    previous = ph + unwrap;
    c.phase_deg.push_back(previous);
  }
  c.dc_gain_db = c.gain_db.front();
  c.ugf_hz = firstCrossing(c.freq_hz, c.gain_db, 0.0);
  c.phase_margin_deg = 180.0 + interpLog(c.freq_hz, c.phase_deg, c.ugf_hz);
  const double loop_level_db = -db(o.feedback_factor);
  c.loop_crossover_hz = firstCrossing(c.freq_hz, c.gain_db, loop_level_db);
  c.loop_phase_margin_deg = 180.0 + interpLog(c.freq_hz, c.phase_deg, c.loop_crossover_hz);

  for (std::size_t k = 0; k < c.swing_vd_v.size(); ++k) {
    const Plot& p = nthPlot(r, "ac", k + 1);
    c.swing_gain_db.push_back(db(std::abs(differential(p, 0))));
  }
  // Outward from vd = 0 on each side, to where the gain has dropped by kSwingDropDb.
  const auto mid = static_cast<std::size_t>(n_swing);
  const double limit = c.swing_gain_db[mid] - kSwingDropDb;
  c.swing_high_v = kNaN;
  c.swing_low_v = kNaN;
  for (std::size_t k = mid + 1; k < c.swing_vd_v.size(); ++k) {
    if (c.swing_gain_db[k] < limit) {
      const double t =
          (c.swing_gain_db[k - 1] - limit) / (c.swing_gain_db[k - 1] - c.swing_gain_db[k]);
      c.swing_high_v = c.swing_vd_v[k - 1] + t * (c.swing_vd_v[k] - c.swing_vd_v[k - 1]);
      break;
    }
  }
  for (std::size_t k = mid; k-- > 0;) {
    if (c.swing_gain_db[k] < limit) {
      const double t =
          (c.swing_gain_db[k + 1] - limit) / (c.swing_gain_db[k + 1] - c.swing_gain_db[k]);
      c.swing_low_v = c.swing_vd_v[k + 1] + t * (c.swing_vd_v[k] - c.swing_vd_v[k + 1]);
      break;
    }
  }

  // DC cross-check: slope of vd against the differential input at vd = +-dc_step.
  const Plot& dc = nthPlot(r, "dc", 0);
  const Vector& outp = need(dc, "v(outp)");
  const Vector& outn = need(dc, "v(outn)");
  const Vector& inp = need(dc, "v(inp)");
  const Vector& inn = need(dc, "v(inn)");
  if (outp.real.size() < 3) throw SimulationError("NNADC-SIM-008", "the DC sweep is too short");
  const double dvd = (outp.real[2] - outn.real[2]) - (outp.real[0] - outn.real[0]);
  const double dvi = (inp.real[2] - inn.real[2]) - (inp.real[0] - inn.real[0]);
  c.dc_gain_from_dc_db = db(std::abs(dvd / dvi));

  const Plot& spectrum = nthPlot(r, "noise", 0);
  const Plot& total = nthPlot(r, "noise", 1);
  const Vector& nf = need(spectrum, "frequency");
  const Vector& density = need(spectrum, "inoise_spectrum");
  c.noise_spot_v_rthz = interpLog(nf.real, density.real, o.noise_spot_hz);
  c.noise_integrated_v = scalar(total, "inoise_total");
  c.ngspice_version = simulator.version();
  return c;
}

void SwitchOptions::validate() const {
  validateTimeout(timeout_s);
  bench.validate();
}

SwitchCharacterization characterizeSwitches(const SwitchOptions& options, Logger* logger) {
  options.validate();
  (void)spice::switchBenchDeck(options.bench, options.models, options.models.isDefault());
  IsolatedSimulator simulator(logger);
  return characterizeSwitches(options, simulator);
}

SwitchCharacterization characterizeSwitches(const SwitchOptions& o, Simulator& simulator) {
  o.validate();
  SwitchCharacterization c;
  c.deck = spice::switchBenchDeck(o.bench, o.models, o.models.isDefault());
  RunRequest request;
  request.deck = c.deck;
  request.timeout_s = o.timeout_s;
  for (std::size_t k = 0; k < o.bench.vin_v.size(); ++k) {
    request.vectors.push_back("i(vpb" + std::to_string(k) + ")");
    request.vectors.push_back("i(vpt" + std::to_string(k) + ")");
  }
  const RunResult r = simulator.run(request);
  const Vector* time = r.find("time");
  if (time == nullptr || time->real.size() < 10) {
    throw SimulationError("NNADC-SIM-008", "the switch run returned no time axis");
  }
  // The clock is on from period / 2 to period.
  const double t = o.bench.period_s * (0.5 + 0.5 * kSwitchReadFraction);
  for (std::size_t k = 0; k < o.bench.vin_v.size(); ++k) {
    const Vector* ib = r.find("i(vpb" + std::to_string(k) + ")");
    const Vector* it = r.find("i(vpt" + std::to_string(k) + ")");
    if (ib == nullptr || it == nullptr) {
      throw SimulationError("NNADC-SIM-008", "the switch run returned no probe currents");
    }
    c.vin_v.push_back(o.bench.vin_v[k]);
    c.ron_bootstrap_ohm.push_back(o.bench.probe_v / std::abs(at(time->real, ib->real, t)));
    c.ron_gate_ohm.push_back(o.bench.probe_v / std::abs(at(time->real, it->real, t)));
  }
  c.ngspice_version = simulator.version();
  return c;
}

void MdacOptions::validate() const {
  validateTimeout(timeout_s);
  bench.validate();
}

std::vector<spice::MdacStep> MdacOptions::defaultSteps(double vref_diff_v) {
  std::vector<spice::MdacStep> steps;
  for (int code = -3; code <= 3; ++code) {
    for (const double residue : {-0.5, 0.0, 0.5}) {
      steps.push_back({(code + residue) * vref_diff_v / 4.0, code});
    }
  }
  return steps;
}

MdacCharacterization characterizeMdac(const MdacOptions& options, Logger* logger) {
  options.validate();
  const auto steps =
      options.steps.empty() ? MdacOptions::defaultSteps(options.bench.vref_diff_v) : options.steps;
  (void)spice::mdacBenchDeck(options.bench, steps, options.models, options.models.isDefault());
  IsolatedSimulator simulator(logger);
  return characterizeMdac(options, simulator);
}

MdacCharacterization characterizeMdac(const MdacOptions& o, Simulator& simulator) {
  o.validate();
  const auto steps = o.steps.empty() ? MdacOptions::defaultSteps(o.bench.vref_diff_v) : o.steps;
  MdacCharacterization c;
  c.deck = spice::mdacBenchDeck(o.bench, steps, o.models, o.models.isDefault());
  RunRequest request;
  request.deck = c.deck;
  request.timeout_s = o.timeout_s;
  request.vectors = {"v(outp)", "v(outn)", "i(vdd)", "i(vrp)", "i(vrn)", "i(vcm)", "i(vcmi)"};
  const RunResult r = simulator.run(request);
  const Vector* time = r.find("time");
  if (time == nullptr || time->real.size() < 10) {
    throw SimulationError("NNADC-SIM-008", "the MDAC run returned no time axis");
  }
  const std::vector<double>& t = time->real;
  auto wave = [&](const std::string& name) -> const std::vector<double>& {
    const Vector* v = r.find(name);
    if (v == nullptr) throw SimulationError("NNADC-SIM-008", "the MDAC run returned no " + name);
    return v->real;
  };
  const auto& outp = wave("v(outp)");
  const auto& outn = wave("v(outn)");
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const double ts = o.bench.sampleTime(k);
    const double res = at(t, outp, ts) - at(t, outn, ts);
    const double ideal =
        spice::idealResidue(steps[k].vin_diff_v, steps[k].code, o.bench.vref_diff_v);
    c.vin_diff_v.push_back(steps[k].vin_diff_v);
    c.code.push_back(steps[k].code);
    c.residue_v.push_back(res);
    c.ideal_v.push_back(ideal);
    c.error_v.push_back(res - ideal);
    c.max_abs_error_v = std::max(c.max_abs_error_v, std::abs(res - ideal));
  }
  // Least-squares line residue = (1 + gain_error) ideal + offset: what a linear calibration
  // removes; what is left is the nonlinearity.
  const auto m = static_cast<double>(steps.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    sx += c.ideal_v[k];
    sy += c.residue_v[k];
    sxx += c.ideal_v[k] * c.ideal_v[k];
    sxy += c.ideal_v[k] * c.residue_v[k];
  }
  const double den = m * sxx - sx * sx;
  const double slope = den > 0 ? (m * sxy - sx * sy) / den : 1.0;
  c.offset_v = (sy - slope * sx) / m;
  c.gain_error = slope - 1.0;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const double fit = slope * c.ideal_v[k] + c.offset_v;
    c.max_nonlinearity_v = std::max(c.max_nonlinearity_v, std::abs(c.residue_v[k] - fit));
  }
  // Power over the measured cycles (the warm-up cycle excluded); sources report the current
  // into their + terminal, so the power they deliver is -v i.
  const double t0 = 1.0 / o.bench.fs_hz;
  const double t1 = o.bench.stopTime(steps.size());
  c.supply_power_w = -o.bench.vdd_v * average(t, wave("i(vdd)"), t0, t1);
  const double vcm = o.bench.vcm_v;
  const double half = o.bench.vref_diff_v / 2;
  c.reference_power_w = -((vcm + half) * average(t, wave("i(vrp)"), t0, t1) +
                          (vcm - half) * average(t, wave("i(vrn)"), t0, t1) +
                          vcm * average(t, wave("i(vcm)"), t0, t1) +
                          o.bench.vcm_in_v * average(t, wave("i(vcmi)"), t0, t1));
  c.ngspice_version = simulator.version();
  return c;
}

ResidueNoise residueNoise(double unit_cap_f, int caps_per_side, double stage_gain,
                          double amp_density_v_rthz, double gbw_hz, double feedback_factor,
                          double temperature_k) {
  requireInRange(kRangeId, "unit-cap", unit_cap_f, 1e-18, 1e-6, "F");
  requireInRange(kRangeId, "caps-per-side", caps_per_side, 1, 1024);
  requireInRange(kRangeId, "stage-gain", stage_gain, 1e-3, 1e6);
  requireInRange(kRangeId, "noise density", amp_density_v_rthz, 0.0, 1e-3, "V/rtHz");
  requireInRange(kRangeId, "gbw", gbw_hz, 1.0, 1e12, "Hz");
  requireInRange(kRangeId, "beta", feedback_factor, 1e-3, 1.0);
  requireInRange(kRangeId, "temperature", temperature_k, 1.0, 1000.0, "K");
  ResidueNoise n;
  const double cs = unit_cap_f * caps_per_side;
  n.ktc_rms_v = std::sqrt(2.0 * kBoltzmann * temperature_k / cs);
  const double bandwidth_hz = std::numbers::pi / 2.0 * feedback_factor * gbw_hz;
  const double out_rms = amp_density_v_rthz * std::sqrt(bandwidth_hz) / feedback_factor;
  n.amplifier_rms_v = out_rms / stage_gain;
  n.total_rms_v = std::hypot(n.ktc_rms_v, n.amplifier_rms_v);
  return n;
}

}  // namespace nnadc::sim
