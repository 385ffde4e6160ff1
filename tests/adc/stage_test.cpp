#include "nnadc/adc/stage.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/error.h"
#include "nnadc/nn/parallel.h"
#include "synthetic_vtc.h"

namespace {

using nnadc::test::syntheticVtc;

nnadc::adc::StageModel smallModel(int bits = 3, int hidden = 6, int cell_bits = 3) {
  nnadc::adc::StageShape shape;
  shape.bits = bits;
  shape.hidden = hidden;
  shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kSmooth, bits, bits + 1);
  const nnadc::Vtc vtc = syntheticVtc();
  nnadc::rram::LevelSetOptions levels;
  levels.cell_bits = cell_bits;
  return {shape, nnadc::nn::TabulatedActivation(vtc), vtc.threshold_v,
          nnadc::rram::LevelSet(levels)};
}

// Loss used for the gradient check: sum of squared output voltages weighted by fixed numbers,
// so every output and every batch row contributes differently.
double lossOf(const nnadc::adc::StageModel& model, const nnadc::adc::StageConductances& g,
              const Eigen::VectorXd& x, const Eigen::ArrayXXd& weights) {
  nnadc::adc::StageForward f;
  model.forward(g, x, f);
  return (weights * f.o * f.o).sum();
}

}  // namespace

