// CMOS mismatch of a die (adc/mismatch.h): the Pelgrom draw against its formula, its fixed order
// and layout, and how the behavioural model applies it (inverter threshold shifts).
#include "nnadc/adc/mismatch.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/adc/pipeline.h"

namespace {

nnadc::Vtc tanhVtc() {
  std::vector<double> vin;
  std::vector<double> vout;
  for (int i = 0; i <= 1200; ++i) {
    const double v = 1.2 * i / 1200.0;
    vin.push_back(v);
    vout.push_back(0.6 * (1 - std::tanh(15.0 * (v - 0.6))));
  }
  return nnadc::analyzeVtc(vin, vout, 1.2);
}

// Two 2-bit stages (3 hidden, 2 outputs), stage 0 with a 2-unit residue network.
nnadc::adc::Design tinyNetworkPipeline() {
  nnadc::adc::StageDesign s;
  s.shape.bits = 2;
  s.shape.hidden = 3;
  s.shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kBinary, 2);
  s.cells.hidden.resize(3, 4);
  s.cells.hidden << 7, 0, 3, 4,  //
      0, 7, 5, 2,                //
      4, 4, 0, 1;
  s.cells.output.resize(2, 8);
  s.cells.output << 7, 0, 3, 0, 5, 0, 1, 2,  //
      0, 6, 0, 2, 0, 7, 3, 0;
  nnadc::adc::Design d;
  d.vtc = tanhVtc();
  d.pipeline.bits = 3;
  d.pipeline.redundancy = 1;
  nnadc::adc::PipelineStage first;
  first.adc = s;
  first.gain = 2.0;
  first.residue = nnadc::adc::ResidueStyle::kNetwork;
  first.network.hidden = 2;
  first.network.hidden_cells.resize(2, 8);
  first.network.hidden_cells << 7, 0, 3, 0, 2, 0, 1, 1,  //
      0, 5, 0, 4, 0, 6, 2, 0;
  first.network.output_cells.resize(1, 12);
  first.network.output_cells << 7, 0, 0, 3, 5, 0, 0, 0, 0, 0, 1, 2;
  nnadc::adc::PipelineStage last;
  last.adc = s;
  d.pipeline.stages = {first, last};
  return d;
}

// models/cmos130.mismatch.json in SI units.
nnadc::adc::MismatchCoefficients card() {
  nnadc::adc::MismatchCoefficients c;
  c.nmos = {3.5e-9, 1e-8};
  c.pmos = {4.0e-9, 1e-8};
  return c;
}

// A long-channel square-law inverter (VDD 1.2 V, VT_n 0.30 V, |VT_p| 0.25 V, k = 100 uA/V^2 each)
// with its drive table I = I_p - I_n (current into the output node): the NMOS is off below
// 0.30 V, the PMOS above 0.95 V.
constexpr double kVtn = 0.30;
constexpr double kVtp = 0.25;
double squareLaw(double vov, double vds) {
  constexpr double kK = 1e-4;
  if (vov <= 0.0) return 0.0;
  return vds >= vov ? 0.5 * kK * vov * vov : kK * (vov * vds - 0.5 * vds * vds);
}
nnadc::Vtc squareLawVtc() {
  nnadc::InverterDrive drive;
  for (int i = 0; i <= 240; ++i) drive.vin_v.push_back(0.005 * i);
  for (int i = 0; i <= 240; ++i) drive.vout_v.push_back(0.005 * i);
  for (const double vi : drive.vin_v) {
    for (const double vo : drive.vout_v) {
      drive.current_a.push_back(squareLaw(1.2 - vi - kVtp, 1.2 - vo) - squareLaw(vi - kVtn, vo));
    }
  }
  // The unloaded curve: I(vin, vout) = 0, by bisection on vout.
  std::vector<double> vin;
  std::vector<double> vout;
  for (const double vi : drive.vin_v) {
    double a = 0.0;
    double b = 1.2;
    for (int it = 0; it < 60; ++it) {
      const double m = 0.5 * (a + b);
      (squareLaw(1.2 - vi - kVtp, 1.2 - m) - squareLaw(vi - kVtn, m) > 0.0 ? a : b) = m;
    }
    vin.push_back(vi);
    vout.push_back(0.5 * (a + b));
  }
  nnadc::Vtc vtc = nnadc::analyzeVtc(vin, vout, 1.2);
  vtc.drive = drive;
  return vtc;
}

