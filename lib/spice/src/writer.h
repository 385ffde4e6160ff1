#pragma once
// Per-dialect syntax of the few elements the decks use (private to the spice module: the stage
// and pipeline emitters share it).
#include <Eigen/Core>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "nnadc/adc/mismatch.h"
#include "nnadc/rram/levels.h"
#include "nnadc/spice/netlist.h"
#include "nnadc/spice/stage_deck.h"

namespace nnadc::spice::detail {

// Lines longer than this are continued (SPICE `+`, Spectre `\`): some readers cap line length.
constexpr std::size_t kMaxLineLength = 100;
class Writer {
 public:
  explicit Writer(Dialect dialect) : dialect_(dialect) {}
  [[nodiscard]] bool spectre() const { return dialect_ == Dialect::kSpectre; }
  void line(const std::string& text) { text_ += text + "\n"; }
  void comment(const std::string& text) { line((spectre() ? "// " : "* ") + text); }
  void raw(const std::string& text) { text_ += text; }
  // The header line that says how to run the deck on its own. ngspice in batch mode runs no
  // analysis without an output card, hence the .print that the ngspice decks end with.
  void runHint() {
    switch (dialect_) {
      case Dialect::kNgspice:
        comment(
            "run: ngspice -b DECK.cir (prints the saved vectors), or nnadc sim --deck DECK.cir");
        break;
      case Dialect::kXyce:
        comment("run: Xyce DECK.cir (writes DECK.cir.prn)");
        break;
      case Dialect::kSpectre:
        comment("run: spectre DECK.scs");
        break;
    }
  }

