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

std::string mos(const std::string& name, const std::string& d, const std::string& g,
                const std::string& s, const std::string& b, const std::string& model,
                const MosSize& size) {
  return "m" + name + " " + d + " " + g + " " + s + " " + b + " " + model + " w=" + num(size.w_m) +
         " l=" + num(size.l_m);
}

MosSize wider(MosSize s, double factor) {
  s.w_m *= factor;
  return s;
}

/// A clock between 0 and `high_v`: rises at `delay`, high for `high` (edges included), every
/// `period`.
std::string clock(const std::string& node, double high_v, double delay, double high, double edge,
                  double period) {
  return "v" + node + " " + node + " 0 pulse(0 " + num(high_v) + " " + num(delay) + " " +
         num(edge) + " " + num(edge) + " " + num(high - 2 * edge) + " " + num(period) + ")";
}

/// The stage subcircuit with its complement row as a pin instead of the ideal VDD - x source.
std::string fdStageSubckt(const adc::StageDesign& stage, const rram::LevelSet& levels,
                          std::size_t index) {
  std::string text = stageSubckt(stage, levels, index, Dialect::kNgspice, false);
  const std::string name = "nnadc_stage" + std::to_string(index);
  const std::string head = ".subckt " + name + " in vdd gnd";
  const std::size_t at = text.find(head);
  const std::size_t source = text.find("\ne_inb inb gnd vdd in 1\n");
  if (at == std::string::npos || source == std::string::npos) {
    throw Error(ErrorKind::kInternal, "NNADC-INT-001",
                "buildable deck: stage subcircuit " + name + " has an unexpected form");
  }
  text.erase(source + 1, std::string("e_inb inb gnd vdd in 1\n").size());
  const std::size_t note = text.find("* ideal complement row");
  if (note != std::string::npos) text.erase(note, text.find('\n', note) - note + 1);
  text.replace(at, head.size(),
               ".subckt nnadc_fdstage" + std::to_string(index) + " in inb vdd gnd");
  const std::string tail = ".ends " + name;
  const std::size_t end = text.rfind(tail);
  if (end != std::string::npos) {
    text.replace(end, tail.size(), ".ends nnadc_fdstage" + std::to_string(index));
  }
  return text;
}

/// Decoder as a tree of ternaries over the latched bits (bit = V > threshold), top bit first.
std::string decodeTree(std::size_t index, const std::vector<int>& dense, int bit, adc::Word prefix,
                       double threshold) {
  const adc::Word span = adc::Word{1} << (bit + 1);
  const int first = dense[static_cast<std::size_t>(prefix)];
  bool uniform = true;
  for (adc::Word k = 0; k < span && uniform; ++k) {
    uniform = dense[static_cast<std::size_t>(prefix + k)] == first;
  }
  if (uniform) return std::to_string(first);
  const adc::Word high = adc::Word{1} << bit;
  return "(v(q" + std::to_string(index) + "_" + std::to_string(bit) + ")>" + num(threshold) +
         " ? " + decodeTree(index, dense, bit - 1, prefix + high, threshold) + " : " +
         decodeTree(index, dense, bit - 1, prefix, threshold) + ")";
}

