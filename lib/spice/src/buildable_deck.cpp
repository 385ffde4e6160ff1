#include "nnadc/spice/buildable_deck.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "nnadc/adc/code.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"
#include "nnadc/rram/levels.h"
#include "nnadc/spice/netlist.h"
#include "nnadc/spice/stage_deck.h"
#include "writer.h"

namespace nnadc::spice {

namespace {

constexpr const char* kOptionsId = "NNADC-NET-012";
constexpr const char* kDesignId = "NNADC-NET-013";
constexpr int kCaps = 8;          // sampling capacitors per side (2^bits)
constexpr int kDacCaps = 7;       // of them switched to VDD / ground by the decision
constexpr double kCfUnits = 2.0;  // feedback capacitor in units: gain 8 / 2 = 4
constexpr double kPmosRefRatio = 2.0;
constexpr double kLatchFarads = 10e-15;
constexpr double kPi = 3.14159265358979323846;

std::string num(double v) { return spiceNumber(v); }

MosSize wider(MosSize s, double factor) {
  s.w_m *= factor;
  return s;
}

/// Latch switches: ngspice closes them above 0.7 V and opens them below 0.5 V (hysteresis around
/// vcm); Xyce's vswitch and Spectre's relay have no hysteresis and move between open and closed
/// over that same band (the clock edges cross it in a sixth of their rise time).
constexpr double kLatchHysteresisV = 0.1;
constexpr double kLatchOnOhms = 100.0;
// 1e12 ohm open, written as the ngspice deck always had it (spiceNumber gives 1e+12).
constexpr const char* kLatchOffOhms = "1e12";

/// The deck's elements in one dialect: ngspice cards (the simulated form, unchanged), Xyce cards
/// (ngspice's but for behavioural expressions, the switch model, options and output) and Spectre
/// statements (`name (nodes) master params`). Every element has the same name and nodes in each.
class DeckText {
 public:
  explicit DeckText(Dialect dialect) : dialect_(dialect) {}
  [[nodiscard]] bool spectre() const { return dialect_ == Dialect::kSpectre; }
  [[nodiscard]] bool ngspice() const { return dialect_ == Dialect::kNgspice; }
  [[nodiscard]] Dialect dialect() const { return dialect_; }
  std::ostringstream& out() { return d_; }
  void comment(const std::string& text) { d_ << (spectre() ? "// " : "* ") << text << "\n"; }
  void dc(const std::string& name, const std::string& p, const std::string& n, double v) {
    if (spectre()) {
      d_ << name << " (" << p << " " << n << ") vsource dc=" << num(v) << "\n";
    } else {
      d_ << name << " " << p << " " << n << " " << num(v) << "\n";
    }
  }
  /// Current `a` pushed out of `p` into `n` through the source (SPICE and Spectre alike).
  void current(const std::string& name, const std::string& p, const std::string& n, double a) {
    if (spectre()) {
      d_ << name << " (" << p << " " << n << ") isource dc=" << num(a) << "\n";
    } else {
      d_ << name << " " << p << " " << n << " " << num(a) << "\n";
    }
  }
  void pulse(const std::string& name, const std::string& node, double v1, double v2, double delay,
             double edge, double width, double period) {
    if (spectre()) {
      d_ << name << " (" << node << " 0) vsource type=pulse val0=" << num(v1) << " val1=" << num(v2)
         << " delay=" << num(delay) << " rise=" << num(edge) << " fall=" << num(edge)
         << " width=" << num(width) << " period=" << num(period) << "\n";
    } else {
      d_ << name << " " << node << " 0 pulse(" << num(v1) << " " << num(v2) << " " << num(delay)
         << " " << num(edge) << " " << num(edge) << " " << num(width) << " " << num(period)
         << ")\n";
    }
  }
  /// A clock between 0 and `high_v`: rises at `delay`, high for `high` (edges included), every
  /// `period`; source v<node>.
  void clock(const std::string& node, double high_v, double delay, double high, double edge,
             double period) {
    pulse("v" + node, node, 0.0, high_v, delay, edge, high - 2 * edge, period);
  }
  void sine(const std::string& name, const std::string& node, double offset, double amplitude,
            double hz, double phase_deg) {
    if (spectre()) {
      d_ << name << " (" << node << " 0) vsource type=sine sinedc=" << num(offset)
         << " ampl=" << num(amplitude) << " freq=" << num(hz) << " sinephase=" << num(phase_deg)
         << "\n";
    } else {
      d_ << name << " " << node << " 0 sin(" << num(offset) << " " << num(amplitude) << " "
         << num(hz) << " 0 0 " << num(phase_deg) << ")\n";
    }
  }
  /// PWL source: the first point on the first line, then two points a line (each change of value
  /// is a pair: the old value at the change, the new one an edge later).
  void pwl(const std::string& name, const std::string& p, const std::string& n,
           const std::vector<std::pair<double, double>>& points) {
    if (spectre()) {
      d_ << name << " (" << p << " " << n << ") vsource type=pwl wave=[";
    } else {
      d_ << name << " " << p << " " << n << " pwl(";
    }
    for (std::size_t k = 0; k < points.size(); ++k) {
      if (k > 0 && k % 2 == 1) d_ << (spectre() ? " \\\n    " : "\n+ ");
      if (k > 0 && k % 2 == 0) d_ << " ";
      d_ << num(points[k].first) << " " << num(points[k].second);
    }
    d_ << (spectre() ? "]\n" : ")\n");
  }
  void vcvs(const std::string& name, const std::string& p, const std::string& n,
            const std::string& cp, const std::string& cn, double gain) {
    if (spectre()) {
      d_ << name << " (" << p << " " << n << " " << cp << " " << cn << ") vcvs gain=" << num(gain)
         << "\n";
    } else {
      d_ << name << " " << p << " " << n << " " << cp << " " << cn << " " << num(gain) << "\n";
    }
  }
  void capacitor(const std::string& name, const std::string& a, const std::string& b, double f) {
    if (spectre()) {
      d_ << name << " (" << a << " " << b << ") capacitor c=" << num(f) << "\n";
    } else {
      d_ << name << " " << a << " " << b << " " << num(f) << "\n";
    }
  }
  void mos(const std::string& name, const std::string& d, const std::string& g,
           const std::string& s, const std::string& b, const std::string& model,
           const MosSize& size) {
    const std::string nodes = d + " " + g + " " + s + " " + b;
    d_ << "m" << name << " " << (spectre() ? "(" + nodes + ")" : nodes) << " " << model
       << " w=" << num(size.w_m) << " l=" << num(size.l_m) << "\n";
  }
  /// Voltage-controlled switch p-n, closed while V(cp) - V(cn) is high (model: latchModel).
  void sw(const std::string& name, const std::string& p, const std::string& n,
          const std::string& cp, const std::string& cn, const std::string& model) {
    const std::string nodes = p + " " + n + " " + cp + " " + cn;
    d_ << name << " " << (spectre() ? "(" + nodes + ")" : nodes) << " " << model << "\n";
  }
  void latchModel(const std::string& model, double threshold_v) {
    const double lo = threshold_v - kLatchHysteresisV;
    const double hi = threshold_v + kLatchHysteresisV;
    switch (dialect_) {
      case Dialect::kNgspice:
        d_ << ".model " << model << " sw vt=" << num(threshold_v)
           << " vh=" << num(kLatchHysteresisV) << " ron=" << num(kLatchOnOhms)
           << " roff=" << kLatchOffOhms << "\n";
        break;
      case Dialect::kXyce:
        d_ << ".model " << model << " vswitch von=" << num(hi) << " voff=" << num(lo)
           << " ron=" << num(kLatchOnOhms) << " roff=" << kLatchOffOhms << "\n";
        break;
      case Dialect::kSpectre:
        d_ << "model " << model << " relay vt1=" << num(lo) << " vt2=" << num(hi)
           << " ropen=" << kLatchOffOhms << " rclosed=" << num(kLatchOnOhms) << "\n";
        break;
    }
  }
  /// Behavioural voltage source V(p) - V(n) = expression (words; ngspice keeps them on one line,
  /// Xyce and Spectre continue long expressions over lines).
  void behavioural(const std::string& name, const std::string& p, const std::string& n,
                   const std::vector<std::string>& expression) {
    if (ngspice()) {
      d_ << name << " " << p << " " << n << " v=";
      for (std::size_t k = 0; k < expression.size(); ++k) d_ << (k ? " " : "") << expression[k];
      d_ << "\n";
      return;
    }
    detail::Writer w(dialect_);
    w.behavioural(name, p, n, expression);
    d_ << w.text();
  }
  /// v(node) (Spectre: V(node)) inside a behavioural expression.
  [[nodiscard]] std::string v(const std::string& node) const {
    return detail::Writer(dialect_).voltage(node);
  }
  /// "cond ? a : b" as words in the dialect (Xyce: if(cond, a, b)).
  [[nodiscard]] std::vector<std::string> ternary(const std::string& condition,
                                                 std::vector<std::string> a,
                                                 std::vector<std::string> b) const {
    return detail::Writer(dialect_).ternary(condition, std::move(a), std::move(b));
  }
  void instance(const std::string& name, const std::vector<std::string>& nodes,
                const std::string& master) {
    d_ << name << (spectre() ? " (" : " ");
    for (std::size_t k = 0; k < nodes.size(); ++k) d_ << (k ? " " : "") << nodes[k];
    d_ << (spectre() ? ") " : " ") << master << "\n";
  }