TEST_SUITE("adc") {
  TEST_CASE("DividerColumnIsTheConductanceWeightedMeanOfItsRows") {
    const auto model = smallModel(2, 1);
    nnadc::adc::StageConductances g;
    g.g1.resize(1, 4);
    g.g1 << 3, 1, 0, 2;  // u = (3 x + (VDD - x)) / 6
    g.g2 = Eigen::MatrixXd::Ones(model.shape().outputs(), model.shape().outputRows());
    Eigen::VectorXd x(2);
    x << 0.3, 0.9;
    nnadc::adc::StageForward f;
    model.forward(g, x, f);
    for (int i = 0; i < 2; ++i) {
      // Exact arithmetic of the divider; 1e-12 covers rounding.
      CHECK(f.u(i, 0) == doctest::Approx((3 * x(i) + (1.2 - x(i))) / 6).epsilon(1e-12));
      CHECK(f.hb(i, 0) == doctest::Approx(model.vtc().value(f.h(i, 0))).epsilon(1e-12));
    }
  }

  TEST_CASE("BackwardMatchesFiniteDifferencesForBothLayers") {
    const auto model = smallModel(3, 5);
    nnadc::Rng rng(11);
    nnadc::adc::StageConductances g;
    g.g1 = Eigen::MatrixXd::NullaryExpr(5, 4, [&] { return rng.uniform(0.5, 7.0); });
    g.g2 = Eigen::MatrixXd::NullaryExpr(model.shape().outputs(), model.shape().outputRows(),
                                        [&] { return rng.uniform(0.5, 7.0); });
    Eigen::VectorXd x(7);
    for (int i = 0; i < 7; ++i) x(i) = 0.1 + 0.15 * i + 0.013 * rng.uniform();
    const Eigen::ArrayXXd w = Eigen::ArrayXXd::NullaryExpr(7, model.shape().outputs(),
                                                           [&] { return rng.uniform(-1, 1); });
    nnadc::adc::StageForward f;
    model.forward(g, x, f);
    const Eigen::ArrayXXd dl_do = 2.0 * w * f.o;
    Eigen::MatrixXd dg1;
    Eigen::MatrixXd dg2;
    model.backward(g, f, dl_do, dg1, dg2);
    // Central differences with h = 1e-6 on conductances of order 1: truncation ~h^2 f''' and
    // rounding ~1e-16/h keep the difference near 1e-9; the piecewise-linear VTC has kinks every
    // 1 mV, so a few probes may straddle one: allow 1e-5 absolute + 1e-4 relative.
    constexpr double kH = 1e-6;
    for (int layer = 0; layer < 2; ++layer) {
      Eigen::MatrixXd& m = layer == 0 ? g.g1 : g.g2;
      const Eigen::MatrixXd& analytic = layer == 0 ? dg1 : dg2;
      for (Eigen::Index i = 0; i < m.size(); ++i) {
        const double saved = m.data()[i];
        m.data()[i] = saved + kH;
        const double up = lossOf(model, g, x, w);
        m.data()[i] = saved - kH;
        const double down = lossOf(model, g, x, w);
        m.data()[i] = saved;
        const double numeric = (up - down) / (2 * kH);
        CAPTURE(layer);
        CAPTURE(i);
        CHECK(std::abs(analytic.data()[i] - numeric) <= 1e-5 + 1e-4 * std::abs(numeric));
      }
    }
  }

  TEST_CASE("TrainedCellsAreRealisableLevelsAndTheSameSeedGivesTheSameDesign") {
    const auto model = smallModel(3, 8, 2);
    nnadc::adc::StageTrainOptions options;
    options.iterations = 600;
    options.eval_every = 100;
    options.seed = 5;
    const auto a = nnadc::adc::trainStage(model, options, nnadc::nullLogger());
    const auto b = nnadc::adc::trainStage(model, options, nnadc::nullLogger());
    REQUIRE_FALSE(a.diverged);
    CHECK(a.cells.hidden == b.cells.hidden);
    CHECK(a.cells.output == b.cells.output);
    CHECK(a.best_enob_ramp == b.best_enob_ramp);
    for (const Eigen::MatrixXi* m : {&a.cells.hidden, &a.cells.output}) {
      CHECK(m->minCoeff() >= 0);
      CHECK(m->maxCoeff() <= 3);  // 2-bit cells: levels 0..3
      for (Eigen::Index r = 0; r < m->rows(); ++r)
        CHECK(m->row(r).sum() > 0);  // no floating column
    }
    // Refinement only ever improves on what gradient training found.
    CHECK(a.best_enob_ramp >= a.trained_enob_ramp);
  }

  TEST_CASE("IdealQuantiserHasRampEnobOfNPlusTheRampDiscreteness") {
    // rampEnob's definition gives N for a perfect N-bit quantiser: check it with a stage whose
    // decoder table maps every word straight to the ideal level of the input that made it. A
    // 1-hidden 1-output 1-bit stage is a comparator: build one at VDD/2 by hand.
    nnadc::adc::StageShape shape;
    shape.bits = 1;
    shape.hidden = 1;
    shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kBinary, 1);
    const nnadc::Vtc vtc = syntheticVtc();
    const nnadc::adc::StageModel model(shape, nnadc::nn::TabulatedActivation(vtc), vtc.threshold_v,
                                       nnadc::rram::LevelSet({}));
    nnadc::adc::StageCells cells;
    cells.hidden.resize(1, 4);
    cells.hidden << 7, 0, 0, 0;  // u = x: h switches at the threshold VDD/2
    cells.output.resize(1, 4);
    cells.output << 7, 0, 0, 0;  // o = h: low (bit 1) when x > VDD/2
    const nnadc::adc::Decoder decoder(shape.code);
    // Bit 1 <=> o < threshold <=> h low <=> x above threshold: the ideal 1-bit quantiser. With
    // S samples per level at bin centres the error is uniform on S discrete points, of variance
    // (1 - 1/S^2)/12, so ENOB = N - log2(sqrt(1 - 1/S^2)) (1.8e-4 bit above N for S = 64).
    const double expected = 1.0 - 0.5 * std::log2(1.0 - 1.0 / (64.0 * 64.0));
    CHECK(nnadc::adc::rampEnob(model, cells, decoder, 64) ==
          doctest::Approx(expected).epsilon(1e-9));
  }

  TEST_CASE("LoadedModelSolvesKclAndTendsToTheIdealSourceModelForStiffDrivers") {
    // A drive table I = G (f(vin) - vout) on the VTC's own grid: its zero-load root is f, so
    // with G -> infinity the loaded model must become the ideal-source model; with a realistic
    // G every hidden node must satisfy its current law. Two output counts: 4 (the solver's
    // kernel for a compile-time output count) and 15 (its kernel for any count).
    const nnadc::Vtc base = syntheticVtc();
    nnadc::adc::StageShape shape;
    shape.hidden = 6;
    SUBCASE("smooth code, 4 outputs") {
      shape.bits = 3;
      shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kSmooth, 3, 4);
    }
    SUBCASE("thermometer code, 15 outputs") {
      shape.bits = 4;
      shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kThermometer, 4, 0);
    }
    const int m = shape.outputs();
    REQUIRE((m == 4 || m == 15));
    nnadc::rram::LevelSetOptions lo;  // 3-bit, g_max 20 uS
    const nnadc::adc::StageModel ideal(shape, nnadc::nn::TabulatedActivation(base),
                                       base.threshold_v, nnadc::rram::LevelSet(lo));
    nnadc::Rng rng(5);
    nnadc::adc::StageCells cells;
    cells.hidden =
        Eigen::MatrixXi::NullaryExpr(6, 4, [&] { return static_cast<int>(rng.below(7)); });
    cells.output =
        Eigen::MatrixXi::NullaryExpr(m, 14, [&] { return static_cast<int>(rng.below(7)); });
    // Every column has a device; levels stay within the 8-entry table (0..7) after the + 1.
    cells.hidden.col(0).array() += 1;
    cells.output.col(13).array() += 1;
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(997, 0.001, 1.199);
    for (const double g_out : {1e3, 1e-4}) {
      CAPTURE(g_out);
      nnadc::Vtc vtc = base;
      vtc.drive.vin_v = base.vin_v;
      for (int j = 0; j <= 120; ++j) vtc.drive.vout_v.push_back(0.01 * j);
      for (std::size_t i = 0; i < base.vin_v.size(); ++i) {
        for (const double vo : vtc.drive.vout_v) {
          vtc.drive.current_a.push_back(g_out * (base.vout_v[i] - vo));
        }
      }
      const nnadc::adc::StageModel loaded(shape, vtc, nnadc::rram::LevelSet(lo));
      REQUIRE(loaded.loaded());
      const auto g = loaded.conductances(cells);
      nnadc::adc::StageForward fl;
      nnadc::adc::StageForward fi;
      loaded.forward(g, x, fl);
      ideal.forward(g, x, fi);
      const nnadc::nn::DriveTable table(vtc.drive);
      double kcl = 0.0;
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        for (int j = 0; j < 6; ++j) {
          double load_h = 0.0;
          double load_hb = 0.0;
          for (int k = 0; k < m; ++k) {
            load_h += g.g2(k, j) * (fl.h(i, j) - fl.o(i, k));
            load_hb += g.g2(k, 6 + j) * (fl.hb(i, j) - fl.o(i, k));
          }
          kcl = std::max(kcl, std::abs(table.current(fl.u(i, j), fl.h(i, j)) - load_h));
          kcl = std::max(kcl, std::abs(table.current(fl.h(i, j), fl.hb(i, j)) - load_hb));
        }
      }
      // Residual current at the solution: far below the ~1e-6 A the cells carry.
      CHECK(kcl < 1e-11);
      const double max_o = (fl.o - fi.o).abs().maxCoeff();
      if (g_out > 1.0) {
        CHECK(max_o < 1e-6);
        CHECK(loaded.words(g, x) == ideal.words(g, x));
      } else {
        CHECK(max_o > 1e-3);  // a 10 kOhm driver against 50 kOhm cells: a real shift
      }
    }
  }

  TEST_CASE("LoadingAwareTrainingGivesTheSameDesignOnOneAndTwoThreads") {
    // Issue 17: training splits the operating-point solve into fixed chunks of samples, runs
    // restarts side by side and scores refinement candidates in parallel; the design, its
    // history and every figure must not depend on the thread count. A loaded model (a 10 kOhm
    // driver table) with 256 training inputs (4 chunks) and two restarts.
    const nnadc::Vtc base = syntheticVtc();
    nnadc::Vtc vtc = base;
    vtc.drive.vin_v = base.vin_v;
    for (int j = 0; j <= 120; ++j) vtc.drive.vout_v.push_back(0.01 * j);
    for (std::size_t i = 0; i < base.vin_v.size(); ++i) {
      for (const double vo : vtc.drive.vout_v) {
        vtc.drive.current_a.push_back(1e-4 * (base.vout_v[i] - vo));
      }
    }
    nnadc::adc::StageShape shape;
    shape.bits = 3;
    shape.hidden = 6;
    shape.code = nnadc::adc::OutputCode::make(nnadc::adc::CodeKind::kSmooth, 3, 4);
    const nnadc::adc::StageModel model(shape, vtc, nnadc::rram::LevelSet({}));
    REQUIRE(model.loaded());
    nnadc::adc::StageTrainOptions options;
    options.iterations = 150;
    options.eval_every = 50;
    options.restarts = 2;
    options.refine_sweeps = 1;
    const int saved_threads = nnadc::nn::threadCount();
    nnadc::nn::setThreadCount(1);
    const auto one = nnadc::adc::trainStage(model, options, nnadc::nullLogger());
    nnadc::nn::setThreadCount(2);
    const auto two = nnadc::adc::trainStage(model, options, nnadc::nullLogger());
    nnadc::nn::setThreadCount(saved_threads);
    REQUIRE_FALSE(one.diverged);
    CHECK(one.cells.hidden == two.cells.hidden);
    CHECK(one.cells.output == two.cells.output);
    CHECK(one.best_enob_ramp == two.best_enob_ramp);
    CHECK(one.trained_enob_ramp == two.trained_enob_ramp);
    CHECK(one.best_restart == two.best_restart);
    CHECK(one.refine_changes == two.refine_changes);
    REQUIRE(one.history.size() == two.history.size());
    for (std::size_t k = 0; k < one.history.size(); ++k) {
      CHECK(one.history[k].loss == two.history[k].loss);
      CHECK(one.history[k].enob_ramp == two.history[k].enob_ramp);
    }
    // Conversion too: a 997-point ramp (16 chunks, each starting from its unloaded point).
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(997, 0.001, 1.199);
    const auto g = model.conductances(one.cells);
    nnadc::nn::setThreadCount(1);
    const auto w1 = model.words(g, x);
    nnadc::nn::setThreadCount(2);
    const auto w2 = model.words(g, x);
    nnadc::nn::setThreadCount(saved_threads);
    CHECK(w1 == w2);
  }

  TEST_CASE("LoadedSolveGivesTheSameBitsOnEveryVectorWidth") {
    // Issue 17: the operating-point solve runs on SSE2 pairs, AVX2 or AVX-512 vectors (the
    // widest the CPU has). Each element gets the same IEEE operations in the same order, so
    // every width must give the same bits as the SSE2 pairs (the x86-64 baseline), for any
    // output count (3 and 7: odd, padded; 8: one AVX-512 register; 15: the any-count path), an
    // odd hidden count (padded loads), cold and warm starts and a die with threshold shifts.
    // The drive table is nonlinear in vout (a cubic term), so Newton takes several steps.
    const nnadc::Vtc base = syntheticVtc();
    nnadc::Vtc vtc = base;
    vtc.drive.vin_v = base.vin_v;
    for (int j = 0; j <= 120; ++j) vtc.drive.vout_v.push_back(0.01 * j);
    for (std::size_t i = 0; i < base.vin_v.size(); ++i) {
      for (const double vo : vtc.drive.vout_v) {
        const double d = base.vout_v[i] - vo;
        vtc.drive.current_a.push_back(1e-4 * d + 2e-5 * d * d * d);
      }
    }
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(150, 0.002, 1.198);
    struct Case {
      nnadc::adc::CodeKind kind;
      int bits;
      int outputs;
    };
    for (const Case c :
         {Case{nnadc::adc::CodeKind::kBinary, 3, 0}, Case{nnadc::adc::CodeKind::kThermometer, 3, 0},
          Case{nnadc::adc::CodeKind::kSmooth, 4, 8},
          Case{nnadc::adc::CodeKind::kThermometer, 4, 0}}) {
      nnadc::adc::StageShape shape;
      shape.bits = c.bits;
      shape.hidden = 13;
      shape.code = nnadc::adc::OutputCode::make(c.kind, c.bits, c.outputs);
      CAPTURE(shape.outputs());
      nnadc::adc::StageModel model(shape, vtc, nnadc::rram::LevelSet({}));
      REQUIRE(model.loaded());
      // Cells drawn from a fixed stream (levels 1..7: no floating column).
      std::uint64_t state = 12345;
      const auto level = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return 1 + static_cast<int>((state >> 33) % 7);
      };
      nnadc::adc::StageCells cells;
      cells.hidden = Eigen::MatrixXi::NullaryExpr(shape.hidden, nnadc::adc::kInputRows, level);
      cells.output = Eigen::MatrixXi::NullaryExpr(shape.outputs(), shape.outputRows(), level);
      nnadc::adc::StageConductances nominal = model.conductances(cells);
      nnadc::adc::StageConductances die = nominal;
      const Eigen::Index hn = shape.hidden;
      die.shift_h = Eigen::VectorXd::LinSpaced(hn, -0.02, 0.02);
      die.shift_hb = Eigen::VectorXd::LinSpaced(hn, 0.015, -0.015);
      die.shift_h_n = 0.4 * die.shift_h;
      die.shift_h_p = 0.3 * die.shift_h;
      die.shift_hb_n = 0.5 * die.shift_hb;
      die.shift_hb_p = 0.2 * die.shift_hb;
      for (const auto* g : {&nominal, &die}) {
        const auto run = [&](nnadc::adc::SolveIsa isa) {
          model.setSolveIsa(isa);
          std::pair<nnadc::adc::StageForward, nnadc::adc::StageForward> cold_warm;
          model.forward(*g, x, cold_warm.first);
          cold_warm.second = cold_warm.first;
          model.forward(*g, x, cold_warm.second);  // starts from the first pass's outputs
          return cold_warm;
        };
        const auto same = [](const nnadc::adc::StageForward& a, const nnadc::adc::StageForward& b) {
          return (a.h == b.h).all() && (a.hb == b.hb).all() && (a.o == b.o).all() &&
                 (a.dh == b.dh).all() && (a.dhb == b.dhb).all();
        };
        const auto pairs = run(nnadc::adc::SolveIsa::kSse2);
        CHECK(model.solveWidth() == 2);
        REQUIRE(pairs.first.o.allFinite());
        for (const auto isa : {nnadc::adc::SolveIsa::kAvx2, nnadc::adc::SolveIsa::kAvx512,
                               nnadc::adc::SolveIsa::kWidest}) {
          const auto wide = run(isa);
          CAPTURE(model.solveWidth());
          CHECK(same(pairs.first, wide.first));
          CHECK(same(pairs.second, wide.second));
        }
      }
    }
  }

  TEST_CASE("BadTrainingOptionsNameTheField") {
    nnadc::adc::StageTrainOptions o;
    o.noise_sigma = -0.1;
    CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("field 'noise_sigma'"), nnadc::InputError);
  }
}