double rms(const std::vector<double>& v) {
  double s = 0.0;
  for (const double x : v) s += x * x;
  return std::sqrt(s / static_cast<double>(v.size()));
}

}  // namespace

TEST_SUITE("adc") {
  TEST_CASE("InvertersAreNamedAndLaidOutInDrawOrder") {
    const auto design = tinyNetworkPipeline();
    const auto names0 = nnadc::adc::inverterNames(design, 0);
    const std::vector<std::string> expected0 = {
        "h0",      "hb0",     "h1",      "hb1",     "h2",     "hb2",     "o0",     "o1",
        "res.bn0", "res.bp0", "res.bn1", "res.bp1", "res.h0", "res.hb0", "res.h1", "res.hb1"};
    CHECK(names0 == expected0);
    // The last stage is a flash: no residue network.
    CHECK(nnadc::adc::inverterNames(design, 1).size() == 8);
  }

  TEST_CASE("DrawnMismatchFollowsPelgrom") {
    // sigma = A / sqrt(W L): NMOS 0.3 x 0.13 um, PMOS 0.6 x 0.13 um; bit buffers 32 in parallel.
    const auto design = tinyNetworkPipeline();
    const double wl_n = 0.3 * 0.13;  // um^2
    const double wl_p = 0.6 * 0.13;
    const double svt_n = 3.5e-3 / std::sqrt(wl_n);  // V
    const double svt_p = 4.0e-3 / std::sqrt(wl_p);
    const double sb_n = 0.01 / std::sqrt(wl_n);
    const double sb_p = 0.01 / std::sqrt(wl_p);
    std::vector<double> vt_n, vt_p, b_n, b_p, vt_buffer;
    const nnadc::adc::InverterLayout layout = nnadc::adc::inverterLayout(design, 0);
    nnadc::adc::PipelineConductances die;
    for (std::uint64_t seed = 0; seed < 2000; ++seed) {
      nnadc::Rng rng(1000 + seed);  // one die per seed, as Monte-Carlo draws them
      nnadc::adc::drawCmosMismatch(design, card(), 1.0, rng, die);
      for (const auto& stage : die.cmos) {
        for (std::size_t k = 0; k < stage.inverters.size(); ++k) {
          const auto& inv = stage.inverters[k];
          const bool buffer =
              &stage == &die.cmos[0] && k >= layout.bufferN(0) && k < layout.networkH(0);
          if (buffer) {
            vt_buffer.push_back(inv.n.dvt_v);
            continue;
          }
          vt_n.push_back(inv.n.dvt_v);
          vt_p.push_back(inv.p.dvt_v);
          b_n.push_back(inv.n.beta_factor - 1.0);
          b_p.push_back(inv.p.beta_factor - 1.0);
        }
      }
    }
    // 2000 dies x 20 unit inverters = 40000 draws: the rms of N normals has a relative standard
    // error 1 / sqrt(2N) = 0.35 %, so 2 % is > 5 standard errors; buffers: 8000 draws, 0.8 %.
    CHECK(rms(vt_n) == doctest::Approx(svt_n).epsilon(0.02));
    CHECK(rms(vt_p) == doctest::Approx(svt_p).epsilon(0.02));
    CHECK(rms(b_n) == doctest::Approx(sb_n).epsilon(0.02));
    CHECK(rms(b_p) == doctest::Approx(sb_p).epsilon(0.02));
    CHECK(rms(vt_buffer) == doctest::Approx(svt_n / std::sqrt(32.0)).epsilon(0.04));
    CHECK(svt_n == doctest::Approx(0.01772).epsilon(1e-3));  // models/README.md: ~18 mV
  }

  TEST_CASE("TheDrawConsumesFourNormalsPerInverterWhateverTheCoefficients") {
    const auto design = tinyNetworkPipeline();
    nnadc::adc::PipelineConductances die;
    nnadc::Rng a(5);
    nnadc::Rng b(5);
    nnadc::adc::drawCmosMismatch(design, card(), 1.0, a, die);
    nnadc::adc::drawCmosMismatch(design, {}, 1.0, b, die);
    // 16 + 8 inverters, 4 normals each: both generators are at the same point afterwards.
    CHECK(a.normal() == b.normal());
    for (const auto& stage : die.cmos) {
      for (const auto& inv : stage.inverters) {
        CHECK(inv.n.dvt_v == 0.0);
        CHECK(inv.p.beta_factor == 1.0);
      }
    }
    // The same seed draws the same die; scale multiplies every sigma.
    nnadc::adc::PipelineConductances d1;
    nnadc::adc::PipelineConductances d2;
    nnadc::Rng r1(9);
    nnadc::Rng r2(9);
    nnadc::adc::drawCmosMismatch(design, card(), 1.0, r1, d1);
    nnadc::adc::drawCmosMismatch(design, card(), 2.0, r2, d2);
    CHECK(d2.cmos[1].inverters[3].p.dvt_v ==
          doctest::Approx(2.0 * d1.cmos[1].inverters[3].p.dvt_v));
  }

  TEST_CASE("ThresholdShiftIsTheLinearSensitivityModel") {
    nnadc::adc::InverterMismatch m;
    m.n.dvt_v = 0.010;
    const nnadc::adc::ThresholdSensitivity s;
    CHECK(nnadc::adc::thresholdShift(m, s) == doctest::Approx(0.010 * s.dvm_dvtn));
    m.p.beta_factor = 1.1;
    CHECK(nnadc::adc::thresholdShift(m, s) ==
          doctest::Approx(0.010 * s.dvm_dvtn + 0.1 * s.dvm_dbetap_v));
  }

  TEST_CASE("ADieWithoutMismatchConvertsExactlyAsTheNominalDesign") {
    const auto design = tinyNetworkPipeline();
    const nnadc::adc::PipelineModel model(design.pipeline, design);
    const auto nominal = model.nominal();
    nnadc::adc::PipelineConductances zero = nominal;
    nnadc::Rng rng(3);
    nnadc::adc::drawCmosMismatch(design, {}, 1.0, rng, zero);  // all shifts exactly 0
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(4001, 0.0, 1.2);
    CHECK(model.convert(zero, x) == model.convert(nominal, x));
  }

  TEST_CASE("AnOutputInvertersShiftMovesItsBitsDecisionByTheShift") {
    // Stage 1 (a flash) alone: bit k = 1 when o_k < threshold + dV_M(o_k). A +20 mV shift of o_0
    // flips bit 0 exactly for the inputs whose o_0 lies in [threshold, threshold + 20 mV).
    const auto design = tinyNetworkPipeline();
    const nnadc::adc::StageModel stage = nnadc::adc::stageModel(design, 1);
    const nnadc::adc::StageConductances g = stage.conductances(design.stage(1).cells);
    nnadc::adc::StageConductances shifted = g;
    shifted.shift_h = Eigen::VectorXd::Zero(3);
    shifted.shift_hb = Eigen::VectorXd::Zero(3);
    shifted.shift_o = Eigen::Vector2d(0.020, 0.0);
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(2001, 0.0, 1.2);
    nnadc::adc::StageForward f;
    stage.forward(g, x, f);
    const auto w0 = stage.words(g, x);
    const auto w1 = stage.words(shifted, x);
    int flipped = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double o = f.o(i, 0);
      const bool in_band = o >= stage.threshold() && o < stage.threshold() + 0.020;
      CHECK(((w0[static_cast<std::size_t>(i)] ^ w1[static_cast<std::size_t>(i)]) == 1U) == in_band);
      flipped += in_band ? 1 : 0;
    }
    CHECK(flipped > 0);
  }

  TEST_CASE("AHiddenInvertersShiftIsAShiftOfItsInput") {
    // h_j = f(u_j - dV_M): the shifted model's h equals the nominal curve at u - dV_M.
    const auto design = tinyNetworkPipeline();
    const nnadc::adc::StageModel stage = nnadc::adc::stageModel(design, 0);
    nnadc::adc::StageConductances g = stage.conductances(design.stage(0).cells);
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(301, 0.0, 1.2);
    nnadc::adc::StageForward nominal;
    stage.forward(g, x, nominal);
    g.shift_h = Eigen::Vector3d(0.015, -0.01, 0.0);
    g.shift_hb = Eigen::Vector3d(0.0, 0.0, 0.02);
    g.shift_o = Eigen::Vector2d::Zero();
    nnadc::adc::StageForward f;
    stage.forward(g, x, f);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      for (int j = 0; j < 3; ++j) {
        CHECK(f.h(i, j) == doctest::Approx(stage.vtc().value(nominal.u(i, j) - g.shift_h(j))));
        CHECK(f.hb(i, j) == doctest::Approx(stage.vtc().value(f.h(i, j) - g.shift_hb(j))));
      }
    }
  }

  TEST_CASE("ALoadedInvertersThresholdShiftFollowsTheDeviceThatConducts") {
    // A die's NMOS threshold shift cannot move an inverter whose NMOS is off, and moves one whose
    // PMOS is off by the whole dVT_n (only the NMOS conducts: I_die(vin) = I(vin - dVT_n)).
    auto design = tinyNetworkPipeline();
    design.vtc = squareLawVtc();
    const nnadc::adc::StageModel stage = nnadc::adc::stageModel(design, 0);
    REQUIRE(stage.loaded());
    const nnadc::adc::StageConductances g = stage.conductances(design.stage(0).cells);
    constexpr double kDvtn = 0.02;
    // dV_M/dVT_n of the square law at the switching point: ov_p / (ov_n + ov_p).
    const double vm = design.vtc.threshold_v;
    const double share = (1.2 - vm - kVtp) / ((vm - kVtn) + (1.2 - vm - kVtp));
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(241, 0.0, 1.2);
    nnadc::adc::StageForward nominal;
    stage.forward(g, x, nominal);
    int off_n = 0;
    int off_p = 0;
    for (int j = 0; j < 3; ++j) {  // one inverter shifted at a time: nothing else moves o
      nnadc::adc::StageConductances n_only = g;  // dVT_n on inverter h_j alone
      n_only.shift_h = Eigen::VectorXd::Zero(3);
      n_only.shift_h(j) = share * kDvtn;
      n_only.shift_h_n = n_only.shift_h;
      n_only.shift_h_p = Eigen::VectorXd::Zero(3);
      nnadc::adc::StageConductances uniform = g;  // the whole dVT_n as a plain input shift
      uniform.shift_h = Eigen::VectorXd::Zero(3);
      uniform.shift_h(j) = kDvtn;
      nnadc::adc::StageForward shifted;
      nnadc::adc::StageForward whole;
      stage.forward(n_only, x, shifted);
      stage.forward(uniform, x, whole);
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        const double u = nominal.u(i, j);
        // 1e-6: the operating-point solver stops at 1e-8 V.
        if (u + kDvtn < kVtn - 0.01) {
          ++off_n;
          CHECK(shifted.h(i, j) == doctest::Approx(nominal.h(i, j)).epsilon(1e-6));
          CHECK(whole.h(i, j) != doctest::Approx(nominal.h(i, j)).epsilon(1e-4));
        } else if (u > 1.2 - kVtp + 0.01) {
          const double change = whole.h(i, j) - nominal.h(i, j);
          if (std::abs(change) < 1e-3) continue;
          ++off_p;
          // 2 %: the model takes the NMOS share at V_M from the drive table's finite
          // differences (5 mV grid), not from the square law.
          CHECK((shifted.h(i, j) - nominal.h(i, j)) / change == doctest::Approx(1.0).epsilon(0.02));
        }
      }
    }
    CHECK(off_n > 0);
    CHECK(off_p > 0);
  }
}