 private:
  Dialect dialect_;
  std::ostringstream d_;
};

/// Decoder as a tree of ternaries over the latched bits (bit = V > threshold), top bit first.
std::vector<std::string> decodeTree(const DeckText& t, std::size_t index,
                                    const std::vector<int>& dense, int bit, adc::Word prefix,
                                    double threshold) {
  const adc::Word span = adc::Word{1} << (bit + 1);
  const int first = dense[static_cast<std::size_t>(prefix)];
  bool uniform = true;
  for (adc::Word k = 0; k < span && uniform; ++k) {
    uniform = dense[static_cast<std::size_t>(prefix + k)] == first;
  }
  if (uniform) return {std::to_string(first)};
  const adc::Word high = adc::Word{1} << bit;
  const std::string condition =
      t.v("q" + std::to_string(index) + "_" + std::to_string(bit)) + ">" + num(threshold);
  return t.ternary(condition, decodeTree(t, index, dense, bit - 1, prefix + high, threshold),
                   decodeTree(t, index, dense, bit - 1, prefix, threshold));
}

/// What the Xyce and Spectre decks write differently from the ngspice one (their header lists it).
std::vector<std::string> dialectNotes(Dialect dialect, double threshold_v) {
  if (dialect == Dialect::kNgspice) return {};
  const bool spectre = dialect == Dialect::kSpectre;
  return {"dialect notes (the circuit, element names and nodes are the ngspice deck's):",
          "  noise: the same PWL sources vn* of values drawn in C++: same seed, same "
          "noise in every dialect",
          std::string("  logic: decoders and DAC switch drivers as ") +
              (spectre ? "bsource expressions (c ? a : b)" : "B sources with if(c, a, b)"),
          std::string("  latches: ") +
              (spectre ? "relay (vt1/vt2)" : "S switches with a vswitch model (von/voff)") +
              ": closed above " + num(threshold_v + kLatchHysteresisV) + " V, open below " +
              num(threshold_v - kLatchHysteresisV) +
              " V; not expressible: ngspice's hysteresis in between (this switch moves gradually)",
          std::string("  tolerances: ") +
              (spectre ? "reltol, vabstol = ngspice vntol, iabstol = ngspice abstol"
                       : "timeint reltol; abstol = ngspice vntol (Xyce has no separate current "
                         "tolerance for the step control)")};
}

void requireBuildable(const adc::Design& design) {
  const auto& stages = design.pipeline.stages;
  if (stages.size() < 2) {
    throw InputError(kDesignId, "the buildable deck is for pipelines; this design is one stage");
  }
  if (design.segmented) {
    throw InputError(kDesignId,
                     "the design has a segmented nonlinear front end, which the buildable deck "
                     "does not build (its static deck does, with an ideal ladder: "
                     "docs/nonlinear.md); the buildable deck alone would be its mantissa pipeline");
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const adc::StageShape& s = stages[i].adc.shape;
    const std::string where = "stage " + std::to_string(i);
    if (s.bits != 3) {
      throw InputError(kDesignId, where + " has " + std::to_string(s.bits) +
                                      " bits; the buildable MDAC is written for 3-bit stages");
    }
    if (std::abs(s.input_lo_v) > 1e-12 || std::abs(s.input_hi_v - design.vdd_v) > 1e-12) {
      throw InputError(kDesignId, where + " window is [" + num(s.input_lo_v) + ", " +
                                      num(s.input_hi_v) +
                                      "] V; the buildable deck needs [0, VDD]: its references "
                                      "are the rails");
    }
    if (i + 1 < stages.size()) {
      if (stages[i].residue != adc::ResidueStyle::kAmplifier) {
        throw InputError(kDesignId, where +
                                        " has a residue network; the buildable deck builds "
                                        "amplifier (MDAC) stages");
      }
      if (std::abs(stages[i].gain - 4.0) > 1e-9) {
        throw InputError(kDesignId, where + " has gain " + num(stages[i].gain) +
                                        "; the buildable MDAC has gain 4");
      }
    }
  }
}

}  // namespace

std::string buildableRefusal(const adc::Design& design) {
  try {
    requireBuildable(design);
  } catch (const InputError& e) {
    return e.message();
  }
  return "";
}

void BuildableOptions::validate() const {
  cell.validate();
  requireInRange(kOptionsId, "stage-scale", stage_scale, 0.05, 1.0, "");
  requireInRange(kOptionsId, "min-scale", min_scale, 0.05, 1.0, "");
  requireInRange(kOptionsId, "samples", samples, 4, 1 << 16, "");
  requireInRange(kOptionsId, "cycles", cycles, 0, samples / 2, "");
  requireInRange(kOptionsId, "amplitude", amplitude, 0.01, 1.0, "");
  requireInRange(kOptionsId, "first-sample", first_sample, 0, samples - 1, "");
  requireInRange(kOptionsId, "sample-count", sample_count, 0, samples - first_sample, "");
  requireInRange(kOptionsId, "warmup", warmup, 0, 64, "");
  requireInRange(kOptionsId, "top-switch-multiplier", top_switch_multiplier, 0.25, 64.0, "");
  requireInRange(kOptionsId, "latch-delay", latch_delay_s, 0.0, 0.2 / cell.fs_hz, "s");
  for (double n : noise_v_rms) requireInRange(kOptionsId, "noise", n, 0.0, 0.1, "V");
  if (!inputs_v.empty() && inputs_v.size() != static_cast<std::size_t>(samples)) {
    throw InputError(kOptionsId, "field 'inputs' has " + std::to_string(inputs_v.size()) +
                                     " values; it must have one per sample (samples = " +
                                     std::to_string(samples) + ")");
  }
  if (cycles > 0 && (cycles % 2 == 0 || std::gcd(cycles, samples) != 1)) {
    throw InputError(kOptionsId,
                     "field 'cycles' = " + std::to_string(cycles) +
                         " must be odd and coprime with samples = " + std::to_string(samples));
  }
}

BuildablePlan buildablePlan(const adc::Design& design, const BuildableOptions& o) {
  o.validate();
  requireBuildable(design);
  BuildablePlan p;
  const std::size_t stages = design.pipeline.stages.size();
  p.period_s = 1.0 / o.cell.fs_hz;
  int cycles = o.cycles;
  if (cycles == 0) {
    cycles = std::max(1, o.samples / 8);
    if (cycles % 2 == 0) --cycles;
    while (cycles > 1 && std::gcd(cycles, o.samples) != 1) cycles -= 2;
  }
  p.cycles = cycles;
  p.input_hz = o.cell.fs_hz * cycles / o.samples;
  const double high = p.period_s / 2 - o.cell.nonoverlap_s;
  // Stage 0's top plates are released `early_s` before phi1 falls: that is its sampling instant.
  p.sample_offset_s = high - o.cell.early_s - o.cell.edge_s / 2;
  p.first_sample = o.first_sample;
  p.sample_count = o.sample_count == 0 ? o.samples - o.first_sample : o.sample_count;
  p.warmup = o.warmup;
  const double vcm = design.vdd_v / 2;
  const double amp = o.amplitude * vcm;
  for (const double x : o.inputs_v) {
    requireInRange(kOptionsId, "inputs", x, 0.0, design.vdd_v, "V");
  }
  for (int j = 0; j < p.sample_count; ++j) {
    const int n = o.first_sample + j;
    p.x_v.push_back(o.inputs_v.empty() ? vcm + amp * std::sin(2 * kPi * cycles * n / o.samples)
                                       : o.inputs_v[static_cast<std::size_t>(n)]);
  }
  p.read_times_s.assign(stages, {});
  for (std::size_t i = 0; i < stages; ++i) {
    for (int j = 0; j < p.sample_count; ++j) {
      // Stage i takes sample m in its sampling phase starting at m T + i T / 2 and holds its
      // decision through the amplification phase after it: read in the middle of that.
      const double start = (p.warmup + j) * p.period_s + static_cast<double>(i) * p.period_s / 2;
      p.read_times_s[i].push_back(start + p.period_s / 2 + high / 2);
    }
  }
  p.stop_s = p.read_times_s.back().back() + p.period_s / 4;
  for (std::size_t i = 0; i < stages; ++i) {
    p.scale.push_back(std::max(std::pow(o.stage_scale, static_cast<double>(i)), o.min_scale));
  }
  return p;
}

std::vector<double> buildableNoise(const BuildableOptions& o, std::size_t stages, int n) {
  std::vector<double> out(stages, 0.0);
  Rng rng(Rng::sampleSeed(o.seed, static_cast<std::uint64_t>(n)));
  for (std::size_t i = 0; i < stages; ++i) {
    const double rms = i < o.noise_v_rms.size() ? o.noise_v_rms[i] : 0.0;
    const double z = rng.normal();  // drawn whatever the rms, so stage i's value keeps its place
    out[i] = rms * z;
  }
  return out;
}

std::vector<IdealElement> buildableIdealElements(const BuildableOptions& o) {
  std::vector<IdealElement> out = {
      {"vinp/vinn", "the input source"},
      {"vdd_* / vref* / vcm / vcmi",
       "supply, DAC references (the rails) and common-mode references (their current is counted "
       "in the power)"},
      {"iref*", "bias reference currents (drawn from the OTA supplies: counted)"},
      {"vp1 vp2 vp1e vp2e (vp1l: stage 0's delayed latch) and the boosted copies vp*h",
       "clock phases (boosted high = " + num(o.cell.boost_v) + " V)"},
      {"s_l*/c_l*/e_q*, b_d*, b_g*",
       "the latches, the decoders and DAC switch drivers (digital logic)"}};
  if (std::any_of(o.noise_v_rms.begin(), o.noise_v_rms.end(), [](double v) { return v > 0; })) {
    out.push_back({"vn*",
                   "PWL sources carrying each stage's input-referred noise (kT/C + "
                   "amplifier), drawn in C++ from seed " +
                       std::to_string(o.seed)});
  }
  return out;
}

std::string buildableBitVector(std::size_t stage, int output) {
  return "v(q" + std::to_string(stage) + "_" + std::to_string(output) + ")";
}

const char* blockKindName(BlockKind kind) {
  switch (kind) {
    case BlockKind::kSubAdc:
      return "sub_adc";
    case BlockKind::kAmplifier:
      return "amplifier";
    case BlockKind::kSwitches:
      return "switches";
    case BlockKind::kReference:
      break;
  }
  return "reference";
}

std::vector<BuildableSupply> buildableSupplies(const adc::Design& design) {
  std::vector<BuildableSupply> out;
  const std::size_t stages = design.pipeline.stages.size();
  for (std::size_t i = 0; i < stages; ++i) {
    const std::string s = std::to_string(i);
    const int stage = static_cast<int>(i);
    out.push_back({"vdd_adc" + s, "stage " + s + " sub-ADC", BlockKind::kSubAdc, stage});
    if (i + 1 == stages) break;
    out.push_back({"vdd_ota" + s, "stage " + s + " amplifier (OTA, CMFB, bias)",
                   BlockKind::kAmplifier, stage});
    out.push_back(
        {"vdd_sw" + s, "stage " + s + " bootstrapped switches", BlockKind::kSwitches, stage});
    out.push_back({"vref" + s, "stage " + s + " DAC reference", BlockKind::kReference, stage});
  }
  out.push_back({"vcm", "common-mode reference", BlockKind::kReference, -1});
  out.push_back({"vcmi", "summing-node reference", BlockKind::kReference, -1});
  return out;
}

std::string buildableDeck(const adc::Design& design, const BuildableOptions& o) {
  return buildableDeck(design, o, Dialect::kNgspice);
}

std::string buildableDeck(const adc::Design& design, const BuildableOptions& o, Dialect dialect) {
  const BuildablePlan plan = buildablePlan(design, o);
  const adc::Pipeline& pipeline = design.pipeline;
  const std::size_t stages = pipeline.stages.size();
  const rram::LevelSet levels(design.rram);
  const ModelSource models = modelSource(design.inverter);
  const MdacBench& c = o.cell;
  const double vdd = design.vdd_v;
  const double vcm = vdd / 2;
  const double period = plan.period_s;
  const double high = period / 2 - c.nonoverlap_s;
  const bool noise =
      std::any_of(o.noise_v_rms.begin(), o.noise_v_rms.end(), [](double v) { return v > 0; });

  DeckText t(dialect);
  std::ostringstream& d = t.out();
  const bool spectre = t.spectre();
  t.comment("nnadc buildable transient bench of a " + std::to_string(pipeline.bits) +
            "-bit pipelined NN ADC, " + std::to_string(stages) +
            " stages: fully-differential switched-capacitor MDACs (" + dialectName(dialect) + ")");
  if (spectre) d << "simulator lang=spectre\nglobal 0\n";
  if (!t.ngspice()) {
    detail::Writer hint(dialect);
    hint.runHint();
    d << hint.text();
  }
  t.comment("fs = " + num(c.fs_hz) + " Hz, coherent sine J = " + std::to_string(plan.cycles) +
            " of " + std::to_string(o.samples) + " samples, " + num(o.amplitude) +
            " of full scale; reported samples " + std::to_string(plan.first_sample) + ".." +
            std::to_string(plan.first_sample + plan.sample_count - 1) + " after " +
            std::to_string(plan.warmup) + " warm-up");
  t.comment("ideal elements (behavioural or ideal sources: no transistor behind them):");
  for (const IdealElement& e : buildableIdealElements(o)) {
    t.comment("  " + e.instances + ": " + e.what);
  }
  if (!t.ngspice()) {
    for (const std::string& note : dialectNotes(dialect, vcm)) t.comment(note);
  }
  switch (dialect) {
    case Dialect::kNgspice:
      d << ".options reltol=" << num(c.reltol) << " vntol=1e-7 abstol=1e-13\n";
      break;
    case Dialect::kXyce:
      // TIMEINT abstol is the error tolerance on node voltages, ngspice's vntol.
      d << ".options timeint reltol=" << num(c.reltol) << " abstol=1e-7\n";
      break;
    case Dialect::kSpectre:
      d << "simulatorOptions options reltol=" << num(c.reltol) << " vabstol=1e-7 iabstol=1e-13\n";
      break;
  }
  d << modelSection(design.inverter, dialect) << "\n";
  d << inverterSubckts(design.inverter, dialect, 1) << "\n";
  for (std::size_t i = 0; i < stages; ++i)
    d << detail::fdStageSubckt(pipeline.stages[i].adc, levels, i, dialect) << "\n";
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const std::string s = std::to_string(i);
    d << otaSubckt(c.ota.scaled(plan.scale[i]), models, "nnadc_ota" + s, dialect) << "\n";
    // One bootstrap circuit per side drives the 8 sampling transistors: its capacitor is sized
    // for their gates (cboot = kCaps / 2 x the single switch's) and its helpers for that charge.
    BootstrapSwitchParams sw = c.input_switch;
    sw.main = wider(sw.main, plan.scale[i]);
    sw.helper = wider(sw.helper, std::max(1.0, 0.25 * kCaps * plan.scale[i]));
    sw.cboot_f *= 0.5 * kCaps * plan.scale[i];
    d << bootstrapSwitchSubckt(sw, models, "nnadc_bootsw" + s, kCaps, dialect) << "\n";
  }

