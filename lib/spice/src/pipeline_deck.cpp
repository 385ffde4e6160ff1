#include "nnadc/spice/pipeline_deck.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/assert.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/spice/netlist.h"
#include "nnadc/spice/segmented_deck.h"
#include "segmented_front_end.h"
#include "writer.h"

namespace nnadc::spice {

namespace {

using detail::Writer;

// Transient: simulator time step requested per clock period (as the stage bench).
constexpr double kTranStepsPerPeriod = 20.0;
// Inter-stage track-and-hold: switch on/off resistance and hold capacitor. R_on C = 100 ps settles
// to far below an LSB within any half period a realistic fs leaves (500 time constants at 10 MHz).
constexpr double kSwitchOnOhms = 100.0;
constexpr double kSwitchOffOhms = 1e12;
constexpr double kHoldFarads = 1e-12;
// Xyce / Spectre switches change state over a control band (ngspice's is sharp): 10 % of VDD,
// crossed by the clock edge in a tenth of its rise time.
constexpr double kSwitchBandFraction = 0.1;
// The decoder source is a tree over all 2^M words of a stage: bounded so decks stay readable.
constexpr int kMaxDecodedOutputs = 12;
const char* const kSwitchModel = "nnadc_sh_sw";
// A residue network's bit rows (bit_k VDD, (1 - bit_k) VDD) each feed one cell per hidden column
// and one output cell, down to a few kOhm in all: they are driven by logic buffers of this many
// characterised inverters in parallel (about 1/32 of the minimum inverter's on-resistance).
constexpr int kBitBufferMultiplier = adc::kBitBufferInverters;
const char* const kBufferInverter = "nnadc_inv_buf";

std::string num(double v) { return spiceNumber(v); }

double step(const adc::StageShape& s) { return (s.input_hi_v - s.input_lo_v) / (1 << s.bits); }
double centre(const adc::StageShape& s) { return 0.5 * (s.input_lo_v + s.input_hi_v); }

void requirePipeline(const adc::Design& design) {
  if (design.pipeline.stages.size() < 2) {
    throw InputError("NNADC-NET-013",
                     "design kind 'stage' is not a pipeline with stages (the "
                     "pipeline emitter takes kind 'pipeline'; stages use "
                     "stageDeck)");
  }
}

// Decoder of stage `index` as a tree of ternaries over the bits, from the top bit down; subtrees
// that decode to one level collapse to that level.
std::vector<std::string> decodeTree(const Writer& w, std::size_t index,
                                    const std::vector<int>& dense, int bit, adc::Word prefix,
                                    double threshold_v) {
  const adc::Word span = adc::Word{1} << (bit + 1);
  const int first = dense[static_cast<std::size_t>(prefix)];
  bool uniform = true;
  for (adc::Word k = 0; k < span && uniform; ++k) {
    uniform = dense[static_cast<std::size_t>(prefix + k)] == first;
  }
  if (uniform) return {std::to_string(first)};
  const adc::Word high = adc::Word{1} << bit;
  const std::string condition = w.voltage(pipelineBitNode(index, bit)) + ">" + num(threshold_v);
  return w.ternary(condition, decodeTree(w, index, dense, bit - 1, prefix + high, threshold_v),
                   decodeTree(w, index, dense, bit - 1, prefix, threshold_v));
}

// c + G ((1 + ge) e + off + a2 e^2 + a3 e^3) clamped to [0, VDD], zero terms left out.
std::vector<std::string> residueExpression(const Writer& w, const adc::PipelineStage& stage,
                                           const adc::AmplifierModel& a, std::size_t index,
                                           const adc::StageShape& next, double vdd_v) {
  // Level gains and memory come only from SPICE extraction (eval::fitBuildableStages), never in
  // a design this writes.
  NNADC_ASSERT(!a.hasExtractedTerms());
  const adc::StageShape& s = stage.adc.shape;
  const std::string d = w.voltage("d" + std::to_string(index));
  std::string e = "(" + w.voltage(pipelineInputNode(index)) + "-(" + num(s.input_lo_v) + "+(" + d +
                  "+0.5)*" + num(step(s)) + "))";
  if (!a.dac_error_v.empty()) {
    // The DAC's error at level d: a ternary chain over V(d), whose levels are integers.
    std::vector<std::string> chain = {num(a.dac_error_v.back())};
    for (std::size_t k = a.dac_error_v.size() - 1; k-- > 0;) {
      chain =
          w.ternary(d + "<" + num(static_cast<double>(k) + 0.5), {num(a.dac_error_v[k])}, chain);
    }
    std::string joined;
    for (const auto& part : chain) joined += (joined.empty() ? "" : " ") + part;
    e = "(" + e + "-" + joined + ")";
  }
  std::vector<std::string> terms = {num(1.0 + a.gain_error) + "*" + e};
  if (a.offset_v != 0.0) terms.push_back("+" + num(a.offset_v));
  if (a.a2_per_v != 0.0) terms.push_back("+" + num(a.a2_per_v) + "*" + e + "*" + e);
  if (a.a3_per_v2 != 0.0) terms.push_back("+" + num(a.a3_per_v2) + "*" + e + "*" + e + "*" + e);
  std::vector<std::string> out = {"min(max(" + num(centre(next)) + "+" + num(stage.gain) + "*("};
  out.insert(out.end(), terms.begin(), terms.end());
  out.push_back("),0)," + num(vdd_v) + ")");
  return out;
}

bool anyNetwork(const adc::Pipeline& pipeline) {
  for (std::size_t i = 0; i + 1 < pipeline.stages.size(); ++i) {
    if (pipeline.stages[i].residue == adc::ResidueStyle::kNetwork) return true;
  }
  return false;
}

std::string bufferSubckt(const adc::InverterSizing& inverter, Dialect dialect) {
  Writer w(dialect);
  w.comment("logic buffer inverter for residue-network bit rows: " +
            std::to_string(kBitBufferMultiplier) + " characterised inverters in parallel");
  w.subckt(kBufferInverter, {"in", "out", "vdd", "gnd"});
  w.mosfet("p", "out", "in", "vdd", "vdd", inverter.pmos, inverter.wp_m, inverter.l_m,
           inverter.subckt_devices, kBitBufferMultiplier);
  w.mosfet("n", "out", "in", "gnd", "gnd", inverter.nmos, inverter.wn_m, inverter.l_m,
           inverter.subckt_devices, kBitBufferMultiplier);
  w.ends(kBufferInverter);
  return w.text();
}

}  // namespace

std::string residueSubckt(const adc::PipelineStage& stage, const rram::LevelSet& levels,
                          std::size_t index, Dialect dialect, bool scaled_drivers,
                          const adc::PipelineConductances* die, const adc::InverterSizing* inverter,
                          int driver_multiplier) {
  const adc::ResidueNetworkDesign& net = stage.network;
  const int outputs = stage.adc.shape.outputs();
  const int hidden = net.hidden;
  const std::string s = std::to_string(index);
  const int rows_in = 4 + 2 * outputs;
  if (stage.residue != adc::ResidueStyle::kNetwork || hidden <= 0 ||
      net.hidden_cells.rows() != hidden || net.hidden_cells.cols() != rows_in ||
      net.output_cells.rows() != 1 || net.output_cells.cols() != 2 * hidden + rows_in) {
    throw InputError("NNADC-NET-013", "stage " + s + ": no residue network of " +
                                          std::to_string(outputs) + " bit inputs to emit");
  }
  const auto column_error = [&](const std::string& node) {
    return InputError("NNADC-NET-013", "stage " + s + " residue network: column " + node +
                                           " has no device (all cells at level 0), so the node "
                                           "would float");
  };
  const adc::InverterLayout layout{stage.adc.shape.hidden, outputs, hidden};
  const detail::DieView view = detail::dieView(die, index, true, hidden, rows_in, 1,
                                               2 * hidden + rows_in, layout.size(), inverter);
  // Input rows as adc::ResidueModel orders them.
  std::vector<std::string> rows = {"in", "inb"};
  for (int k = 0; k < outputs; ++k) rows.push_back("bit_" + std::to_string(k));
  for (int k = 0; k < outputs; ++k) rows.push_back("bitb_" + std::to_string(k));
  rows.emplace_back("vdd");
  rows.emplace_back("gnd");
  const auto label = [](std::string row) {
    std::erase(row, '_');
    return row;
  };

  Writer w(dialect);
  const std::string name = "nnadc_res" + s;
  w.comment("stage " + s + " residue network (the paper's): " + std::to_string(hidden) +
            " hidden, inputs x, VDD - x, the " + std::to_string(outputs) +
            " bits and their complements; cells R = 1/G(level), level 0 = open");
  std::vector<std::string> ports = {"in"};
  for (int k = 0; k < outputs; ++k) ports.push_back("out_" + std::to_string(k));
  ports.insert(ports.end(), {"res", "vdd", "gnd"});
  w.subckt(name, ports);
  // What the network reads: a hidden unit whose h_j and hb_j have no output cell, a row no used
  // cell reads, and their inverters and buffers are left out (no floating or dangling node).
  const auto out_cell = [&](int m) { return net.output_cells(0, m) != 0; };
  std::vector<bool> unit(static_cast<std::size_t>(hidden));
  std::vector<bool> row_used(static_cast<std::size_t>(rows_in));
  for (int j = 0; j < hidden; ++j) {
    unit[static_cast<std::size_t>(j)] = out_cell(j) || out_cell(hidden + j);
    for (int r = 0; r < rows_in; ++r) {
      if (unit[static_cast<std::size_t>(j)] && net.hidden_cells(j, r) != 0) {
        row_used[static_cast<std::size_t>(r)] = true;
      }
    }
  }
  for (int r = 0; r < rows_in; ++r) {
    if (out_cell(2 * hidden + r)) row_used[static_cast<std::size_t>(r)] = true;
  }
  if (row_used[1]) {
    w.comment("ideal complement row VDD - x (as the sub-ADC's)");
    w.vcvs("e_inb", "inb", "gnd", "vdd", "in", 1.0);
  }
  w.comment("bit rows: bitb_k = not out_k, bit_k = not bitb_k (logic buffers, " +
            std::string(kBufferInverter) + ")");
  for (int k = 0; k < outputs; ++k) {
    const std::string b = std::to_string(k);
    const bool bit = row_used[static_cast<std::size_t>(2 + k)];
    if (bit || row_used[static_cast<std::size_t>(2 + outputs + k)]) {
      detail::inverter(w, "bn" + b, "out_" + b, "bitb_" + b, kBufferInverter,
                       view.inverter(layout.bufferN(k)), view.sizing, kBitBufferMultiplier);
    }
    if (bit) {
      detail::inverter(w, "bp" + b, "bitb_" + b, "bit_" + b, kBufferInverter,
                       view.inverter(layout.bufferP(k)), view.sizing, kBitBufferMultiplier);
    }
  }
  w.comment("layer 1: divider columns u_j over the input rows");
  for (int j = 0; j < hidden; ++j) {
    if (!unit[static_cast<std::size_t>(j)]) continue;
    const std::string u = "u_" + std::to_string(j);
    bool any = false;
    for (int r = 0; r < rows_in; ++r) {
      const int level = net.hidden_cells(j, r);
      const double g = view.cell1(j, r, level, levels);
      if (g <= 0.0) continue;
      any = true;
      w.resistor("r_u" + std::to_string(j) + "_" + label(rows[static_cast<std::size_t>(r)]), u,
                 rows[static_cast<std::size_t>(r)], 1.0 / g);
    }
    if (!any) throw column_error(u);
  }
  w.comment("hidden inverters h_j = f(u_j), complements hb_j = f(h_j)");
  const std::string driver = scaled_drivers ? "nnadc_inv_drv" : "nnadc_inv";
  const int driver_m = scaled_drivers ? driver_multiplier : 1;
  for (int j = 0; j < hidden; ++j) {
    if (!unit[static_cast<std::size_t>(j)]) continue;
    const std::string t = std::to_string(j);
    detail::inverter(w, "h" + t, "u_" + t, "h_" + t, driver, view.inverter(layout.networkH(j)),
                     view.sizing, driver_m);
    if (out_cell(hidden + j)) {
      detail::inverter(w, "hb" + t, "h_" + t, "hb_" + t, driver, view.inverter(layout.networkHb(j)),
                       view.sizing, driver_m);
    }
  }
  w.comment("output column res over [h_j, hb_j, input rows]: the residue is its node voltage");
  bool any = false;
  for (int m = 0; m < 2 * hidden + rows_in; ++m) {
    const int level = net.output_cells(0, m);
    const double g = view.cell2(0, m, level, levels);
    if (g <= 0.0) continue;
    any = true;
    const std::string row = m < hidden       ? "h_" + std::to_string(m)
                            : m < 2 * hidden ? "hb_" + std::to_string(m - hidden)
                                             : rows[static_cast<std::size_t>(m - 2 * hidden)];
    w.resistor("r_res_" + label(row), "res", row, 1.0 / g);
  }
  if (!any) throw column_error("res");
  w.ends(name);
  return w.text();
}

std::string pipelineInputNode(std::size_t stage) { return "vs" + std::to_string(stage); }
std::string pipelineBitNode(std::size_t stage, int output) {
  return "bit" + std::to_string(stage) + "_" + std::to_string(output);
}
std::string pipelineBitVector(std::size_t stage, int output) {
  return "v(" + pipelineBitNode(stage, output) + ")";
}
std::string pipelineDecisionVector(std::size_t stage) {
  return "v(d" + std::to_string(stage) + ")";
}

std::string pipelineInputVector(std::size_t stage) { return "v(" + pipelineInputNode(stage) + ")"; }

PipelinePlan pipelinePlan(const adc::Design& design, const DeckOptions& options,
                          const SampleWindow& window) {
  options.validate();
  requirePipeline(design);
  const int n = options.samples;
  requireInRange("NNADC-NET-012", "first-sample", window.first_sample, 0, n - 1);
  requireInRange("NNADC-NET-012", "sample-count", window.sample_count, 0, n - window.first_sample);
  requireInRange("NNADC-NET-012", "warmup", window.warmup, 0, n);
  PipelinePlan plan;
  plan.record = transientPlan(design.pipeline.stages.front().adc.shape, options);
  plan.stages = design.pipeline.stages.size();
  plan.period_s = 1.0 / options.fs_hz;
  plan.first_sample = window.first_sample;
  plan.warmup = std::min(window.warmup, window.first_sample);
  plan.sample_count = window.sample_count == 0 ? n - window.first_sample : window.sample_count;
  const int begin = plan.first_sample - plan.warmup;
  const int simulated = plan.warmup + plan.sample_count;
  plan.held_v.assign(plan.record.x_v.begin() + begin, plan.record.x_v.begin() + begin + simulated);
  const double t = plan.period_s;
  plan.read_times_s.assign(plan.stages, {});
  for (std::size_t i = 0; i < plan.stages; ++i) {
    const double half_periods = static_cast<double>(i + 2);
    for (int j = 0; j < plan.sample_count; ++j) {
      plan.read_times_s[i].push_back((plan.warmup + j) * t + half_periods * t / 2.0);
    }
    const double shift = static_cast<double>(i) * t / 2.0;
    plan.average_from_s.push_back(plan.warmup * t + shift);
    plan.average_to_s.push_back(simulated * t + shift);
  }
  plan.stop_s = (simulated - 1) * t + static_cast<double>(plan.stages + 1) * t / 2.0;
  return plan;
}

int staticSineCycles(const DeckOptions& options) {
  const auto n = static_cast<std::size_t>(options.points);
  if (static_cast<double>(n) * adc::kDefaultSineFraction < 1.0) return 1;
  return static_cast<int>(adc::coherentCycles(n, adc::kDefaultSineFraction));
}

std::vector<double> pipelineStaticInputs(const adc::Design& design, const DeckOptions& options) {
  const adc::StageShape& first = design.stage(0).shape;
  if (options.static_inputs_v != nullptr) {
    if (options.static_inputs_v->size() != static_cast<std::size_t>(options.points) ||
        options.dialect != Dialect::kNgspice || options.static_sine) {
      throw InputError("NNADC-NET-012",
                       "field 'static_inputs_v' holds " +
                           std::to_string(options.static_inputs_v->size()) +
                           " inputs; it must hold 'points' = " + std::to_string(options.points) +
                           " (ngspice static bench only, not with static-sine)");
    }
    return *options.static_inputs_v;
  }
  if (!options.static_sine) {
    if (options.dialect != Dialect::kNgspice) return staticInputs(first, options.points);
    // Bin centres of a short ramp sit on the 14-bit code edges (2^14 / N is even), where the
    // last stages decide on rounding: one input per bin at a golden-ratio offset instead,
    // equidistributed over the codes.
    std::vector<double> x(static_cast<std::size_t>(options.points));
    const double bin = (first.input_hi_v - first.input_lo_v) / options.points;
    const double phi = 0.5 * (std::sqrt(5.0) - 1.0);
    for (int i = 0; i < options.points; ++i) {
      const double u = std::fmod(0.5 + phi * i, 1.0);
      x[static_cast<std::size_t>(i)] = first.input_lo_v + (i + u) * bin;
    }
    return x;
  }
  const int cycles = staticSineCycles(options);
  if (cycles % 2 == 0 || std::gcd(cycles, options.points) != 1 || 2 * cycles > options.points) {
    throw InputError("NNADC-NET-012",
                     "field 'cycles' = " + std::to_string(cycles) +
                         " must be odd, coprime with points = " + std::to_string(options.points) +
                         " and at most points / 2 (coherent sampling)");
  }
  const Eigen::VectorXd x =
      adc::coherentSine(first.input_lo_v, first.input_hi_v,
                        static_cast<std::size_t>(options.points), static_cast<std::size_t>(cycles));
  return {x.data(), x.data() + x.size()};
}

std::string pipelineDeck(const adc::Design& design, const DeckOptions& options,
                         const SampleWindow& window) {
  options.validate();
  requirePipeline(design);
  if (options.bench == Bench::kStage) {
    throw InputError("NNADC-NET-013",
                     "bench 'stage' is for one stage; a pipeline has benches static, transient");
  }
  const adc::Pipeline& pipeline = design.pipeline;
  const std::size_t stages = pipeline.stages.size();
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const int outputs = pipeline.stages[i].adc.shape.outputs();
    if (outputs > kMaxDecodedOutputs) {
      throw InputError("NNADC-NET-013", "stage " + std::to_string(i) + " has " +
                                            std::to_string(outputs) +
                                            " outputs; the decoder source is written for up to " +
                                            std::to_string(kMaxDecodedOutputs));
    }
  }
  const Dialect dialect = options.dialect;
  const bool spectre = dialect == Dialect::kSpectre;
  const bool scaled = options.driver_multiplier != 1;
  const rram::LevelSet levels(design.rram);
  const double vdd = design.vdd_v;
  const double threshold = 0.5 * vdd;
  const bool transient = options.bench == Bench::kTransient;
  const bool segmented = hasSegmentedFrontEnd(design, options.bench);
  // The converter's input: the segmented front end's, else the first stage's.
  const std::string input_node = segmented ? kSegmentedInputNode : pipelineInputNode(0);

