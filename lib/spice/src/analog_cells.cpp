#include "nnadc/spice/analog_cells.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/spice/netlist.h"

namespace nnadc::spice {

namespace {

constexpr const char* kRangeId = "NNADC-CFG-003";
/// Device sizes the card is meant for: 0.1 um .. 1 mm (wider devices are arrays, not one card).
constexpr double kMinSize = 0.1e-6;
constexpr double kMaxSize = 1e-3;
/// Gain-4 stage: 3 DAC capacitors per side, so decisions -3..3.
constexpr int kMaxCode = 3;
constexpr int kDacCaps = 3;
/// Ratio of the PMOS to the NMOS reference switch width (hole mobility ~1/3.7 of electrons').
constexpr double kPmosRefSwitchRatio = 2.0;
/// Time the input source takes to move to the next step's value [s].
constexpr double kInputRamp_s = 1e-9;

void requireSize(const std::string& field, const MosSize& s) {
  requireInRange(kRangeId, field + ".w", s.w_m, kMinSize, kMaxSize, "m");
  requireInRange(kRangeId, field + ".l", s.l_m, kMinSize, kMaxSize, "m");
}

/// One transistor card: name drain gate source bulk model w= l=.
std::string mos(const std::string& name, const std::string& d, const std::string& g,
                const std::string& s, const std::string& b, const std::string& model,
                const MosSize& size) {
  return "m" + name + " " + d + " " + g + " " + s + " " + b + " " + model +
         " w=" + spiceNumber(size.w_m) + " l=" + spiceNumber(size.l_m);
}

MosSize scaledWidth(MosSize s, double factor) {
  s.w_m *= factor;
  return s;
}

/// A subcircuit's text in one dialect: SPICE cards (ngspice, Xyce) or Spectre instance statements
/// (`name (nodes) master params`, `//` comments, `subckt` / `ends`).
class CellText {
 public:
  explicit CellText(Dialect dialect) : spectre_(dialect == Dialect::kSpectre) {}
  void head(const std::string& name, const std::string& ports) {
    s_ << (spectre_ ? "subckt " : ".subckt ") << name << " " << ports << "\n";
  }
  void comment(const std::string& text) { s_ << (spectre_ ? "// " : "* ") << text << "\n"; }
  void mos(const std::string& name, const std::string& d, const std::string& g,
           const std::string& src, const std::string& b, const std::string& model,
           const MosSize& size) {
    if (!spectre_) {
      s_ << spice::mos(name, d, g, src, b, model, size) << "\n";
      return;
    }
    s_ << "m" << name << " (" << d << " " << g << " " << src << " " << b << ") " << model
       << " w=" << spiceNumber(size.w_m) << " l=" << spiceNumber(size.l_m) << "\n";
  }
  void resistor(const std::string& name, const std::string& a, const std::string& b, double r) {
    twoTerminal(name, a, b, "resistor r=", r);
  }
  void capacitor(const std::string& name, const std::string& a, const std::string& b, double c) {
    twoTerminal(name, a, b, "capacitor c=", c);
  }
  /// Closes the subcircuit and returns the text (no trailing newline, as the callers expect).
  std::string tail(const std::string& name) {
    s_ << (spectre_ ? "ends " : ".ends ") << name;
    return s_.str();
  }