  // 1/G of a level is not a short decimal (49999.99999999999 for 1/20 uS): 12 significant
  // digits read better and change the divider ratios by < 1e-11, far below any tolerance.
  void resistor(const std::string& name, const std::string& a, const std::string& b, double ohms) {
    char value[32];
    std::snprintf(value, sizeof value, "%.12g", ohms);
    if (spectre()) {
      line(name + " (" + a + " " + b + ") resistor r=" + value);
    } else {
      line(name + " " + a + " " + b + " " + value);
    }
  }
  // SPICE decides the element by its first letter; PDK devices wrapped in subcircuits are X.
  void mosfet(const std::string& name, const std::string& d, const std::string& g,
              const std::string& s, const std::string& b, const std::string& model, double w_m,
              double l_m, bool subckt_device, int multiplier, const std::string& extra = {}) {
    const std::string nodes = d + " " + g + " " + s + " " + b;
    const std::string size =
        " w=" + spiceNumber(w_m) + " l=" + spiceNumber(l_m) +
        (multiplier == 1 ? std::string() : " m=" + std::to_string(multiplier)) + extra;
    const std::string prefix = subckt_device ? "x" : "m";
    if (spectre()) {
      line(prefix + name + " (" + nodes + ") " + model + size);
    } else {
      line(prefix + name + " " + nodes + " " + model + size);
    }
  }
  void dcSource(const std::string& name, const std::string& p, const std::string& n, double v) {
    if (spectre()) {
      line(name + " (" + p + " " + n + ") vsource dc=" + spiceNumber(v));
    } else {
      line(name + " " + p + " " + n + " dc " + spiceNumber(v));
    }
  }
  void pwlSource(const std::string& name, const std::string& p, const std::string& n,
                 const std::vector<std::pair<double, double>>& points) {
    std::vector<std::string> words;
    for (const auto& [t, v] : points) words.push_back(spiceNumber(t) + " " + spiceNumber(v));
    if (spectre()) {
      wrapped(name + " (" + p + " " + n + ") vsource type=pwl wave=[", words, "]");
    } else {
      wrapped(name + " " + p + " " + n + " pwl(", words, ")");
    }
  }
  void vcvs(const std::string& name, const std::string& p, const std::string& n,
            const std::string& cp, const std::string& cn, double gain) {
    if (spectre()) {
      line(name + " (" + p + " " + n + " " + cp + " " + cn + ") vcvs gain=" + spiceNumber(gain));
    } else {
      line(name + " " + p + " " + n + " " + cp + " " + cn + " " + spiceNumber(gain));
    }
  }
  void capacitor(const std::string& name, const std::string& a, const std::string& b,
                 double farads) {
    if (spectre()) {
      line(name + " (" + a + " " + b + ") capacitor c=" + spiceNumber(farads));
    } else {
      line(name + " " + a + " " + b + " " + spiceNumber(farads));
    }
  }
  // PULSE(v1 v2 delay rise fall width period).
  void pulseSource(const std::string& name, const std::string& p, const std::string& n, double v1,
                   double v2, double delay, double rise, double fall, double width, double period) {
    if (spectre()) {
      wrapped(name + " (" + p + " " + n + ") vsource type=pulse",
              {"val0=" + spiceNumber(v1), "val1=" + spiceNumber(v2), "delay=" + spiceNumber(delay),
               "rise=" + spiceNumber(rise), "fall=" + spiceNumber(fall),
               "width=" + spiceNumber(width), "period=" + spiceNumber(period)},
              "");
    } else {
      line(name + " " + p + " " + n + " pulse(" + spiceNumber(v1) + " " + spiceNumber(v2) + " " +
           spiceNumber(delay) + " " + spiceNumber(rise) + " " + spiceNumber(fall) + " " +
           spiceNumber(width) + " " + spiceNumber(period) + ")");
    }
  }
  // Voltage-controlled switch p-n, closed while V(cp) - V(cn) > threshold_v. ngspice: S with a
  // sharp threshold (vh = 0); Xyce's vswitch and Spectre's relay move between open and closed over
  // [threshold - band / 2, threshold + band / 2] (Xyce needs von != voff).
  void voltageSwitch(const std::string& name, const std::string& p, const std::string& n,
                     const std::string& cp, const std::string& cn, const std::string& model,
                     double threshold_v, double band_v, double ron, double roff) {
    if (spectre()) {
      wrapped(name + " (" + p + " " + n + " " + cp + " " + cn + ") relay",
              {"vt1=" + spiceNumber(threshold_v - 0.5 * band_v),
               "vt2=" + spiceNumber(threshold_v + 0.5 * band_v), "ropen=" + spiceNumber(roff),
               "rclosed=" + spiceNumber(ron)},
              "");
    } else {
      line(name + " " + p + " " + n + " " + cp + " " + cn + " " + model);
    }
  }
  void switchModel(const std::string& model, double threshold_v, double band_v, double ron,
                   double roff) {
    if (dialect_ == Dialect::kNgspice) {
      line(".model " + model + " sw vt=" + spiceNumber(threshold_v) +
           " vh=0 ron=" + spiceNumber(ron) + " roff=" + spiceNumber(roff));
    } else if (dialect_ == Dialect::kXyce) {
      line(".model " + model + " vswitch von=" + spiceNumber(threshold_v + 0.5 * band_v) +
           " voff=" + spiceNumber(threshold_v - 0.5 * band_v) + " ron=" + spiceNumber(ron) +
           " roff=" + spiceNumber(roff));
    }
  }
  // Behavioural voltage source V(p) - V(n) = expression, the expression given as words (spaces
  // between them are legal) so that long ones are continued over lines.
  void behavioural(const std::string& name, const std::string& p, const std::string& n,
                   const std::vector<std::string>& expression) {
    switch (dialect_) {
      case Dialect::kNgspice:
        wrapped(name + " " + p + " " + n + " v=", expression, "");
        break;
      case Dialect::kXyce:
        wrapped(name + " " + p + " " + n + " v={", expression, "}");
        break;
      case Dialect::kSpectre:
        wrapped(name + " (" + p + " " + n + ") bsource v=", expression, "");
        break;
    }
  }
  // A node voltage inside a behavioural expression (Spectre's access function is upper case).
  [[nodiscard]] std::string voltage(const std::string& node) const {
    return (spectre() ? "V(" : "v(") + node + ")";
  }
  // "cond ? a : b" as the dialect writes it (Xyce: IF(cond, a, b)), as words.
  [[nodiscard]] std::vector<std::string> ternary(const std::string& condition,
                                                 std::vector<std::string> a,
                                                 std::vector<std::string> b) const {
    std::vector<std::string> out;
    if (dialect_ == Dialect::kXyce) {
      out.push_back("if(" + condition + ",");
      out.insert(out.end(), a.begin(), a.end());
      out.back() += ",";
      out.insert(out.end(), b.begin(), b.end());
      out.back() += ")";
    } else {
      out.push_back("(" + condition + " ?");
      out.insert(out.end(), a.begin(), a.end());
      out.emplace_back(":");
      out.insert(out.end(), b.begin(), b.end());
      out.back() += ")";
    }
    return out;
  }
  void subckt(const std::string& name, const std::vector<std::string>& ports) {
    wrapped((spectre() ? "subckt " : ".subckt ") + name, ports, "");
  }
  void ends(const std::string& name) { line((spectre() ? "ends " : ".ends ") + name); }
  void instance(const std::string& name, const std::vector<std::string>& nodes,
                const std::string& master) {
    // SPICE names subcircuit instances x...; Spectre uses the same names so that paths such as
    // xstage0.o_0 are the same in every dialect.
    if (spectre()) {
      std::vector<std::string> words = nodes;
      words.back() += ")";
      wrapped("x" + name + " (", words, master);
    } else {
      std::vector<std::string> words = nodes;
      words.push_back(master);
      wrapped("x" + name, words, "");
    }
  }