  Writer w(dialect);
  std::string title = "nnadc " + benchName(options.bench) + " bench of a " +
                      std::to_string(pipeline.bits) + "-bit pipelined NN ADC, " +
                      std::to_string(stages) + " stages (" + dialectName(dialect) + ")";
  if (segmented) {
    const adc::SegmentedFrontEnd& f = *design.segmented;
    title = "nnadc static bench of a segmented " + std::to_string(f.target.codes()) + "-code " +
            f.target.name + " converter: " + std::to_string(f.segments) + " x2 ladder taps, " +
            std::to_string(pipeline.bits) + "-bit mantissa pipeline of " + std::to_string(stages) +
            " stages (" + dialectName(dialect) + ")";
  }
  if (spectre) {
    w.comment(title);
    w.line("simulator lang=spectre");
    w.line("global 0");
  } else {
    w.line("* " + title);
  }
  w.runHint();
  const adc::StageShape& first = pipeline.stages.front().adc.shape;
  w.comment("VDD = " + num(vdd) + " V, input window [" + num(first.input_lo_v) + ", " +
            num(first.input_hi_v) + "] V");
  const bool networks = anyNetwork(pipeline);
  w.comment("ideal elements (behavioural: no supply current, no noise):");
  for (const IdealElement& e : idealElements(design, options.bench)) {
    w.comment("  " + e.instances + ": " + e.what);
  }
  if (segmented) detail::writeSegmentedHeader(w, design);
  w.raw(modelSection(design.inverter, dialect));
  w.raw(inverterSubckts(design.inverter, dialect, options.driver_multiplier));
  if (networks) w.raw(bufferSubckt(design.inverter, dialect));
  for (std::size_t i = 0; i < stages; ++i) {
    w.raw(stageSubckt(pipeline.stages[i].adc, levels, i, dialect, scaled, options.die,
                      &design.inverter, options.driver_multiplier));
    if (i + 1 < stages && pipeline.stages[i].residue == adc::ResidueStyle::kNetwork) {
      w.raw(residueSubckt(pipeline.stages[i], levels, i, dialect, scaled, options.die,
                          &design.inverter, options.driver_multiplier));
    }
  }