 private:
  void twoTerminal(const std::string& name, const std::string& a, const std::string& b,
                   const std::string& master, double value) {
    if (spectre_) {
      s_ << name << " (" << a << " " << b << ") " << master << spiceNumber(value) << "\n";
    } else {
      s_ << name << " " << a << " " << b << " " << spiceNumber(value) << "\n";
    }
  }
  bool spectre_;
  std::ostringstream s_;
};

/// A clock as a PULSE source between 0 and vdd: rises at `delay`, high for `high` (rising edge
/// included), repeats every `period`.
std::string pulse(const std::string& name, const std::string& node, double vdd, double delay,
                  double high, double edge, double period, bool inverted) {
  const double lo = inverted ? vdd : 0.0;
  const double hi = inverted ? 0.0 : vdd;
  return "v" + name + " " + node + " 0 pulse(" + spiceNumber(lo) + " " + spiceNumber(hi) + " " +
         spiceNumber(delay) + " " + spiceNumber(edge) + " " + spiceNumber(edge) + " " +
         spiceNumber(high - edge) + " " + spiceNumber(period) + ")";
}

/// A PWL source from (time, value) points, one pair a continuation line.
std::string pwl(const std::string& name, const std::string& node,
                const std::vector<std::pair<double, double>>& points) {
  std::ostringstream s;
  s << "v" << name << " " << node << " 0 pwl(";
  for (std::size_t i = 0; i < points.size(); ++i) {
    s << (i == 0 ? "" : "\n+ ") << spiceNumber(points[i].first) << " "
      << spiceNumber(points[i].second);
  }
  s << ")";
  return s.str();
}

/// Decision d_i (-1, 0, +1) of DAC capacitor i for code D: thermometer, |D| capacitors at sign(D).
int dacBit(int code, int cap) {
  if (cap >= std::abs(code)) return 0;
  return code > 0 ? 1 : -1;
}

}  // namespace

void OtaParams::validate() const {
  requireInRange(kRangeId, "ota.iref", iref_a, 1e-7, 1e-3, "A");
  requireInRange(kRangeId, "ota.cc", cc_f, 1e-15, 1e-9, "F");
  requireInRange(kRangeId, "ota.rz", rz_ohm, 0.0, 1e6, "ohm");
  requireInRange(kRangeId, "ota.cmfb_r", cmfb_r_ohm, 1e3, 1e9, "ohm");
  requireInRange(kRangeId, "ota.cmfb_c", cmfb_c_f, 0.0, 1e-9, "F");
  requireSize("ota.bias", bias);
  requireSize("ota.tail", tail);
  requireSize("ota.input", input);
  requireSize("ota.cascode", cascode);
  requireSize("ota.load", load);
  requireSize("ota.load_fixed", load_fixed);
  requireSize("ota.second", second);
  requireSize("ota.sink", sink);
  requireSize("ota.cmfb_tail", cmfb_tail);
  requireSize("ota.cmfb_pair", cmfb_pair);
  requireSize("ota.cmfb_diode", cmfb_diode);
  requireSize("ota.pbias", pbias);
  requireSize("ota.cascode_bias", cascode_bias);
  requireSize("ota.reset_switch", reset_switch);
}

OtaParams OtaParams::scaled(double factor) const {
  requireInRange(kRangeId, "ota scale factor", factor, 1e-3, 1e3);
  OtaParams o = *this;
  o.iref_a *= factor;
  o.cc_f *= factor;
  o.rz_ohm /= factor;
  o.cmfb_r_ohm /= factor;
  o.cmfb_c_f *= factor;
  for (MosSize* s :
       {&o.bias, &o.tail, &o.input, &o.cascode, &o.load, &o.load_fixed, &o.second, &o.sink,
        &o.cmfb_tail, &o.cmfb_pair, &o.cmfb_diode, &o.pbias, &o.cascode_bias, &o.reset_switch}) {
    *s = scaledWidth(*s, factor);
  }
  return o;
}

void BootstrapSwitchParams::validate() const {
  requireSize("bootstrap.main", main);
  requireSize("bootstrap.helper", helper);
  requireInRange(kRangeId, "bootstrap.cboot", cboot_f, 1e-15, 1e-9, "F");
}

void TransmissionGateParams::validate() const {
  requireSize("gate.nmos", nmos);
  requireSize("gate.pmos", pmos);
}

std::string otaSubckt(const OtaParams& p, const ModelSource& models, const std::string& name,
                      Dialect dialect) {
  p.validate();
  const std::string& n = models.nmos;
  const std::string& pm = models.pmos;
  CellText s(dialect);
  s.head(name, "inp inn outp outn vcm ibias vdd vss rst");
  s.comment("bias: the reference current enters the diode mb0; every NMOS source mirrors it");
  s.mos("b0", "ibias", "ibias", "vss", "vss", n, p.bias);
  s.mos("t3", "bp", "ibias", "vss", "vss", n, p.pbias);
  s.mos("pd", "bp", "bp", "vdd", "vdd", pm, p.pbias);
  s.mos("pc", "vbc", "bp", "vdd", "vdd", pm, p.pbias);
  s.mos("nc", "vbc", "vbc", "vss", "vss", n, p.cascode_bias);
  s.comment("first stage: cascoded NMOS pair; PMOS loads, half fixed (bp), half set by the CMFB");
  s.mos("5", "tail", "ibias", "vss", "vss", n, p.tail);
  s.mos("1", "c1", "inp", "tail", "vss", n, p.input);
  s.mos("2", "c2", "inn", "tail", "vss", n, p.input);
  s.mos("1c", "d1", "vbc", "c1", "vss", n, p.cascode);
  s.mos("2c", "d2", "vbc", "c2", "vss", n, p.cascode);
  s.mos("3", "d1", "cmx", "vdd", "vdd", pm, p.load);
  s.mos("4", "d2", "cmx", "vdd", "vdd", pm, p.load);
  s.mos("3f", "d1", "bp", "vdd", "vdd", pm, p.load_fixed);
  s.mos("4f", "d2", "bp", "vdd", "vdd", pm, p.load_fixed);
  s.comment("second stage: PMOS common source, NMOS sinks; inp up -> d1 down -> outp up");
  s.mos("6", "outp", "d1", "vdd", "vdd", pm, p.second);
  s.mos("7", "outn", "d2", "vdd", "vdd", pm, p.second);
  s.mos("8", "outp", "ibias", "vss", "vss", n, p.sink);
  s.mos("9", "outn", "ibias", "vss", "vss", n, p.sink);
  s.comment("reset: rst high shorts the first-stage outputs (MDAC sampling phase)");
  s.mos("rs", "d1", "rst", "d2", "vss", n, p.reset_switch);
  s.comment("Miller compensation with nulling resistors");
  s.resistor("rz1", "d1", "z1", p.rz_ohm);
  s.capacitor("cc1", "z1", "outp", p.cc_f);
  s.resistor("rz2", "d2", "z2", p.rz_ohm);
  s.capacitor("cc2", "z2", "outn", p.cc_f);
  s.comment("CMFB: the output common mode, sensed by a resistive-capacitive divider, against vcm");
  s.comment("in two NMOS pairs; the sense-side current sets the CMFB part of the loads");
  s.resistor("rs1", "outp", "cms", p.cmfb_r_ohm);
  s.resistor("rs2", "outn", "cms", p.cmfb_r_ohm);
  s.capacitor("cs1", "outp", "cms", p.cmfb_c_f);
  s.capacitor("cs2", "outn", "cms", p.cmfb_c_f);
  s.mos("t1", "ct1", "ibias", "vss", "vss", n, p.cmfb_tail);
  s.mos("t2", "ct2", "ibias", "vss", "vss", n, p.cmfb_tail);
  s.mos("c1", "cmx", "cms", "ct1", "vss", n, p.cmfb_pair);
  s.mos("c2", "cmy", "vcm", "ct1", "vss", n, p.cmfb_pair);
  s.mos("c3", "cmx", "cms", "ct2", "vss", n, p.cmfb_pair);
  s.mos("c4", "cmy", "vcm", "ct2", "vss", n, p.cmfb_pair);
  s.mos("dx", "cmx", "cmx", "vdd", "vdd", pm, p.cmfb_diode);
  s.mos("dy", "cmy", "cmy", "vdd", "vdd", pm, p.cmfb_diode);
  return s.tail(name);
}

std::string bootstrapSwitchSubckt(const BootstrapSwitchParams& p, const ModelSource& models,
                                  const std::string& name, int outputs, Dialect dialect) {
  p.validate();
  requireInRange(kRangeId, "bootstrap outputs", outputs, 1, 64);
  const std::string& n = models.nmos;
  const std::string& pm = models.pmos;
  CellText s(dialect);
  std::string ports = "in";
  if (outputs == 1) {
    ports += " out";
  } else {
    for (int k = 0; k < outputs; ++k) ports += " out" + std::to_string(k);
  }
  s.head(name, ports + " clk clkb vdd vss");
  s.comment("off (clk low): cboot charged to vdd (mc1, mc2), gate g held at 0 (mg1, mg2)");
  s.mos("c1", "cbot", "clkb", "vss", "vss", n, p.helper);
  s.mos("c2", "vdd", "g", "ctop", "ctop", pm, p.helper);
  s.mos("g2", "g", "vdd", "gx", "vss", n, p.helper);
  s.mos("g1", "gx", "clkb", "vss", "vss", n, p.helper);
  s.comment("on (clk high): h = 0 connects ctop to g (mp3), g connects cbot to the input (mb)");
  s.mos("h1", "h", "clk", "vss", "vss", n, p.helper);
  s.mos("h2", "h", "clk", "vdd", "vdd", pm, p.helper);
  s.mos("p3", "g", "h", "ctop", "ctop", pm, p.helper);
  s.mos("b", "cbot", "g", "in", "vss", n, p.helper);
  s.capacitor("cb", "ctop", "cbot", p.cboot_f);
  if (outputs == 1) {
    s.mos("s", "out", "g", "in", "vss", n, p.main);
  } else {
    s.comment(std::to_string(outputs) + " sampling transistors share the bootstrapped gate g");
    for (int k = 0; k < outputs; ++k) {
      s.mos("s" + std::to_string(k), "out" + std::to_string(k), "g", "in", "vss", n, p.main);
    }
  }
  return s.tail(name);
}

std::string transmissionGateSubckt(const TransmissionGateParams& p, const ModelSource& models,
                                   const std::string& name) {
  p.validate();
  std::ostringstream s;
  s << ".subckt " << name << " in out clk clkb vdd vss\n"
    << mos("n", "out", "clk", "in", "vss", models.nmos, p.nmos) << "\n"
    << mos("p", "out", "clkb", "in", "vdd", models.pmos, p.pmos) << "\n"
    << ".ends " << name;
  return s.str();
}

void AmplifierBench::validate() const {
  ota.validate();
  requireInRange(kRangeId, "vdd", vdd_v, 0.5, 5.0, "V");
  requireInRange(kRangeId, "vcm-out", vcm_out_v, 0.0, vdd_v, "V");
  requireInRange(kRangeId, "vcm-in", vcm_in_v, 0.0, vdd_v, "V");
  requireInRange(kRangeId, "load", load_f, 0.0, 1e-9, "F");
  requireInRange(kRangeId, "reltol", reltol, 1e-9, 1e-2);
}

std::string amplifierBenchDeck(const AmplifierBench& b, const ModelSource& models,
                               bool inline_models) {
  b.validate();
  Netlist net("nnadc amplifier bench: open loop for AC, DC point held by an inductive servo");
  net.comment("ideal elements: iref (the bias reference current, its supply current counted),");
  net.comment("vcm and vic (common-mode levels), vt and the servo bfp/bfn, lfp/lfn, cip/cin, vin");
  net.comment("(measurement aids, not part of a converter)");
  net.card(modelCards(models, inline_models));
  net.card(otaSubckt(b.ota, models));
  net.card("vdd vdd 0 " + spiceNumber(b.vdd_v));
  net.card("vcm vcm 0 " + spiceNumber(b.vcm_out_v));
  net.card("vic vic 0 " + spiceNumber(b.vcm_in_v));
  net.card("vt vt 0 0");
  net.card("iref vdd ib " + spiceNumber(b.ota.iref_a));
  net.card("xota inp inn outp outn vcm ib vdd 0 0 nnadc_ota");
  net.comment("servo: at DC inp - inn = vt - (outp - outn); open above ~1 uHz");
  net.card("bfp fp 0 v=v(vic)+0.5*(v(vt)-v(outp)+v(outn))");
  net.card("bfn fn 0 v=v(vic)-0.5*(v(vt)-v(outp)+v(outn))");
  net.card("lfp fp inp 1e6");
  net.card("lfn fn inn 1e6");
  net.card("cip inp acp 1");
  net.card("cin inn acn 1");
  net.card("vin acp vic dc 0 ac 1");
  net.card("van acn vic dc 0 ac 0");
  net.card("clp outp 0 " + spiceNumber(b.load_f));
  net.card("cln outn 0 " + spiceNumber(b.load_f));
  // Two-stage amplifiers in a DC servo loop have a second, latched operating point (outputs at a
  // rail, CMFB saturated): start Newton at the intended one.
  net.card(".nodeset v(outp)=" + spiceNumber(b.vcm_out_v) + " v(outn)=" + spiceNumber(b.vcm_out_v) +
           " v(inp)=" + spiceNumber(b.vcm_in_v) + " v(inn)=" + spiceNumber(b.vcm_in_v));
  net.card(".options reltol=" + spiceNumber(b.reltol) + " vntol=1e-9 abstol=1e-14");
  return net.text();
}

void SwitchBench::validate() const {
  bootstrap.validate();
  gate.validate();
  requireInRange(kRangeId, "vdd", vdd_v, 0.5, 5.0, "V");
  if (vin_v.empty() || vin_v.size() > 200) {
    throw InputError(kRangeId,
                     "switch bench: 1 to 200 input levels, got " + std::to_string(vin_v.size()));
  }
  for (const double v : vin_v) requireInRange(kRangeId, "switch vin", v, 0.0, vdd_v, "V");
  requireInRange(kRangeId, "probe", probe_v, 1e-6, 0.1, "V");
  requireInRange(kRangeId, "period", period_s, 1e-10, 1e-3, "s");
}

std::string switchBenchDeck(const SwitchBench& b, const ModelSource& models, bool inline_models) {
  b.validate();
  Netlist net("nnadc switch bench: on-resistance of a bootstrapped switch and a transmission gate");
  net.comment("ideal elements: the clock sources clk/clkb and the probe sources vpb<k>/vpt<k>");
  net.card(modelCards(models, inline_models));
  net.card(bootstrapSwitchSubckt(b.bootstrap, models));
  net.card(transmissionGateSubckt(b.gate, models));
  net.card("vdd vdd 0 " + spiceNumber(b.vdd_v));
  const double half = b.period_s / 2;
  const double edge = b.period_s / 500;
  net.card(pulse("clk", "clk", b.vdd_v, half, half, edge, b.period_s, false));
  net.card(pulse("clkb", "clkb", b.vdd_v, half, half, edge, b.period_s, true));
  for (std::size_t k = 0; k < b.vin_v.size(); ++k) {
    const std::string i = std::to_string(k);
    net.card("vi" + i + " in" + i + " 0 " + spiceNumber(b.vin_v[k]));
    net.card("xb" + i + " in" + i + " ob" + i + " clk clkb vdd 0 nnadc_bootsw");
    net.card("vpb" + i + " ob" + i + " 0 " + spiceNumber(b.vin_v[k] + b.probe_v));
    net.card("xt" + i + " in" + i + " ot" + i + " clk clkb vdd 0 nnadc_tg");
    net.card("vpt" + i + " ot" + i + " 0 " + spiceNumber(b.vin_v[k] + b.probe_v));
  }
  net.card(".tran " + spiceNumber(b.period_s / 1000) + " " + spiceNumber(2 * b.period_s) + " 0 " +
           spiceNumber(b.period_s / 200));
  return net.text();
}

void MdacBench::validate() const {
  ota.validate();
  input_switch.validate();
  requireSize("mid_switch", mid_switch);
  requireSize("ref_switch", ref_switch);
  requireInRange(kRangeId, "boost", boost_v, vdd_v, 2 * vdd_v, "V");
  requireInRange(kRangeId, "vdd", vdd_v, 0.5, 5.0, "V");
  requireInRange(kRangeId, "unit-cap", unit_cap_f, 1e-15, 1e-9, "F");
  requireInRange(kRangeId, "load", load_f, 0.0, 1e-9, "F");
  requireInRange(kRangeId, "vref", vref_diff_v, 0.01, vdd_v, "V");
  requireInRange(kRangeId, "vcm", vcm_v, vref_diff_v / 2, vdd_v - vref_diff_v / 2, "V");
  requireInRange(kRangeId, "vcm-in", vcm_in_v, 0.0, vdd_v, "V");
  requireInRange(kRangeId, "fs", fs_hz, 1e3, 1e9, "Hz");
  const double period = 1.0 / fs_hz;
  requireInRange(kRangeId, "nonoverlap", nonoverlap_s, 0.0, period / 8, "s");
  requireInRange(kRangeId, "edge", edge_s, 1e-12, period / 20, "s");
  requireInRange(kRangeId, "early", early_s, 0.0, period / 8, "s");
  requireInRange(kRangeId, "max-step", max_step_s, 1e-13, period / 20, "s");
  requireInRange(kRangeId, "reltol", reltol, 1e-9, 1e-2);
}

double MdacBench::sampleTime(std::size_t k) const {
  const double period = 1.0 / fs_hz;
  return static_cast<double>(k + 1) * period + period - nonoverlap_s;
}

double MdacBench::stopTime(std::size_t steps) const {
  return static_cast<double>(steps + 1) / fs_hz;
}

double idealResidue(double vin_diff_v, int code, double vref_diff_v) {
  return 4.0 * vin_diff_v - static_cast<double>(code) * vref_diff_v;
}

std::string mdacBenchDeck(const MdacBench& b, const std::vector<MdacStep>& steps,
                          const ModelSource& models, bool inline_models) {
  b.validate();
  if (steps.empty()) throw InputError(kRangeId, "MDAC bench: no conversion steps");
  for (const MdacStep& s : steps) {
    if (s.code < -kMaxCode || s.code > kMaxCode) {
      throw InputError(kRangeId, "MDAC bench: code " + std::to_string(s.code) +
                                     " is outside the allowed range [-3, 3]");
    }
    requireInRange(kRangeId, "MDAC vin", s.vin_diff_v, -b.vref_diff_v, b.vref_diff_v, "V");
  }
  const double period = 1.0 / b.fs_hz;
  const double high = period / 2 - b.nonoverlap_s;
  const double vdd = b.vdd_v;
  Netlist net("nnadc MDAC bench: fully-differential flip-around MDAC, gain 4, 7 DAC levels");
  net.comment("ideal elements: iref (bias reference current), vrp/vrn/vcm/vcmi (references and");
  net.comment("common modes), the clock sources incl. the boosted ones (p1h, p1eh, p2h, ...), the");
  net.comment("input sources vinp/vinn; capacitors and resistors without mismatch");
  net.card(modelCards(models, inline_models));
  net.card(otaSubckt(b.ota, models));
  net.card(bootstrapSwitchSubckt(b.input_switch, models));
  net.card("vdd vdd 0 " + spiceNumber(vdd));
  net.card("vcm vcm 0 " + spiceNumber(b.vcm_v));
  net.card("vcmi vcmi 0 " + spiceNumber(b.vcm_in_v));
  net.card("vrp vrp 0 " + spiceNumber(b.vcm_v + b.vref_diff_v / 2));
  net.card("vrn vrn 0 " + spiceNumber(b.vcm_v - b.vref_diff_v / 2));
  net.card("iref vdd ib " + spiceNumber(b.ota.iref_a));
  net.comment("clocks: phi1 samples, phi1e releases the top plates first, phi2 amplifies");
  net.card(pulse("p1", "p1", vdd, 0.0, high, b.edge_s, period, false));
  net.card(pulse("p1b", "p1b", vdd, 0.0, high, b.edge_s, period, true));
  net.comment("boosted copies (high = boost_v) for the NMOS switches at mid-supply levels");
  net.card(pulse("p1h", "p1h", b.boost_v, 0.0, high, b.edge_s, period, false));
  net.card(pulse("p1eh", "p1eh", b.boost_v, 0.0, high - b.early_s, b.edge_s, period, false));
  net.card(pulse("p2h", "p2h", b.boost_v, period / 2, high, b.edge_s, period, false));

  // Input: step k is sampled in cycle k + 1 (cycle 0 warms up on step 0); it moves a quarter
  // period before that cycle, inside the previous amplification phase.
  std::vector<std::pair<double, double>> inp;
  std::vector<std::pair<double, double>> inn;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const double v = steps[k].vin_diff_v / 2;
    const double t = static_cast<double>(k + 1) * period - period / 4;
    if (k == 0) {
      inp.emplace_back(0.0, b.vcm_v + v);
      inn.emplace_back(0.0, b.vcm_v - v);
    } else {
      inp.emplace_back(t, b.vcm_v + steps[k - 1].vin_diff_v / 2);
      inn.emplace_back(t, b.vcm_v - steps[k - 1].vin_diff_v / 2);
      inp.emplace_back(t + kInputRamp_s, b.vcm_v + v);
      inn.emplace_back(t + kInputRamp_s, b.vcm_v - v);
    }
  }
  net.card(pwl("inp", "vinp", inp));
  net.card(pwl("inn", "vinn", inn));