  t.comment("references and clocks");
  t.dc("vcm", "vcm", "0", vcm);
  t.dc("vcmi", "vcmi", "0", c.vcm_in_v);
  t.clock("p1", vdd, 0.0, high, c.edge_s, period);
  t.clock("p2", vdd, period / 2, high, c.edge_s, period);
  t.pulse("vp1b", "p1b", vdd, 0.0, 0.0, c.edge_s, high - 2 * c.edge_s, period);
  t.pulse("vp2b", "p2b", vdd, 0.0, period / 2, c.edge_s, high - 2 * c.edge_s, period);
  t.clock("p1e", vdd, 0.0, high - c.early_s, c.edge_s, period);
  t.clock("p2e", vdd, period / 2, high - c.early_s, c.edge_s, period);
  t.clock("p1h", c.boost_v, 0.0, high, c.edge_s, period);
  t.clock("p2h", c.boost_v, period / 2, high, c.edge_s, period);
  t.clock("p1eh", c.boost_v, 0.0, high - c.early_s, c.edge_s, period);
  t.clock("p2eh", c.boost_v, period / 2, high - c.early_s, c.edge_s, period);
  if (o.latch_delay_s > 0) {
    t.clock("p1l", vdd, 0.0, high - c.early_s + o.latch_delay_s, c.edge_s, period);
  }
  t.latchModel("nnadc_latch", vcm);