void requireBuildable(const adc::Design& design) {
  const auto& stages = design.pipeline.stages;
  if (stages.size() < 2) {
    throw InputError(kDesignId, "the buildable deck is for pipelines; this design is one stage");
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

std::vector<std::pair<std::string, std::string>> buildableSupplies(const adc::Design& design) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::size_t stages = design.pipeline.stages.size();
  for (std::size_t i = 0; i < stages; ++i) {
    const std::string s = std::to_string(i);
    out.emplace_back("vdd_adc" + s, "stage " + s + " sub-ADC");
    if (i + 1 == stages) break;
    out.emplace_back("vdd_ota" + s, "stage " + s + " amplifier (OTA, CMFB, bias)");
    out.emplace_back("vdd_sw" + s, "stage " + s + " bootstrapped switches");
    out.emplace_back("vref" + s, "stage " + s + " DAC reference");
  }
  out.emplace_back("vcm", "common-mode reference");
  out.emplace_back("vcmi", "summing-node reference");
  return out;
}

std::string buildableDeck(const adc::Design& design, const BuildableOptions& o) {
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

  std::ostringstream d;
  d << "* nnadc buildable transient bench of a " << pipeline.bits << "-bit pipelined NN ADC, "
    << stages << " stages: fully-differential switched-capacitor MDACs (ngspice)\n";
  d << "* fs = " << num(c.fs_hz) << " Hz, coherent sine J = " << plan.cycles << " of " << o.samples
    << " samples, " << num(o.amplitude) << " of full scale; reported samples " << plan.first_sample
    << ".." << plan.first_sample + plan.sample_count - 1 << " after " << plan.warmup
    << " warm-up\n";
  d << "* ideal elements (behavioural or ideal sources: no transistor behind them):\n";
  for (const IdealElement& e : buildableIdealElements(o)) {
    d << "*   " << e.instances << ": " << e.what << "\n";
  }
  d << ".options reltol=" << num(c.reltol) << " vntol=1e-7 abstol=1e-13\n";
  d << modelSection(design.inverter, Dialect::kNgspice) << "\n";
  d << inverterSubckts(design.inverter, Dialect::kNgspice, 1) << "\n";
  for (std::size_t i = 0; i < stages; ++i)
    d << fdStageSubckt(pipeline.stages[i].adc, levels, i) << "\n";
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const std::string s = std::to_string(i);
    d << otaSubckt(c.ota.scaled(plan.scale[i]), models, "nnadc_ota" + s) << "\n";
    // One bootstrap circuit per side drives the 8 sampling transistors: its capacitor is sized
    // for their gates (cboot = kCaps / 2 x the single switch's) and its helpers for that charge.
    BootstrapSwitchParams sw = c.input_switch;
    sw.main = wider(sw.main, plan.scale[i]);
    sw.helper = wider(sw.helper, std::max(1.0, 0.25 * kCaps * plan.scale[i]));
    sw.cboot_f *= 0.5 * kCaps * plan.scale[i];
    d << bootstrapSwitchSubckt(sw, models, "nnadc_bootsw" + s, kCaps) << "\n";
  }

  d << "* references and clocks\n";
  d << "vcm vcm 0 " << num(vcm) << "\nvcmi vcmi 0 " << num(c.vcm_in_v) << "\n";
  d << clock("p1", vdd, 0.0, high, c.edge_s, period) << "\n";
  d << clock("p2", vdd, period / 2, high, c.edge_s, period) << "\n";
  d << "vp1b p1b 0 pulse(" << num(vdd) << " 0 0 " << num(c.edge_s) << " " << num(c.edge_s) << " "
    << num(high - 2 * c.edge_s) << " " << num(period) << ")\n";
  d << "vp2b p2b 0 pulse(" << num(vdd) << " 0 " << num(period / 2) << " " << num(c.edge_s) << " "
    << num(c.edge_s) << " " << num(high - 2 * c.edge_s) << " " << num(period) << ")\n";
  d << clock("p1e", vdd, 0.0, high - c.early_s, c.edge_s, period) << "\n";
  d << clock("p2e", vdd, period / 2, high - c.early_s, c.edge_s, period) << "\n";
  d << clock("p1h", c.boost_v, 0.0, high, c.edge_s, period) << "\n";
  d << clock("p2h", c.boost_v, period / 2, high, c.edge_s, period) << "\n";
  d << clock("p1eh", c.boost_v, 0.0, high - c.early_s, c.edge_s, period) << "\n";
  d << clock("p2eh", c.boost_v, period / 2, high - c.early_s, c.edge_s, period) << "\n";
  if (o.latch_delay_s > 0) {
    d << clock("p1l", vdd, 0.0, high - c.early_s + o.latch_delay_s, c.edge_s, period) << "\n";
  }
  d << ".model nnadc_latch sw vt=" << num(vcm) << " vh=0.1 ron=100 roff=1e12\n";

  // Input: the coherent sine, shifted so that the deck's first reported sample is record sample
  // first_sample, taken by stage 0 at (warmup) T + sample_offset.
  const double t0 = plan.warmup * period + plan.sample_offset_s;
  const double phase_deg = std::fmod(
      360.0 * plan.cycles * plan.first_sample / o.samples - 360.0 * plan.input_hz * t0, 360.0);
  const double amp = o.amplitude * vcm;
  if (o.held_input || !o.inputs_v.empty()) {
    // Sample n's value from the middle of the amplification phase before its sampling phase on.
    d << (o.inputs_v.empty()
              ? "* input: the coherent sine's samples x_n, each held over stage 0's sampling "
                "phase\n"
              : "* input: the given inputs x_n (a calibration ramp), each held over stage 0's "
                "sampling phase\n");
    for (const int side : {1, -1}) {
      d << (side > 0 ? "vinp vip" : "vinn vin") << " 0 pwl(";
      double previous = 0.0;
      for (int j = 0; j < plan.warmup + plan.sample_count; ++j) {
        const int n = ((plan.first_sample - plan.warmup + j) % o.samples + o.samples) % o.samples;
        const double x = o.inputs_v.empty()
                             ? vcm + amp * std::sin(2 * kPi * plan.cycles * n / o.samples)
                             : o.inputs_v[static_cast<std::size_t>(n)];
        const double v = vcm + side * (x - vcm);
        const double change = j * period - period / 4;
        if (j == 0) {
          d << "0 " << num(v);
        } else {
          d << "\n+ " << num(change) << " " << num(previous) << " " << num(change + c.edge_s) << " "
            << num(v);
        }
        previous = v;
      }
      d << ")\n";
    }
  } else {
    d << "* input: x(t) = vcm + A sin(2 pi f t + phi), record sample n at (n - first + warmup) T + "
      << num(plan.sample_offset_s) << " s\n";
    const std::string sine = num(plan.input_hz) + " 0 0 " + num(phase_deg) + ")";
    d << "vinp vip 0 sin(" << num(vcm) << " " << num(amp) << " " << sine << "\n";
    d << "vinn vin 0 sin(" << num(vcm) << " " << num(-amp) << " " << sine << "\n";
  }

  // Noise values of every record sample the deck touches (indexed by record sample).
  std::vector<std::vector<double>> noise_draws(static_cast<std::size_t>(o.samples));
  if (noise) {
    for (int n = 0; n < o.samples; ++n)
      noise_draws[static_cast<std::size_t>(n)] = buildableNoise(o, stages, n);
  }
  double previous[2] = {0.0, 0.0};

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
    d << "* stage " << s << ": sub-ADC on " << inp << "/" << inn << ", samples in " << sample
      << ", amplifies in " << amplify << "\n";
    d << "vdd_adc" << s << " vdda" << s << " 0 " << num(vdd) << "\n";
    d << "xstage" << s << " " << inp << " " << inn << " vdda" << s << " 0";
    for (int k = 0; k < outputs; ++k) d << " bit" << s << "_" << k;
    d << " nnadc_fdstage" << s << "\n";
    for (int k = 0; k < outputs; ++k) {
      const std::string b = s + "_" + std::to_string(k);
      const std::string latch = i == 0 && o.latch_delay_s > 0 ? "p1l" : sample + "e";
      d << "s_l" << b << " bit" << b << " l" << b << " " << latch << " 0 nnadc_latch\n";
      d << "c_l" << b << " l" << b << " 0 " << num(kLatchFarads) << "\n";
      d << "e_q" << b << " q" << b << " 0 l" << b << " 0 1\n";
      saved.push_back(buildableBitVector(i, k));
    }
    const std::vector<int> dense = adc::stageDecoder(stage.adc).dense(outputs);
    d << "b_d" << s << " d" << s << " 0 v=" << decodeTree(i, dense, outputs - 1, 0, vcm) << "\n";
    saved.push_back("v(d" + s + ")");
    if (i + 1 == stages) break;

    // The MDAC.
    const double cu = c.unit_cap_f * plan.scale[i];
    const MosSize mid = wider(c.mid_switch, plan.scale[i]);
    const MosSize nref = wider(c.ref_switch, plan.scale[i]);
    const MosSize pref = wider(c.ref_switch, plan.scale[i] * kPmosRefRatio);
    d << "vdd_ota" << s << " vddo" << s << " 0 " << num(vdd) << "\n";
    d << "vdd_sw" << s << " vdds" << s << " 0 " << num(vdd) << "\n";
    d << "vref" << s << " vr" << s << " 0 " << num(vdd) << "\n";
    d << "iref" << s << " vddo" << s << " ib" << s << " " << num(c.ota.iref_a * plan.scale[i])
      << "\n";
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
        d << "vn" << s << sd << " " << sampled << " " << in << " pwl(";
        const double ramp = c.edge_s;
        for (int j = 0; j < plan.warmup + plan.sample_count; ++j) {
          const int n = ((plan.first_sample - plan.warmup + j) % o.samples + o.samples) % o.samples;
          const double v = side * 0.5 * noise_draws[static_cast<std::size_t>(n)][i];
          const double change = j * period + static_cast<double>(i) * period / 2 - period / 4;
          if (j == 0) {
            d << "0 " << num(v);
          } else {
            d << "\n+ " << num(change) << " " << num(previous[side > 0 ? 0 : 1]) << " "
              << num(change + ramp) << " " << num(v);
          }
          previous[side > 0 ? 0 : 1] = v;
        }
        d << ")\n";
      }
      d << "xs" << s << sd << " " << sampled;
      for (int k = 0; k < kCaps; ++k) d << " b" << s << sd << k;
      d << " " << sample << " " << sample << "b vdds" << s << " 0 nnadc_bootsw" << s << "\n";
      for (int k = 0; k < kCaps; ++k) {
        const std::string bp = "b" + s + sd + std::to_string(k);
        d << "c" << bp << " " << x << " " << bp << " " << num(cu) << "\n";
        if (k == kDacCaps) {
          d << mos("z" + bp, bp, amplify + "h", "vcm", "0", models.nmos, mid) << "\n";
          continue;
        }
        // Capacitor k goes to VDD (+ side) when d > k, else to ground; the - side mirrors.
        const std::string sel = side > 0 ? "(v(d" + s + ")>" + num(k + 0.5) + " ? 1 : 0)"
                                         : "(v(d" + s + ")>" + num(k + 0.5) + " ? 0 : 1)";
        const std::string gp = "gp" + s + sd + std::to_string(k);
        const std::string gn = "gn" + s + sd + std::to_string(k);
        d << "b_g" << gp << " " << gp << " 0 v=" << num(vdd) << "-v(" << amplify << ")*" << sel
          << "\n";
        d << "b_g" << gn << " " << gn << " 0 v=v(" << amplify << ")*(1-" << sel << ")\n";
        d << mos("rp" + bp, bp, gp, "vr" + s, "vr" + s, models.pmos, pref) << "\n";
        d << mos("rn" + bp, bp, gn, "0", "0", models.nmos, nref) << "\n";
      }
      d << "cf" << s << sd << " " << x << " " << out << " " << num(kCfUnits * cu) << "\n";
      d << mos("t" + s + sd, x, sample + "eh", "vcmi", "0", models.nmos,
               wider(mid, o.top_switch_multiplier))
        << "\n";
    }
    d << mos("r" + s, "out" + s + "p", sample + "h", "out" + s + "n", "0", models.nmos, mid)
      << "\n";
    d << "xota" << s << " x" << s << "n x" << s << "p out" << s << "p out" << s << "n vcm ib" << s
      << " vddo" << s << " 0 " << sample << "eh nnadc_ota" << s << "\n";
    saved.push_back("v(out" + s + "p)");
    saved.push_back("v(out" + s + "n)");
  }
  d << ".nodeset";
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const std::string s = std::to_string(i);
    d << " v(out" << s << "p)=" << num(vcm) << " v(out" << s << "n)=" << num(vcm) << " v(x" << s
      << "p)=" << num(c.vcm_in_v) << " v(x" << s << "n)=" << num(c.vcm_in_v);
  }
  d << "\n";
  for (const auto& [source, label] : buildableSupplies(design))
    saved.push_back("i(" + source + ")");
  d << ".save";
  for (std::size_t k = 0; k < saved.size(); ++k) d << (k % 8 == 7 ? "\n+ " : " ") << saved[k];
  d << "\n.tran " << num(c.max_step_s) << " " << num(plan.stop_s) << " 0 " << num(c.max_step_s)
    << "\n.end\n";
  return d.str();
}

}  // namespace nnadc::spice