  // DAC switch gates: high (or low, for the PMOS to +vref) during phi2 of the cycles whose
  // decision puts capacitor i of a side on that reference. Cycle 0 applies step 0's decision.
  auto dacGate = [&](const std::string& node, int side, int cap, int level, bool active_low,
                     double high_v) {
    std::vector<std::pair<double, double>> pts;
    const double off = active_low ? high_v : 0.0;
    const double on = active_low ? 0.0 : high_v;
    pts.emplace_back(0.0, off);
    for (std::size_t c = 0; c <= steps.size(); ++c) {
      const MdacStep& s = steps[c == 0 ? 0 : c - 1];
      if (side * dacBit(s.code, cap) != level) continue;
      const double t0 = static_cast<double>(c) * period + period / 2;
      pts.emplace_back(t0, off);
      pts.emplace_back(t0 + b.edge_s, on);
      pts.emplace_back(t0 + high, on);
      pts.emplace_back(t0 + high + b.edge_s, off);
    }
    if (pts.size() == 1) return "v" + node + " " + node + " 0 " + spiceNumber(off);
    return pwl(node, node, pts);
  };

  const MosSize pref{b.ref_switch.w_m * kPmosRefSwitchRatio, b.ref_switch.l_m};
  for (const int side : {1, -1}) {
    const std::string sd = side > 0 ? "p" : "n";
    const std::string vin = side > 0 ? "vinp" : "vinn";
    // The + side's summing node drives the inverting input: outp = 4 vin+ - sum(dac+).
    const std::string x = "x" + sd;
    const std::string out = "out" + sd;
    net.comment("side " + sd);
    for (int i = 0; i <= kDacCaps; ++i) {
      const std::string bp = "b" + sd + std::to_string(i);
      net.card("xs" + bp + " " + vin + " " + bp + " p1 p1b vdd 0 nnadc_bootsw");
      net.card("c" + bp + " " + x + " " + bp + " " + spiceNumber(b.unit_cap_f));
    }
    net.card(mos("f" + sd, "b" + sd + "0", "p2h", out, "0", models.nmos, b.mid_switch));
    for (int i = 1; i <= kDacCaps; ++i) {
      const int cap = i - 1;
      const std::string bp = "b" + sd + std::to_string(i);
      const std::string gp = "gp" + sd + std::to_string(i);
      const std::string gn = "gn" + sd + std::to_string(i);
      const std::string gz = "gz" + sd + std::to_string(i);
      net.card(dacGate(gp, side, cap, 1, true, vdd));
      net.card(dacGate(gn, side, cap, -1, false, vdd));
      net.card(dacGate(gz, side, cap, 0, false, b.boost_v));
      net.card(mos("rp" + bp, bp, gp, "vrp", "vdd", models.pmos, pref));
      net.card(mos("rn" + bp, bp, gn, "vrn", "0", models.nmos, b.ref_switch));
      net.card(mos("z" + bp, bp, gz, "vcm", "0", models.nmos, b.mid_switch));
    }
    net.card(mos("t" + sd, x, "p1eh", "vcmi", "0", models.nmos, b.mid_switch));
    net.card("cl" + sd + " " + out + " 0 " + spiceNumber(b.load_f));
  }
  // Reset: the outputs are shorted during phi1 (the CMFB holds their common mode), so the OTA
  // never fights a source and starts phi2 balanced.
  net.card(mos("r", "outp", "p1h", "outn", "0", models.nmos, b.mid_switch));
  net.card("xota xn xp outp outn vcm ib vdd 0 p1eh nnadc_ota");
  net.card(".nodeset v(outp)=" + spiceNumber(b.vcm_v) + " v(outn)=" + spiceNumber(b.vcm_v) +
           " v(xp)=" + spiceNumber(b.vcm_in_v) + " v(xn)=" + spiceNumber(b.vcm_in_v));
  net.card(".options reltol=" + spiceNumber(b.reltol) + " vntol=1e-7 abstol=1e-13");
  net.card(".save v(outp) v(outn) i(vdd) i(vrp) i(vrn) i(vcm) i(vcmi) i(vinp) i(vinn)");
  net.card(".tran " + spiceNumber(b.max_step_s) + " " + spiceNumber(b.stopTime(steps.size())) +
           " 0 " + spiceNumber(b.max_step_s));
  return net.text();
}

}  // namespace nnadc::spice