  // Input: the coherent sine, shifted so that the deck's first reported sample is record sample
  // first_sample, taken by stage 0 at (warmup) T + sample_offset.
  const double t0 = plan.warmup * period + plan.sample_offset_s;
  const double phase_deg = std::fmod(
      360.0 * plan.cycles * plan.first_sample / o.samples - 360.0 * plan.input_hz * t0, 360.0);
  const double amp = o.amplitude * vcm;
  // Record sample n of deck sample j (warm-up samples before 0 wrap around the record).
  const auto record_sample = [&](int j) {
    return ((plan.first_sample - plan.warmup + j) % o.samples + o.samples) % o.samples;
  };
  if (o.held_input || !o.inputs_v.empty()) {
    // Sample n's value from the middle of the amplification phase before its sampling phase on.
    t.comment(o.inputs_v.empty()
                  ? "input: the coherent sine's samples x_n, each held over stage 0's sampling "
                    "phase"
                  : "input: the given inputs x_n (a calibration ramp), each held over stage 0's "
                    "sampling phase");
    for (const int side : {1, -1}) {
      std::vector<std::pair<double, double>> points;
      double previous = 0.0;
      for (int j = 0; j < plan.warmup + plan.sample_count; ++j) {
        const int n = record_sample(j);
        const double x = o.inputs_v.empty()
                             ? vcm + amp * std::sin(2 * kPi * plan.cycles * n / o.samples)
                             : o.inputs_v[static_cast<std::size_t>(n)];
        const double v = vcm + side * (x - vcm);
        const double change = j * period - period / 4;
        if (j == 0) {
          points.emplace_back(0.0, v);
        } else {
          points.emplace_back(change, previous);
          points.emplace_back(change + c.edge_s, v);
        }
        previous = v;
      }
      t.pwl(side > 0 ? "vinp" : "vinn", side > 0 ? "vip" : "vin", "0", points);
    }
  } else {
    t.comment(
        "input: x(t) = vcm + A sin(2 pi f t + phi), record sample n at (n - first + warmup) "
        "T + " +
        num(plan.sample_offset_s) + " s");
    t.sine("vinp", "vip", vcm, amp, plan.input_hz, phase_deg);
    t.sine("vinn", "vin", vcm, -amp, plan.input_hz, phase_deg);
  }