  // `head w1 w2 ... tail`, continued over lines of at most kMaxLineLength characters.
  void wrapped(const std::string& head, const std::vector<std::string>& words,
               const std::string& tail) {
    std::string current = head;
    const bool open = !head.empty() && (head.back() == '(' || head.back() == '[' ||
                                        head.back() == '{' || head.back() == '=');
    bool first = true;
    for (const std::string& w : words) {
      const std::string sep = (first && open) ? "" : " ";
      if (current.size() + sep.size() + w.size() > kMaxLineLength && !first) {
        if (spectre()) {
          line(current + " \\");
          current = "    " + w;
        } else {
          line(current);
          current = "+ " + w;
        }
      } else {
        current += sep + w;
      }
      first = false;
    }
    if (!tail.empty()) {
      const bool close = tail == ")" || tail == "]";
      current += (close ? "" : " ") + tail;
    }
    line(current);
  }

  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  Dialect dialect_;
  std::string text_;
};

// One inverter instance x<name> (in -> out, supplies vdd/gnd): the shared subcircuit `master` when
// `mismatch` is null, else (a Monte-Carlo die) its two transistors m<name>p, m<name>n written out
// in place with the die's BSIM4 instance parameters delvto and mulu0 (per-instance values cannot
// live in a shared subcircuit; written out, they need no subcircuit parameters in any dialect),
// `multiplier` copies in parallel as the master has them.
inline void inverter(Writer& w, const std::string& name, const std::string& in,
                     const std::string& out, const std::string& master,
                     const adc::InverterMismatch* mismatch, const adc::InverterSizing* sizing,
                     int multiplier) {
  if (mismatch == nullptr || sizing == nullptr) {
    w.instance(name, {in, out, "vdd", "gnd"}, master);
    return;
  }
  const auto params = [](const adc::TransistorMismatch& t) {
    char text[80];
    std::snprintf(text, sizeof text, " delvto=%.6e mulu0=%.8f", t.dvt_v, t.beta_factor);
    return std::string(text);
  };
  w.mosfet(name + "p", out, in, "vdd", "vdd", sizing->pmos, sizing->wp_m, sizing->l_m,
           sizing->subckt_devices, multiplier, params(mismatch->p));
  w.mosfet(name + "n", out, in, "gnd", "gnd", sizing->nmos, sizing->wn_m, sizing->l_m,
           sizing->subckt_devices, multiplier, params(mismatch->n));
}

// What one subcircuit (a sub-ADC or a residue network) writes for a die (DeckOptions::die), or
// the design's nominal values when there is none.
struct DieView {
  const Eigen::MatrixXd* g1 = nullptr;  // null = nominal levels
  const Eigen::MatrixXd* g2 = nullptr;
  const adc::StageMismatch* cmos = nullptr;  // null = the shared inverter subcircuits
  const adc::InverterSizing* sizing = nullptr;
  // Cell conductance [S] of a design cell at `level` (0 = no device, whatever the die holds).
  [[nodiscard]] double cell1(int r, int c, int level, const rram::LevelSet& levels) const {
    return cell(g1, r, c, level, levels);
  }
  [[nodiscard]] double cell2(int r, int c, int level, const rram::LevelSet& levels) const {
    return cell(g2, r, c, level, levels);
  }
  [[nodiscard]] const adc::InverterMismatch* inverter(std::size_t k) const {
    return cmos == nullptr ? nullptr : &cmos->inverters[k];
  }

 private:
  static double cell(const Eigen::MatrixXd* g, int r, int c, int level,
                     const rram::LevelSet& levels) {
    if (level == 0) return 0.0;
    return g == nullptr ? levels.conductance(level) : (*g)(r, c);
  }
};

// The die's view of stage `index`: its sub-ADC (network = false) or its residue network
// (network = true; `layout` then includes it). NNADC-NET-013 when the die does not fit the design.
DieView dieView(const adc::PipelineConductances* die, std::size_t index, bool network,
                Eigen::Index rows1, Eigen::Index cols1, Eigen::Index rows2, Eigen::Index cols2,
                std::size_t inverters, const adc::InverterSizing* sizing);

// Subcircuit nnadc_fdstage<index>: stage `index`'s sub-ADC (nominal cells, shared inverters) with
// its complement row as pin `inb` (ports in inb vdd gnd out_0 ..) instead of the ideal VDD - x
// source: the buildable deck's fully-differential sub-ADC.
std::string fdStageSubckt(const adc::StageDesign& stage, const rram::LevelSet& levels,
                          std::size_t index, Dialect dialect);

}  // namespace nnadc::spice::detail
