#include "nnadc/spice/stage_deck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/spice/models.h"
#include "nnadc/spice/netlist.h"
#include "nnadc/spice/pipeline_deck.h"
#include "writer.h"

namespace nnadc::spice {

namespace {

// Transient: simulator time step requested per hold period (ngspice also caps its step at it).
constexpr double kTranStepsPerPeriod = 20.0;

using detail::Writer;

std::string inverterName(bool scaled) { return scaled ? "nnadc_inv_drv" : "nnadc_inv"; }

std::string stageName(std::size_t index) { return "nnadc_stage" + std::to_string(index); }

double binWidth(const adc::StageShape& shape, int points) {
  return (shape.input_hi_v - shape.input_lo_v) / points;
}

}  // namespace

namespace detail {

DieView dieView(const adc::PipelineConductances* die, std::size_t index, bool network,
                Eigen::Index rows1, Eigen::Index cols1, Eigen::Index rows2, Eigen::Index cols2,
                std::size_t inverters, const adc::InverterSizing* sizing) {
  DieView view;
  if (die == nullptr) return view;
  const std::string what = "die: stage " + std::to_string(index) + (network ? " residue" : "");
  const Eigen::MatrixXd* g1 = nullptr;
  const Eigen::MatrixXd* g2 = nullptr;
  if (network) {
    if (index < die->residue.size()) {
      g1 = &die->residue[index].g1;
      g2 = &die->residue[index].g2;
    }
  } else if (index < die->adc.size()) {
    g1 = &die->adc[index].g1;
    g2 = &die->adc[index].g2;
  }
  if (g1 == nullptr || g1->rows() != rows1 || g1->cols() != cols1 || g2->rows() != rows2 ||
      g2->cols() != cols2) {
    throw InputError("NNADC-NET-013", what + " conductances do not match the design (" +
                                          std::to_string(rows1) + " x " + std::to_string(cols1) +
                                          " and " + std::to_string(rows2) + " x " +
                                          std::to_string(cols2) + " expected)");
  }
  view.g1 = g1;
  view.g2 = g2;
  if (!die->cmos.empty()) {
    if (index >= die->cmos.size() || die->cmos[index].inverters.size() < inverters) {
      throw InputError("NNADC-NET-013", what + " CMOS mismatch lists fewer inverters than its " +
                                            std::to_string(inverters) + " (adc::inverterNames)");
    }
    if (sizing == nullptr || sizing->subckt_devices) {
      throw InputError("NNADC-NET-013", what +
                                            ": CMOS mismatch is written as BSIM4 instance "
                                            "parameters, which need primitive devices (not "
                                            "subckt-devices)");
    }
    view.cmos = &die->cmos[index];
    view.sizing = sizing;
  }
  return view;
}

}  // namespace detail

std::string supplySource(std::size_t stage) { return "vdd_stage" + std::to_string(stage); }
std::string supplyVector(std::size_t stage) { return "i(" + supplySource(stage) + ")"; }
std::string bitVector(int output) { return "v(bit_" + std::to_string(output) + ")"; }
std::string internalVector(std::size_t stage, const std::string& node) {
  return "v(xstage" + std::to_string(stage) + "." + node + ")";
}

std::vector<double> staticInputs(const adc::StageShape& shape, int points) {
  const double step = binWidth(shape, points);
  std::vector<double> x(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i)
    x[static_cast<std::size_t>(i)] = shape.input_lo_v + (i + 0.5) * step;
  return x;
}

TransientPlan transientPlan(const adc::StageShape& shape, const DeckOptions& options) {
  options.validate();
  TransientPlan plan;
  const auto n = static_cast<std::size_t>(options.samples);
  plan.fs_hz = options.fs_hz;
  // Records shorter than 1 / adc::kDefaultSineFraction get one cycle (coherentCycles needs J >= 1).
  const bool short_record = static_cast<double>(n) * adc::kDefaultSineFraction < 1.0;
  plan.cycles = options.cycles != 0 ? static_cast<std::size_t>(options.cycles)
                : short_record      ? 1
                                    : adc::coherentCycles(n, adc::kDefaultSineFraction);
  plan.input_hz = static_cast<double>(plan.cycles) * options.fs_hz / static_cast<double>(n);
  const Eigen::VectorXd x = adc::coherentSine(shape.input_lo_v, shape.input_hi_v, n, plan.cycles);
  const double period = 1.0 / options.fs_hz;
  for (std::size_t i = 0; i < n; ++i) {
    plan.x_v.push_back(x(static_cast<Eigen::Index>(i)));
    plan.read_times_s.push_back(static_cast<double>(i + 1) * period);
  }
  plan.stop_s = static_cast<double>(n) * period;
  return plan;
}

std::string modelSection(const adc::InverterSizing& inverter, Dialect dialect) {
  const ModelSource source = modelSource(inverter);
  source.validate();
  if (dialect != Dialect::kSpectre) return modelCards(source, source.isDefault());
  // Spectre reads SPICE model text inside a `simulator lang=spice` block, and includes a SPICE
  // library section with `include ... section=`.
  if (source.isDefault()) {
    return "simulator lang=spice\n" + modelCards(source, true) + "simulator lang=spectre\n";
  }
  const auto path = std::filesystem::absolute(source.lib_file).string();
  return "include \"" + path + "\"" +
         (source.section.empty() ? std::string() : " section=" + source.section) + "\n";
}

std::string inverterSubckts(const adc::InverterSizing& inverter, Dialect dialect,
                            int driver_multiplier) {
  Writer w(dialect);
  const auto one = [&](bool scaled) {
    const int m = scaled ? driver_multiplier : 1;
    w.subckt(inverterName(scaled), {"in", "out", "vdd", "gnd"});
    w.mosfet("p", "out", "in", "vdd", "vdd", inverter.pmos, inverter.wp_m, inverter.l_m,
             inverter.subckt_devices, m);
    w.mosfet("n", "out", "in", "gnd", "gnd", inverter.nmos, inverter.wn_m, inverter.l_m,
             inverter.subckt_devices, m);
    w.ends(inverterName(scaled));
  };
  w.comment("the inverter the VTC was characterised from");
  one(false);
  if (driver_multiplier != 1) {
    // Parallel copies (m=), not wider devices: narrow-width effects would move the VTC.
    w.comment("layer-2 driver: " + std::to_string(driver_multiplier) +
              " of the same inverter in parallel (same VTC, lower output resistance)");
    one(true);
  }
  return w.text();
}

namespace {

// The stage subcircuit; with `complement_pin` (the buildable deck's fully-differential stage) the
// complement row is pin `inb` instead of the ideal source e_inb, and the subcircuit is named
// nnadc_fdstage<index>.
std::string stageSubcktText(const adc::StageDesign& stage, const rram::LevelSet& levels,
                            std::size_t index, Dialect dialect, bool scaled_drivers,
                            const adc::PipelineConductances* die,
                            const adc::InverterSizing* inverter, int driver_multiplier,
                            bool complement_pin) {
  const auto& shape = stage.shape;
  const int hidden = shape.hidden;
  const int outputs = shape.outputs();
  const std::string name =
      complement_pin ? "nnadc_fdstage" + std::to_string(index) : stageName(index);
  const auto column_error = [&](const std::string& node) {
    return InputError("NNADC-NET-013", "stage " + std::to_string(index) + ": column " + node +
                                           " has no device (all cells at level 0), so the node "
                                           "would float");
  };
  const detail::DieView die_stage =
      detail::dieView(die, index, false, hidden, adc::kInputRows, outputs, shape.outputRows(),
                      adc::InverterLayout{hidden, outputs, 0}.size(), inverter);
  Writer w(dialect);
  w.comment("stage " + std::to_string(index) + ": " + std::to_string(shape.bits) + " bits, " +
            std::to_string(hidden) + " hidden, " + std::to_string(outputs) + " outputs (" +
            adc::codeKindName(shape.code.kind) + " code); cells R = 1/G(level), level 0 = open");
  std::vector<std::string> ports = {"in", "vdd", "gnd"};
  if (complement_pin) ports.insert(ports.begin() + 1, "inb");
  for (int k = 0; k < outputs; ++k) ports.push_back("out_" + std::to_string(k));
  w.subckt(name, ports);
  if (!complement_pin) {
    w.comment("ideal complement row VDD - x, as the model assumes (a real design needs a buffer)");
    w.vcvs("e_inb", "inb", "gnd", "vdd", "in", 1.0);
  }

  w.comment("layer 1: divider columns u_j over rows [in, inb, vdd, gnd]");
  const std::string rows1[adc::kInputRows] = {"in", "inb", "vdd", "gnd"};
  for (int j = 0; j < hidden; ++j) {
    const std::string u = "u_" + std::to_string(j);
    bool any = false;
    for (int i = 0; i < adc::kInputRows; ++i) {
      const int level = stage.cells.hidden(j, i);
      const double g = die_stage.cell1(j, i, level, levels);
      if (g <= 0.0) continue;
      any = true;
      w.resistor("r_u" + std::to_string(j) + "_" + rows1[i], u, rows1[i], 1.0 / g);
    }
    if (!any) throw column_error(u);
  }
  w.comment("hidden inverters h_j = f(u_j) and complements hb_j = f(h_j)");
  const std::string driver = inverterName(scaled_drivers);
  const adc::InverterLayout layout{hidden, outputs, 0};
  const int driver_m = scaled_drivers ? driver_multiplier : 1;
  for (int j = 0; j < hidden; ++j) {
    const std::string s = std::to_string(j);
    detail::inverter(w, "h" + s, "u_" + s, "h_" + s, driver, die_stage.inverter(layout.h(j)),
                     die_stage.sizing, driver_m);
    detail::inverter(w, "hb" + s, "h_" + s, "hb_" + s, driver, die_stage.inverter(layout.hb(j)),
                     die_stage.sizing, driver_m);
  }

  w.comment("layer 2: divider columns o_k over rows [h_j, hb_j, vdd, gnd]");
  for (int k = 0; k < outputs; ++k) {
    const std::string o = "o_" + std::to_string(k);
    bool any = false;
    for (int m = 0; m < shape.outputRows(); ++m) {
      const int level = stage.cells.output(k, m);
      const double g = die_stage.cell2(k, m, level, levels);
      if (g <= 0.0) continue;
      any = true;
      std::string row;
      if (m < hidden) {
        row = "h_" + std::to_string(m);
      } else if (m < 2 * hidden) {
        row = "hb_" + std::to_string(m - hidden);
      } else {
        row = m == 2 * hidden ? "vdd" : "gnd";
      }
      std::string label = row;
      std::erase(label, '_');
      w.resistor("r_o" + std::to_string(k) + "_" + label, o, row, 1.0 / g);
    }
    if (!any) throw column_error(o);
  }
  w.comment("output inverters: bit k = 1 when o_k is below the threshold (out_k high)");
  for (int k = 0; k < outputs; ++k) {
    const std::string s = std::to_string(k);
    detail::inverter(w, "o" + s, "o_" + s, "out_" + s, inverterName(false),
                     die_stage.inverter(layout.out(k)), die_stage.sizing, 1);
  }
  w.ends(name);
  return w.text();
}

}  // namespace

std::string stageSubckt(const adc::StageDesign& stage, const rram::LevelSet& levels,
                        std::size_t index, Dialect dialect, bool scaled_drivers,
                        const adc::PipelineConductances* die, const adc::InverterSizing* inverter,
                        int driver_multiplier) {
  return stageSubcktText(stage, levels, index, dialect, scaled_drivers, die, inverter,
                         driver_multiplier, false);
}

namespace detail {

std::string fdStageSubckt(const adc::StageDesign& stage, const rram::LevelSet& levels,
                          std::size_t index, Dialect dialect) {
  return stageSubcktText(stage, levels, index, dialect, false, nullptr, nullptr, 1, true);
}

}  // namespace detail

std::string stageDeck(const adc::Design& design, const DeckOptions& options) {
  options.validate();
  if (!design.singleStage()) {
    throw InputError("NNADC-NET-013",
                     "design kind 'pipeline' cannot be emitted as a single stage "
                     "(kind 'stage' only; pipelines come with the pipeline "
                     "emitter)");
  }
  if (options.stage >= design.pipeline.stages.size()) {
    throw InputError("NNADC-NET-013",
                     "field 'stage' = " + std::to_string(options.stage) + ": the design has " +
                         std::to_string(design.pipeline.stages.size()) + " stage(s)");
  }
  const std::size_t index = options.stage;
  const adc::StageDesign& stage = design.stage(index);
  const adc::StageShape& shape = stage.shape;
  const int outputs = shape.outputs();
  const Dialect dialect = options.dialect;
  const bool scaled = options.driver_multiplier != 1;
  const rram::LevelSet levels(design.rram);

  Writer w(dialect);
  const std::string title = "nnadc " + benchName(options.bench) + " bench of a " +
                            std::to_string(shape.bits) + "-bit NN sub-ADC stage (" +
                            dialectName(dialect) + ")";
  if (dialect == Dialect::kSpectre) {
    w.comment(title);
    w.line("simulator lang=spectre");
    w.line("global 0");
  } else {
    w.line("* " + title);
  }
  w.runHint();
  w.comment("VDD = " + spiceNumber(shape.vdd_v) + " V, input window [" +
            spiceNumber(shape.input_lo_v) + ", " + spiceNumber(shape.input_hi_v) + "] V");
  w.comment("ideal elements (behavioural: no supply current, no noise):");
  for (const IdealElement& e : idealElements(design, options.bench)) {
    w.comment("  " + e.instances + ": " + e.what);
  }
  w.raw(modelSection(design.inverter, dialect));
  w.raw(inverterSubckts(design.inverter, dialect, options.driver_multiplier));
  w.raw(stageSubckt(stage, levels, index, dialect, scaled, options.die, &design.inverter,
                    options.driver_multiplier));

  w.comment("bench: supply (power = |i(" + supplySource(index) + ")| x VDD) and input");
  w.dcSource(supplySource(index), "vdd", "0", shape.vdd_v);
  std::vector<std::string> nodes = {"in", "vdd", "0"};
  for (int k = 0; k < outputs; ++k) nodes.push_back("bit_" + std::to_string(k));

  // What each bench records.
  std::vector<std::string> saved_nodes = {"in"};
  for (int k = 0; k < outputs; ++k) saved_nodes.push_back("bit_" + std::to_string(k));
  const std::string stage_instance = "xstage" + std::to_string(index);
  if (options.bench == Bench::kStage) {
    for (const char* prefix : {"u_", "h_", "hb_"}) {
      for (int j = 0; j < shape.hidden; ++j) {
        saved_nodes.push_back(stage_instance + "." + prefix + std::to_string(j));
      }
    }
    for (int k = 0; k < outputs; ++k) {
      saved_nodes.push_back(stage_instance + "." + "o_" + std::to_string(k));
    }
  }

  std::string analysis;  // "dc" or "tran", for .print
  if (options.bench == Bench::kTransient) {
    const TransientPlan plan = transientPlan(shape, options);
    const double period = 1.0 / options.fs_hz;
    const double edge = options.edge_fraction * period;
    w.comment("ideal sample-and-hold as a PWL staircase: sample n (coherent sine, J = " +
              std::to_string(plan.cycles) + " cycles in " + std::to_string(plan.x_v.size()) +
              ") held from n T + " + spiceNumber(edge) + " s to (n + 1) T, T = 1 / fs = " +
              spiceNumber(period) + " s; read outputs at (n + 1) T");
    std::vector<std::pair<double, double>> pwl = {{0.0, plan.x_v.front()}};
    for (std::size_t n = 1; n < plan.x_v.size(); ++n) {
      const double t = static_cast<double>(n) * period;
      pwl.emplace_back(t, plan.x_v[n - 1]);
      pwl.emplace_back(t + edge, plan.x_v[n]);
    }
    pwl.emplace_back(plan.stop_s, plan.x_v.back());
    w.pwlSource(kInputSource, "in", "0", pwl);
    w.instance("stage" + std::to_string(index), nodes, stageName(index));
    const double tstep = period / kTranStepsPerPeriod;
    if (dialect == Dialect::kSpectre) {
      w.line("tran_sh tran stop=" + spiceNumber(plan.stop_s) + " maxstep=" + spiceNumber(tstep));
    } else {
      w.line(".tran " + spiceNumber(tstep) + " " + spiceNumber(plan.stop_s));
    }
    analysis = "tran";
  } else {
    const bool stage_bench = options.bench == Bench::kStage;
    const double step = binWidth(shape, options.points);
    double start = shape.input_lo_v;
    int count = options.points + 1;
    if (!stage_bench) {
      const int n =
          options.point_count == 0 ? options.points - options.first_point : options.point_count;
      start = shape.input_lo_v + (options.first_point + 0.5) * step;
      count = n;
      w.comment("static: " + std::to_string(n) + " bin centres x_i = lo + (i + 1/2) (hi - lo) / " +
                std::to_string(options.points) + ", i = " + std::to_string(options.first_point) +
                ".." + std::to_string(options.first_point + n - 1));
    } else {
      w.comment("stage transfer: " + std::to_string(options.points) + " steps from lo to hi");
    }
    const double last = start + (count - 1) * step;
    w.dcSource(kInputSource, "in", "0", start);
    w.instance("stage" + std::to_string(index), nodes, stageName(index));
    if (dialect == Dialect::kSpectre) {
      w.line("sweep_in dc dev=" + std::string(kInputSource) + " param=dc " +
             (count == 1 ? "values=[" + spiceNumber(start) + "]"
                         : "start=" + spiceNumber(start) + " stop=" + spiceNumber(last) +
                               " lin=" + std::to_string(count - 1)));
    } else {
      // Half a step past the last point so rounding never drops it.
      w.line(".dc " + std::string(kInputSource) + " " + spiceNumber(start) + " " +
             spiceNumber(last + 0.5 * step) + " " + spiceNumber(step));
    }
    analysis = "dc";
  }

  std::vector<std::string> saved;
  switch (dialect) {
    case Dialect::kNgspice:
      for (const auto& n : saved_nodes) saved.push_back("v(" + n + ")");
      saved.push_back(supplyVector(index));
      w.wrapped(".save", saved, "");
      // Ignored by the shared library (nnadc reads the vectors); `ngspice -b` prints them.
      w.wrapped(".print " + analysis, saved, "");
      break;
    case Dialect::kXyce:
      // Xyce writes only what .print lists; it names subcircuit nodes with ':'.
      for (auto n : saved_nodes) {
        std::replace(n.begin(), n.end(), '.', ':');
        saved.push_back("v(" + n + ")");
      }
      saved.push_back(supplyVector(index));
      w.wrapped(".print " + analysis + " format=raw", saved, "");
      break;
    case Dialect::kSpectre:
      saved = saved_nodes;
      saved.push_back(supplySource(index) + ":p");
      w.wrapped("save", saved, "");
      break;
  }
  if (dialect != Dialect::kSpectre) w.line(".end");
  return w.text();
}

ModelSource modelSource(const adc::InverterSizing& inverter) {
  ModelSource source;
  source.lib_file = inverter.model_lib;
  source.section = inverter.lib_section;
  source.nmos = inverter.nmos;
  source.pmos = inverter.pmos;
  return source;
}

}  // namespace nnadc::spice