  // Noise values of every record sample the deck touches (indexed by record sample).
  std::vector<std::vector<double>> noise_draws(static_cast<std::size_t>(o.samples));
  if (noise) {
    for (int n = 0; n < o.samples; ++n)
      noise_draws[static_cast<std::size_t>(n)] = buildableNoise(o, stages, n);
  }

  std::vector<std::string> saved;
  for (std::size_t i = 0; i < stages; ++i) {
    const adc::PipelineStage& stage = pipeline.stages[i];
    const std::string s = std::to_string(i);
    const bool even = i % 2 == 0;
    const std::string sample = even ? "p1" : "p2";  // sampling phase
    const std::string amplify = even ? "p2" : "p1";
    const std::string inp = i == 0 ? "vip" : "out" + std::to_string(i - 1) + "p";
    const std::string inn = i == 0 ? "vin" : "out" + std::to_string(i - 1) + "n";
    const int outputs = stage.adc.shape.outputs();
    t.comment("stage " + s + ": sub-ADC on " + inp + "/" + inn + ", samples in " + sample +
              ", amplifies in " + amplify);
    t.dc("vdd_adc" + s, "vdda" + s, "0", vdd);
    std::vector<std::string> nodes = {inp, inn, "vdda" + s, "0"};
    for (int k = 0; k < outputs; ++k) nodes.push_back("bit" + s + "_" + std::to_string(k));
    t.instance("xstage" + s, nodes, "nnadc_fdstage" + s);
    for (int k = 0; k < outputs; ++k) {
      const std::string b = s + "_" + std::to_string(k);
      const std::string latch = i == 0 && o.latch_delay_s > 0 ? "p1l" : sample + "e";
      t.sw("s_l" + b, "bit" + b, "l" + b, latch, "0", "nnadc_latch");
      t.capacitor("c_l" + b, "l" + b, "0", kLatchFarads);
      t.vcvs("e_q" + b, "q" + b, "0", "l" + b, "0", 1.0);
      saved.push_back(buildableBitVector(i, k));
    }
    const std::vector<int> dense = adc::stageDecoder(stage.adc).dense(outputs);
    t.behavioural("b_d" + s, "d" + s, "0", decodeTree(t, i, dense, outputs - 1, 0, vcm));
    saved.push_back("v(d" + s + ")");
    if (i + 1 == stages) break;

    // The MDAC.
    const double cu = c.unit_cap_f * plan.scale[i];
    const MosSize mid = wider(c.mid_switch, plan.scale[i]);
    const MosSize nref = wider(c.ref_switch, plan.scale[i]);
    const MosSize pref = wider(c.ref_switch, plan.scale[i] * kPmosRefRatio);
    t.dc("vdd_ota" + s, "vddo" + s, "0", vdd);
    t.dc("vdd_sw" + s, "vdds" + s, "0", vdd);
    t.dc("vref" + s, "vr" + s, "0", vdd);
    t.current("iref" + s, "vddo" + s, "ib" + s, c.ota.iref_a * plan.scale[i]);
    for (const int side : {1, -1}) {
      const std::string sd = side > 0 ? "p" : "n";
      const std::string in = side > 0 ? inp : inn;
      const std::string x = "x" + s + sd;
      const std::string out = "out" + s + sd;
      std::string sampled = in;
      if (noise && i < o.noise_v_rms.size() && o.noise_v_rms[i] > 0) {
        // Half the differential noise on each side, sample j's value from the middle of the
        // amplification phase before its sampling phase to the middle of the one after.
        sampled = "ns" + s + sd;
        std::vector<std::pair<double, double>> points;
        double previous = 0.0;
        for (int j = 0; j < plan.warmup + plan.sample_count; ++j) {
          const double v = side * 0.5 * noise_draws[static_cast<std::size_t>(record_sample(j))][i];
          const double change = j * period + static_cast<double>(i) * period / 2 - period / 4;
          if (j == 0) {
            points.emplace_back(0.0, v);
          } else {
            points.emplace_back(change, previous);
            points.emplace_back(change + c.edge_s, v);
          }
          previous = v;
        }
        t.pwl("vn" + s + sd, sampled, in, points);
      }
      std::vector<std::string> switch_nodes = {sampled};
      for (int k = 0; k < kCaps; ++k) switch_nodes.push_back("b" + s + sd + std::to_string(k));
      switch_nodes.insert(switch_nodes.end(), {sample, sample + "b", "vdds" + s, "0"});
      t.instance("xs" + s + sd, switch_nodes, "nnadc_bootsw" + s);
      for (int k = 0; k < kCaps; ++k) {
        const std::string bp = "b" + s + sd + std::to_string(k);
        t.capacitor("c" + bp, x, bp, cu);
        if (k == kDacCaps) {
          t.mos("z" + bp, bp, amplify + "h", "vcm", "0", models.nmos, mid);
          continue;
        }
        // Capacitor k goes to VDD (+ side) when d > k, else to ground; the - side mirrors.
        const std::string condition = t.v("d" + s) + ">" + num(k + 0.5);
        const std::vector<std::string> sel =
            side > 0 ? t.ternary(condition, {"1"}, {"0"}) : t.ternary(condition, {"0"}, {"1"});
        const std::string gp = "gp" + s + sd + std::to_string(k);
        const std::string gn = "gn" + s + sd + std::to_string(k);
        std::vector<std::string> up = sel;
        up.front() = num(vdd) + "-" + t.v(amplify) + "*" + up.front();
        std::vector<std::string> down = sel;
        down.front() = t.v(amplify) + "*(1-" + down.front();
        down.back() += ")";
        t.behavioural("b_g" + gp, gp, "0", up);
        t.behavioural("b_g" + gn, gn, "0", down);
        t.mos("rp" + bp, bp, gp, "vr" + s, "vr" + s, models.pmos, pref);
        t.mos("rn" + bp, bp, gn, "0", "0", models.nmos, nref);
      }
      t.capacitor("cf" + s + sd, x, out, kCfUnits * cu);
      t.mos("t" + s + sd, x, sample + "eh", "vcmi", "0", models.nmos,
            wider(mid, o.top_switch_multiplier));
    }
    t.mos("r" + s, "out" + s + "p", sample + "h", "out" + s + "n", "0", models.nmos, mid);
    t.instance("xota" + s,
               {"x" + s + "n", "x" + s + "p", "out" + s + "p", "out" + s + "n", "vcm", "ib" + s,
                "vddo" + s, "0", sample + "eh"},
               "nnadc_ota" + s);
    saved.push_back("v(out" + s + "p)");
    saved.push_back("v(out" + s + "n)");
  }
  // Initial guesses: the OTAs' outputs and summing nodes at their common modes.
  std::vector<std::pair<std::string, double>> guesses;
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const std::string s = std::to_string(i);
    guesses.insert(guesses.end(), {{"out" + s + "p", vcm},
                                   {"out" + s + "n", vcm},
                                   {"x" + s + "p", c.vcm_in_v},
                                   {"x" + s + "n", c.vcm_in_v}});
  }
  d << (spectre ? "nodeset" : ".nodeset");
  for (const auto& [node, value] : guesses) {
    d << " " << (spectre ? node : "v(" + node + ")") << "=" << num(value);
  }
  d << "\n";
  for (const BuildableSupply& supply : buildableSupplies(design))
    saved.push_back("i(" + supply.source + ")");
  if (spectre) {
    // Spectre names a node by itself and a source's current by its terminal (name:p).
    std::vector<std::string> names;
    for (const std::string& v : saved) {
      const std::string inner = v.substr(2, v.size() - 3);
      names.push_back(v.front() == 'i' ? inner + ":p" : inner);
    }
    detail::Writer w(dialect);
    w.wrapped("save", names, "");
    d << w.text();
    d << "tran_buildable tran stop=" << num(plan.stop_s) << " maxstep=" << num(c.max_step_s)
      << "\n";
    return d.str();
  }
  // ngspice keeps the saved vectors; Xyce writes what .print lists (a raw file, as ngspice's).
  d << (t.ngspice() ? ".save" : ".print tran format=raw");
  for (std::size_t k = 0; k < saved.size(); ++k) d << (k % 8 == 7 ? "\n+ " : " ") << saved[k];
  d << "\n.tran " << num(c.max_step_s) << " " << num(plan.stop_s) << " 0 " << num(c.max_step_s)
    << "\n.end\n";
  return d.str();
}

}  // namespace nnadc::spice