  w.comment("stages: sub-ADC xstage<i> on vs<i>, own supply vdd_stage<i> (power = |i| x VDD),");
  w.comment("bit<i>_k = 1 when above VDD/2");
  std::vector<std::string> saved;  // ngspice names, e.g. v(bit0_3)
  for (std::size_t i = 0; i < stages; ++i) {
    const adc::StageDesign& stage = pipeline.stages[i].adc;
    const std::string s = std::to_string(i);
    w.dcSource(supplySource(i), "vdd" + s, "0", vdd);
    std::vector<std::string> nodes = {pipelineInputNode(i), "vdd" + s, "0"};
    saved.push_back(pipelineInputVector(i));
    for (int k = 0; k < stage.shape.outputs(); ++k) {
      nodes.push_back(pipelineBitNode(i, k));
      saved.push_back(pipelineBitVector(i, k));
    }
    w.instance("stage" + s, nodes, "nnadc_stage" + s);
  }

  if (segmented) detail::writeSegmentedFrontEnd(w, design, saved);

  w.comment("ideal behavioural decoder d<i> (level number in volts) and residue amplifier");
  w.comment("res<i>: neither draws supply current");
  if (networks) {
    w.comment("residue networks xres<i> (the paper's): RRAM and inverters on the stage's supply;");
    w.comment("an ideal unity buffer e_res<i> takes their output node rnet<i> to the next stage");
  }
  const adc::PipelineConductances* die = options.die;
  if (die != nullptr && !die->amplifier.empty() && die->amplifier.size() != stages) {
    throw InputError("NNADC-NET-013", "die: " + std::to_string(die->amplifier.size()) +
                                          " amplifiers for " + std::to_string(stages) + " stages");
  }
  const auto amplifier = [&](std::size_t i) -> const adc::AmplifierModel& {
    return die == nullptr || die->amplifier.empty() ? pipeline.stages[i].amplifier
                                                    : die->amplifier[i];
  };
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const adc::PipelineStage& stage = pipeline.stages[i];
    const int outputs = stage.adc.shape.outputs();
    const std::string s = std::to_string(i);
    const std::vector<int> dense = adc::stageDecoder(stage.adc).dense(outputs);
    w.behavioural("b_d" + s, "d" + s, "0", decodeTree(w, i, dense, outputs - 1, 0, threshold));
    const std::string residue = transient ? "res" + s : pipelineInputNode(i + 1);
    if (stage.residue == adc::ResidueStyle::kNetwork) {
      std::vector<std::string> nodes = {pipelineInputNode(i)};
      for (int k = 0; k < outputs; ++k) nodes.push_back(pipelineBitNode(i, k));
      nodes.insert(nodes.end(), {"rnet" + s, "vdd" + s, "0"});
      w.instance("res" + s, nodes, "nnadc_res" + s);
      w.vcvs("e_res" + s, residue, "0", "rnet" + s, "0", 1.0);
    } else {
      w.behavioural(
          "b_res" + s, residue, "0",
          residueExpression(w, stage, amplifier(i), i, pipeline.stages[i + 1].adc.shape, vdd));
    }
    saved.push_back(pipelineDecisionVector(i));
  }

  std::string analysis;
  if (transient) {
    const PipelinePlan plan = pipelinePlan(design, options, window);
    const double period = plan.period_s;
    const double edge = options.edge_fraction * period;
    w.comment("track-and-holds: stage i >= 1 tracks res<i-1> while its clock is high (clk_odd:");
    w.comment("2nd half of each period, clk_even: 1st half), holds it on c_sh<i>, buffer e_sh<i>");
    const double band = kSwitchBandFraction * vdd;
    w.switchModel(kSwitchModel, threshold, band, kSwitchOnOhms, kSwitchOffOhms);
    w.pulseSource("v_clk_even", "clk_even", "0", 0.0, vdd, 0.0, edge, edge,
                  period / 2.0 - 2.0 * edge, period);
    w.pulseSource("v_clk_odd", "clk_odd", "0", 0.0, vdd, period / 2.0, edge, edge,
                  period / 2.0 - 2.0 * edge, period);
    for (std::size_t i = 1; i < stages; ++i) {
      const std::string s = std::to_string(i);
      w.voltageSwitch("s_sh" + s, "res" + std::to_string(i - 1), "hold" + s,
                      i % 2 == 1 ? "clk_odd" : "clk_even", "0", kSwitchModel, threshold, band,
                      kSwitchOnOhms, kSwitchOffOhms);
      w.capacitor("c_sh" + s, "hold" + s, "0", kHoldFarads);
      w.vcvs("e_sh" + s, pipelineInputNode(i), "0", "hold" + s, "0", 1.0);
    }
    w.comment("input S/H as a PWL staircase: " + std::to_string(plan.held_v.size()) +
              " samples (record samples " + std::to_string(plan.first_sample - plan.warmup) + ".." +
              std::to_string(plan.first_sample + plan.sample_count - 1) + " of " +
              std::to_string(plan.record.x_v.size()) +
              ", coherent sine, J = " + std::to_string(plan.record.cycles) + ")");
    w.comment("T = " + num(period) + " s; stage i reads sample m at m T + (i + 2) T / 2");
    std::vector<std::pair<double, double>> pwl = {{0.0, plan.held_v.front()}};
    for (std::size_t n = 1; n < plan.held_v.size(); ++n) {
      const double t = static_cast<double>(n) * period;
      pwl.emplace_back(t, plan.held_v[n - 1]);
      pwl.emplace_back(t + edge, plan.held_v[n]);
    }
    pwl.emplace_back(plan.stop_s, plan.held_v.back());
    w.pwlSource(kInputSource, pipelineInputNode(0), "0", pwl);
    const double tstep = period / kTranStepsPerPeriod;
    if (spectre) {
      w.line("tran_pipe tran stop=" + num(plan.stop_s) + " maxstep=" + num(tstep));
    } else {
      w.line(".tran " + num(tstep) + " " + num(plan.stop_s));
    }
    analysis = "tran";
  } else {
    const double bin = (first.input_hi_v - first.input_lo_v) / options.points;
    const int count =
        options.point_count == 0 ? options.points - options.first_point : options.point_count;
    if (options.static_sine && dialect != Dialect::kNgspice) {
      throw InputError("NNADC-NET-012",
                       "field 'static-sine' is written for the ngspice dialect only");
    }
    if (dialect == Dialect::kNgspice) {
      // Sample n is the DC operating point at x_n: an index source is swept and a behavioural
      // source maps it to the sample (piecewise linear through the exact values).
      const std::vector<double> x = pipelineStaticInputs(design, options);
      if (options.static_inputs_v != nullptr) {
        w.comment("static inputs " + std::to_string(options.first_point) + ".." +
                  std::to_string(options.first_point + count - 1) + " of " +
                  std::to_string(options.points) + " given by the caller");
      } else if (options.static_sine) {
        w.comment("static sine: samples " + std::to_string(options.first_point) + ".." +
                  std::to_string(options.first_point + count - 1) + " of a coherent sine, " +
                  std::to_string(staticSineCycles(options)) + " cycles in " +
                  std::to_string(options.points) + " samples");
      } else {
        w.comment("static ramp: inputs " + std::to_string(options.first_point) + ".." +
                  std::to_string(options.first_point + count - 1) +
                  " x_i = lo + (i + u_i) (hi - lo) / " + std::to_string(options.points) +
                  ", u_i = frac(1/2 + i (sqrt 5 - 1) / 2): one input per bin, spread over it");
      }
      w.comment("residues drive the next stage directly");
      w.dcSource("vidx", "nnadc_idx", "0", options.first_point);
      std::vector<std::string> words;
      for (int n = options.first_point; n < options.first_point + count; ++n) {
        words.push_back(std::to_string(n) + ", " + num(x[static_cast<std::size_t>(n)]) +
                        (n + 1 < options.first_point + count ? "," : ""));
      }
      if (count == 1)
        words.push_back(", " + std::to_string(options.first_point + 1) + ", " +
                        num(x[static_cast<std::size_t>(options.first_point)]));
      w.wrapped("b" + std::string(kInputSource) + " " + input_node + " 0 V = pwl(v(nnadc_idx),",
                words, ")");
      w.line(".dc vidx " + std::to_string(options.first_point) + " " +
             num(options.first_point + count - 1 + 0.5) + " 1");
      analysis = "dc";
    } else {
      const double start = first.input_lo_v + (options.first_point + 0.5) * bin;
      const double last = start + (count - 1) * bin;
      w.comment("static: " + std::to_string(count) +
                " bin centres x_i = lo + (i + 1/2) (hi - lo) / " + std::to_string(options.points) +
                ", i = " + std::to_string(options.first_point) + ".." +
                std::to_string(options.first_point + count - 1));
      w.comment("residues drive the next stage directly");
      w.dcSource(kInputSource, input_node, "0", start);
      if (spectre) {
        w.line("sweep_in dc dev=" + std::string(kInputSource) + " param=dc " +
               (count == 1 ? "values=[" + num(start) + "]"
                           : "start=" + num(start) + " stop=" + num(last) +
                                 " lin=" + std::to_string(count - 1)));
      } else {
        // Half a step past the last point so rounding never drops it.
        w.line(".dc " + std::string(kInputSource) + " " + num(start) + " " + num(last + 0.5 * bin) +
               " " + num(bin));
      }
    }
    analysis = "dc";
  }

  for (std::size_t i = 0; i < stages; ++i) saved.push_back(supplyVector(i));
  switch (dialect) {
    case Dialect::kNgspice:
      w.wrapped(".save", saved, "");
      // Ignored by the shared library (nnadc reads the vectors); `ngspice -b` prints them.
      w.wrapped(".print " + analysis, saved, "");
      break;
    case Dialect::kXyce:
      w.wrapped(".print " + analysis + " format=raw", saved, "");
      break;
    case Dialect::kSpectre: {
      std::vector<std::string> names;
      for (const std::string& v : saved) {
        if (v.rfind("i(", 0) == 0) {
          names.push_back(v.substr(2, v.size() - 3) + ":p");
        } else {
          names.push_back(v.substr(2, v.size() - 3));
        }
      }
      w.wrapped("save", names, "");
      break;
    }
  }
  if (!spectre) w.line(".end");
  return w.text();
}

