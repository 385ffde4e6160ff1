// The paper's RRAM/inverter residue network as the pipeline emitter writes it, simulated in
// ngspice: every divider node obeys Kirchhoff's current law with the design's conductances, the
// bit rows sit at the rails, the next stage reads the network's node, and the residue is the
// behavioural model's up to the inverters' loading, which the model leaves out.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "../test_paths.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/rng.h"
#include "nnadc/io/design_json.h"
#include "nnadc/nn/drive.h"
#include "nnadc/rram/levels.h"
#include "nnadc/sim/ngspice.h"
#include "nnadc/spice/pipeline_deck.h"

namespace {

constexpr int kHidden = 6;
constexpr int kPoints = 48;

// The shipped 14-bit design with stage 0's residue replaced by a network of random cells, and the
// first three stages only.
nnadc::adc::Design networkDesign() {
  auto design = nnadc::io::loadDesign(nnadc::test::adc14());
  design.pipeline.stages.resize(3);
  auto& stage = design.pipeline.stages[0];
  const int rows = 4 + 2 * stage.adc.shape.outputs();
  nnadc::Rng rng(7);
  const auto level = [&] { return static_cast<int>(rng.uniform(0.0, 8.0)) % 8; };
  stage.residue = nnadc::adc::ResidueStyle::kNetwork;
  stage.network.hidden = kHidden;
  stage.network.hidden_cells = Eigen::MatrixXi::NullaryExpr(kHidden, rows, level);
  // Every output cell programmed, so that every hidden unit, row and buffer is in the deck.
  stage.network.output_cells =
      Eigen::MatrixXi::NullaryExpr(1, 2 * kHidden + rows, [&] { return 1 + level() % 7; });
  for (int j = 0; j < kHidden; ++j) stage.network.hidden_cells(j, rows - 1) = 1 + j % 7;
  return design;
}

// The deck without its .save/.print cards, so that ngspice keeps every internal node.
std::string saveAll(const std::string& deck) {
  std::istringstream in(deck);
  std::string out;
  std::string line;
  bool skipping = false;
  while (std::getline(in, line)) {
    if (line.rfind(".save", 0) == 0 || line.rfind(".print", 0) == 0) {
      skipping = true;
      continue;
    }
    if (skipping && line.rfind("+", 0) == 0) continue;
    skipping = false;
    out += line + "\n";
  }
  return out;
}

// One simulator for the executable: ngspice allows one instance per process.
nnadc::sim::NgspiceSimulator& simulator() {
  static nnadc::sim::NgspiceSimulator sim;
  return sim;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("ResidueNetworkInNgspiceObeysKclWithTheDesignsCellsAndTheInvertersDriveTable") {
    const auto design = networkDesign();
    const auto& stage = design.pipeline.stages[0];
    const int outputs = stage.adc.shape.outputs();
    const int rows = 4 + 2 * outputs;
    const nnadc::rram::LevelSet levels(design.rram);
    const nnadc::nn::DriveTable drive(design.vtc.drive);
    nnadc::spice::DeckOptions options;
    options.points = kPoints;
    const std::string deck = nnadc::spice::pipelineDeck(design, options);
    CHECK(deck.find(".subckt nnadc_res0") != std::string::npos);
    CHECK(deck.find("*   e_res<i>: residue-network output buffers") != std::string::npos);

    nnadc::sim::RunRequest request;
    request.deck = saveAll(deck);
    const auto result = simulator().run(request);
    const auto vec = [&](const std::string& name) -> const std::vector<double>& {
      const auto* v = result.find(name);
      REQUIRE_MESSAGE(v != nullptr, name);
      REQUIRE(v->real.size() == static_cast<std::size_t>(kPoints));
      return v->real;
    };
    const auto node = [](const std::string& name) { return "v(xres0." + name + ")"; };
    std::vector<std::string> row_names = {"v(vs0)", node("inb")};
    for (int k = 0; k < outputs; ++k) row_names.push_back(node("bit_" + std::to_string(k)));
    for (int k = 0; k < outputs; ++k) row_names.push_back(node("bitb_" + std::to_string(k)));
    const double vdd = design.vdd_v;
    const auto g_out = [&](int m) {
      return levels.conductance(stage.network.output_cells(0, static_cast<Eigen::Index>(m)));
    };
    double kcl_worst = 0.0;
    double rail_worst = 0.0;
    double buffer_worst = 0.0;
    double drive_worst = 0.0;
    std::vector<bool> logic_points(kPoints, true);
    for (int p = 0; p < kPoints; ++p) {
      const auto at = [&](const std::string& name) {
        return vec(name)[static_cast<std::size_t>(p)];
      };
      std::vector<double> row_v;
      for (const auto& r : row_names) row_v.push_back(at(r));
      row_v.push_back(vdd);
      row_v.push_back(0.0);
      // The complement row is VDD - x. The bit rows, where the sub-ADC's output is a logic level
      // (within VDD/4 of a rail; a DC bench has no regenerative latch, so an output inverter near
      // its threshold gives an analog level, which the buffers pass on), sit within 20 mV of the
      // rail the decision names.
      CHECK(std::abs(row_v[1] - (vdd - row_v[0])) < 1e-9);
      for (int k = 0; k < outputs; ++k) {
        const double out = at(nnadc::spice::pipelineBitVector(0, k));
        if (std::abs(out - 0.5 * vdd) < 0.25 * vdd) {
          logic_points[static_cast<std::size_t>(p)] = false;
          continue;
        }
        const bool bit = out > 0.5 * vdd;
        const double b = row_v[static_cast<std::size_t>(2 + k)];
        const double bb = row_v[static_cast<std::size_t>(2 + outputs + k)];
        rail_worst = std::max(
            {rail_worst, std::abs(b - (bit ? vdd : 0.0)), std::abs(bb - (bit ? 0.0 : vdd))});
      }
      // Layer 1: u_j = sum G V / sum G over the rows the design programs (an independent sum with
      // the level set's conductances, not the emitter's resistor values).
      for (int j = 0; j < kHidden; ++j) {
        double num = 0.0;
        double den = 0.0;
        for (int r = 0; r < rows; ++r) {
          const double g = levels.conductance(stage.network.hidden_cells(j, r));
          num += g * row_v[static_cast<std::size_t>(r)];
          den += g;
        }
        kcl_worst = std::max(kcl_worst, std::abs(at(node("u_" + std::to_string(j))) - num / den));
      }
      // Output column over [h_j, hb_j, rows].
      std::vector<double> a;
      for (const char* prefix : {"h_", "hb_"}) {
        for (int j = 0; j < kHidden; ++j) a.push_back(at(node(prefix + std::to_string(j))));
      }
      a.insert(a.end(), row_v.begin(), row_v.end());
      double num = 0.0;
      double den = 0.0;
      for (std::size_t m = 0; m < a.size(); ++m) {
        num += g_out(static_cast<int>(m)) * a[m];
        den += g_out(static_cast<int>(m));
      }
      const double res = at("v(rnet0)");  // the subcircuit's port res
      kcl_worst = std::max(kcl_worst, std::abs(res - num / den));
      buffer_worst = std::max(buffer_worst, std::abs(at("v(vs1)") - res));
      // The inverters are loaded by their output cell: h_j is where the characterised drive
      // table's current I(u_j, h_j) equals G (h_j - res) (the table, not the VTC: a minimum
      // inverter near its threshold is a ~MOhm source).
      for (int j = 0; j < kHidden; ++j) {
        const std::string t = std::to_string(j);
        const double g_h = g_out(j);
        const double g_hb = g_out(kHidden + j);
        const double h = at(node("h_" + t));
        const double h_expected = drive.solve(at(node("u_" + t)), g_h, g_h * res).vout;
        const double hb_expected = drive.solve(h, g_hb, g_hb * res).vout;
        drive_worst = std::max(
            {drive_worst, std::abs(h - h_expected), std::abs(at(node("hb_" + t)) - hb_expected)});
      }
    }
    // ngspice's node tolerance (vntol 1 uV) and reltol 1e-3 of the currents bound the KCL error.
    CHECK(kcl_worst < 1e-5);
    CHECK(rail_worst < 0.02);
    CHECK(buffer_worst < 1e-9);
    // The drive table is bilinear on a 5 mV x 20 mV grid (measured 1.1 mV here).
    CHECK(drive_worst < 0.01);

    // Against the behavioural model, where the sub-ADC's outputs are logic levels and its decision
    // is the model's: the residue model leaves the inverters' load out (residue.h), so the two
    // differ by about what that load moves h_j and hb_j.
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    Eigen::VectorXd x(kPoints);
    for (int p = 0; p < kPoints; ++p) x(p) = vec("v(vs0)")[static_cast<std::size_t>(p)];
    nnadc::adc::PipelineTrace trace;
    model.trace(model.nominal(), x, trace);
    double worst = 0.0;
    int compared = 0;
    for (int p = 0; p < kPoints; ++p) {
      // The deck's decoder b_d0 writes the decision as a voltage.
      const auto decision = std::lround(vec("v(d0)")[static_cast<std::size_t>(p)]);
      if (!logic_points[static_cast<std::size_t>(p)] || decision != trace.decisions(p, 0)) continue;
      ++compared;
      worst = std::max(worst,
                       std::abs(vec("v(vs1)")[static_cast<std::size_t>(p)] - trace.inputs(p, 1)));
    }
    std::printf(
        "residue network in ngspice: KCL %.2g V, loaded inverters vs drive table %.1f mV, "
        "logic-level bit rows within %.1f mV of the rails; residue vs the (unloaded) model max "
        "%.1f mV over %d of %d points\n",
        kcl_worst, 1e3 * drive_worst, 1e3 * rail_worst, 1e3 * worst, compared, kPoints);
    CHECK(compared >= kPoints * 3 / 4);
    CHECK(worst < 0.15);
  }

  TEST_CASE("AmplifierResidueWithDacErrorsInNgspiceIsTheModels") {
    // An MDAC's per-level DAC errors and gain error in the emitted behavioural residue: given
    // SPICE's decisions, V(vs1) is the model's residue (a behavioural source is solved exactly).
    auto design = nnadc::io::loadDesign(nnadc::test::adc14());
    design.pipeline.stages.resize(3);
    auto& a = design.pipeline.stages[0].amplifier;
    a.gain_error = -0.004;
    a.dac_error_v = {3e-4, -2e-4, 1e-4, 0.0, -5e-4, 2.5e-4, -1e-4, 4e-4};
    nnadc::spice::DeckOptions options;
    options.points = kPoints;
    nnadc::sim::RunRequest request;
    request.deck = nnadc::spice::pipelineDeck(design, options);
    const auto result = simulator().run(request);
    const auto& shape = design.pipeline.stages[0].adc.shape;
    const auto& next = design.pipeline.stages[1].adc.shape;
    const double step = (shape.input_hi_v - shape.input_lo_v) / (1 << shape.bits);
    double worst = 0.0;
    double moved = 0.0;
    for (int p = 0; p < kPoints; ++p) {
      const auto at = [&](const char* name) {
        return result.find(name)->real[static_cast<std::size_t>(p)];
      };
      const int d = static_cast<int>(std::lround(at("v(d0)")));
      const double e = at("v(vs0)") - (shape.input_lo_v + (d + 0.5) * step);
      const double r = 0.5 * (next.input_lo_v + next.input_hi_v) +
                       design.pipeline.stages[0].gain * a.transfer(e, d);
      worst = std::max(worst, std::abs(std::clamp(r, 0.0, design.vdd_v) - at("v(vs1)")));
      moved = std::max(moved, std::abs(a.dac_error_v[static_cast<std::size_t>(d)]));
    }
    CHECK(worst < 1e-9);
    CHECK(moved > 1e-4);  // the record visits levels whose error is not zero
  }
}