std::vector<IdealElement> idealElements(const adc::Design& design, Bench bench) {
  const bool transient = bench == Bench::kTransient;
  const std::string source =
      transient ? "input source and sample-and-hold (a PWL staircase)" : "input source";
  if (design.singleStage()) return {{"vin", source}, {"e_inb", "the VDD - x complement row"}};
  std::vector<IdealElement> out;
  const bool segmented = hasSegmentedFrontEnd(design, bench);
  out.push_back({transient ? "vin" : "vin (bvin, indexed by vidx, in ngspice)",
                 segmented ? "input source (the converter's input xin)" : source});
  if (segmented) {
    for (const IdealEstimate& e : idealPowerEstimates(design)) {
      if (e.instances.rfind("b_res", 0) == 0) continue;  // listed with the pipeline's elements
      out.push_back({e.instances, e.what + " (estimated power listed below)"});
    }
  }
  const adc::Pipeline& pipeline = design.pipeline;
  const bool networks = anyNetwork(pipeline);
  bool amplifiers = false;
  for (std::size_t i = 0; i + 1 < pipeline.stages.size(); ++i) {
    amplifiers |= pipeline.stages[i].residue == adc::ResidueStyle::kAmplifier;
  }
  out.push_back({"e_inb in each sub-ADC" + std::string(networks ? " and residue network" : ""),
                 "the VDD - x complement row"});
  out.push_back({"b_d<i>", "digital decoders of the stage bits"});
  if (amplifiers) out.push_back({"b_res<i>", "residue amplifiers with their DACs"});
  if (networks) out.push_back({"e_res<i>", "residue-network output buffers"});
  if (transient) {
    out.push_back({"s_sh<i>, c_sh<i>, e_sh<i>",
                   "inter-stage track-and-holds (switch, noiseless hold capacitor, unity buffer)"});
    out.push_back({"v_clk_even, v_clk_odd", "clock phases"});
  }
  return out;
}

std::string designDeck(const adc::Design& design, const DeckOptions& options) {
  return design.singleStage() ? stageDeck(design, options) : pipelineDeck(design, options);
}

}  // namespace nnadc::spice
