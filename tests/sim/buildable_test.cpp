// The buildable converter's deck (transistor-level MDACs, spice/buildable_deck.h) in ngspice, on a
// two-stage cut of the shipped design (stage 0's MDAC and the last stage's flash): the residue the
// MDAC settles to against the ideal charge-redistribution result, the second stage's decisions
// against the behavioural model, the injected noise against the values drawn in C++, and the
// kT/C budget against physics.
#include "nnadc/spice/buildable_deck.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "../test_paths.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/error.h"
#include "nnadc/eval/buildable.h"
#include "nnadc/io/buildable_json.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/mc_json.h"
#include "nnadc/sim/buildable_bench.h"
#include "nnadc/sim/pool.h"
#include "nnadc/sim/stage_bench.h"

namespace {

using nnadc::adc::Design;
using nnadc::spice::BuildableOptions;

const Design& adc14() {
  static const Design design = nnadc::io::loadDesign(nnadc::test::adc14());
  return design;
}

// Stage 0 of the shipped design followed by its last stage (a flash): one MDAC, 5 bits.
Design twoStages() {
  Design d = adc14();
  auto& stages = d.pipeline.stages;
  stages = {stages.front(), stages.back()};
  d.pipeline.bits = nnadc::adc::pipelineResolution({3, 3}, d.pipeline.redundancy);
  d.pipeline.calibrated = false;
  d.pipeline.table = nnadc::adc::idealTable(d.pipeline);
  return d;
}

struct Run {
  nnadc::spice::BuildablePlan plan;
  std::vector<double> residue_v;  // stage 0: out0p - out0n at the end of each amplification
  std::vector<int> d0, d1;        // latched decisions
};

Run simulate(const Design& design, const BuildableOptions& o) {
  Run r;
  r.plan = nnadc::spice::buildablePlan(design, o);
  nnadc::sim::PoolOptions po;
  po.workers = 1;
  po.threads_per_worker = 1;
  nnadc::sim::WorkerPool pool(po);
  nnadc::sim::RunRequest job;
  job.deck = nnadc::spice::buildableDeck(design, o);
  job.vectors = {"time", "v(out0p)", "v(out0n)", "v(d0)", "v(d1)"};
  job.timeout_s = 600;
  const nnadc::sim::RunResult result = pool.run(job);
  const auto& t = result.find("time")->real;
  const auto& p = result.find("v(out0p)")->real;
  const auto& n = result.find("v(out0n)")->real;
  const double period = r.plan.period_s;
  const double high = period / 2 - o.cell.nonoverlap_s;
  for (int j = 0; j < r.plan.sample_count; ++j) {
    // Stage 0 amplifies sample j over [(w + j) T + T/2, + high]: read just before its end.
    const double end = (r.plan.warmup + j) * period + period / 2 + high - 0.5e-9;
    r.residue_v.push_back(nnadc::sim::interpolate(t, p, end) - nnadc::sim::interpolate(t, n, end));
    r.d0.push_back(static_cast<int>(std::lround(nnadc::sim::interpolate(
        t, result.find("v(d0)")->real, r.plan.read_times_s[0][static_cast<std::size_t>(j)]))));
    r.d1.push_back(static_cast<int>(std::lround(nnadc::sim::interpolate(
        t, result.find("v(d1)")->real, r.plan.read_times_s[1][static_cast<std::size_t>(j)]))));
  }
  return r;
}

BuildableOptions heldOptions() {
  BuildableOptions o;
  o.samples = 16;
  o.cycles = 3;
  o.first_sample = 1;
  o.sample_count = 4;
  o.warmup = 1;
  o.held_input = true;
  return o;
}

}  // namespace

TEST_CASE("BuildableKtcBudgetIsPhysics") {
  // Stage 0 samples on 8 x 0.2 pF per side: the differential kT/C is sqrt(2 kT / 1.6 pF).
  const double kt = 1.380649e-23 * 300.0;
  BuildableOptions o;
  const auto rms = nnadc::eval::buildableNoiseRms(adc14(), o);
  REQUIRE(rms.size() == adc14().pipeline.stages.size());
  const double ktc = std::sqrt(2 * kt / (8 * o.cell.unit_cap_f));
  CHECK(rms[0] >= ktc);          // the amplifier adds to it
  CHECK(rms[0] < 1.6 * ktc);     // ... but kT/C dominates at this capacitance
  CHECK(rms.back() == 0.0);      // the last stage has no MDAC
  CHECK(rms[1] > rms[0]);        // half the capacitors: more noise
  CHECK(rms[1] < 2.0 * rms[0]);  // but only sqrt(2) more kT/C
}

TEST_CASE("BuildableNoiseDrawsHaveTheirRmsAndDependOnlyOnTheSample") {
  BuildableOptions o;
  o.samples = 4096;
  o.noise_v_rms = {1e-4, 2e-4, 0.0};
  double s0 = 0;
  double s1 = 0;
  for (int n = 0; n < o.samples; ++n) {
    const auto v = nnadc::spice::buildableNoise(o, 3, n);
    s0 += v[0] * v[0];
    s1 += v[1] * v[1];
    CHECK(v[2] == 0.0);
  }
  // 4096 draws: the rms estimate has a relative sd of 1 / sqrt(2 x 4096) = 1.1 %.
  CHECK(std::sqrt(s0 / o.samples) == doctest::Approx(1e-4).epsilon(0.05));
  CHECK(std::sqrt(s1 / o.samples) == doctest::Approx(2e-4).epsilon(0.05));
  CHECK(nnadc::spice::buildableNoise(o, 3, 17) == nnadc::spice::buildableNoise(o, 3, 17));
}

TEST_CASE("BuildableDeckRefusesWhatItDoesNotBuild") {
  Design d = adc14();
  d.pipeline.stages[0].gain = 2.0;
  CHECK_THROWS_AS(nnadc::spice::buildableDeck(d, BuildableOptions{}), nnadc::InputError);
  CHECK(nnadc::spice::buildableRefusal(d).find("gain 2") != std::string::npos);
  // A segmented (nonlinear) design's pipeline is only its mantissa: refused, not built alone.
  const Design log10 =
      nnadc::io::loadDesign(nnadc::test::sourceDir() / "training" / "log10.design.json");
  CHECK(nnadc::spice::buildableRefusal(log10).find("segmented") != std::string::npos);
  CHECK(nnadc::spice::buildableRefusal(adc14()).empty());
  BuildableOptions o;
  o.cycles = 4;  // even
  CHECK_THROWS_AS(nnadc::spice::buildablePlan(adc14(), o), nnadc::InputError);
  const std::string deck = nnadc::spice::buildableDeck(adc14(), BuildableOptions{});
  CHECK(deck.find("* ideal elements") != std::string::npos);
  CHECK(deck.find("e_inb") == std::string::npos);  // no ideal complement source
  CHECK(deck.find("b_res") == std::string::npos);  // no behavioural residue amplifier
}

TEST_CASE("BuildableMdacSettlesToTheChargeRedistributionResidue") {
  // Held samples of a sine through stage 0's transistor-level MDAC: the settled residue must be
  // 4 vd - (VDD / 2)(2 d - 7) for the latched decision d (vd = 2 (x - VDD / 2)). Measured: 0.6 to
  // 2.1 mV differential, growing towards full scale (docs/buildable.md); a wrong capacitor ratio
  // or DAC level would be >= 150 mV off. Limit 2.5 mV; and the flash behind it must decide as the
  // model's last stage does on that residue.
  const Design design = twoStages();
  const BuildableOptions o = heldOptions();
  const Run r = simulate(design, o);
  const nnadc::adc::PipelineModel model(design.pipeline, design);
  const double vdd = design.vdd_v;
  for (int j = 0; j < r.plan.sample_count; ++j) {
    const double x = r.plan.x_v[static_cast<std::size_t>(j)];
    const int d = r.d0[static_cast<std::size_t>(j)];
    CAPTURE(j);
    CAPTURE(x);
    CAPTURE(d);
    const double ideal = 4 * 2 * (x - vdd / 2) - vdd / 2 * (2 * d - 7);
    CHECK(std::abs(r.residue_v[static_cast<std::size_t>(j)] - ideal) < 2.5e-3);
    // The model's stage 0 decides d or, at a threshold, a neighbour (redundancy covers it).
    Eigen::VectorXd xv(1);
    xv[0] = x;
    nnadc::adc::PipelineTrace trace;
    model.trace(model.nominal(), xv, trace);
    CHECK(std::abs(trace.decisions(0, 0) - d) <= 1);
    // The flash on the SPICE residue, as the model's last stage sees it (single-ended x').
    const double next = vdd / 2 + r.residue_v[static_cast<std::size_t>(j)] / 2;
    const double step = vdd / 8;
    const int expected = std::clamp(static_cast<int>(std::floor(next / step)), 0, 7);
    CHECK(std::abs(r.d1[static_cast<std::size_t>(j)] - expected) <= 1);
  }
}

TEST_CASE("BuildableNoiseSourcesAddTheDrawnValuesToTheResidue") {
  // The same held samples with a large noise (2 mV differential at stage 0's input): the residue
  // moves by 4 x the value drawn for that sample (the MDAC's gain), where the decision is the same.
  const Design design = twoStages();
  BuildableOptions o = heldOptions();
  const Run quiet = simulate(design, o);
  o.noise_v_rms = {2e-3, 0.0};
  o.seed = 5;
  const Run noisy = simulate(design, o);
  int compared = 0;
  for (int j = 0; j < quiet.plan.sample_count; ++j) {
    if (quiet.d0[static_cast<std::size_t>(j)] != noisy.d0[static_cast<std::size_t>(j)]) continue;
    const int n = o.first_sample + j;
    const double drawn = nnadc::spice::buildableNoise(o, 2, n)[0];
    CAPTURE(j);
    CAPTURE(drawn);
    const double moved =
        noisy.residue_v[static_cast<std::size_t>(j)] - quiet.residue_v[static_cast<std::size_t>(j)];
    CHECK(std::abs(moved - 4 * drawn) < 0.3e-3);
    ++compared;
  }
  CHECK(compared >= 3);
}

TEST_CASE("BuildableStageFitRecoversAPlantedResidueTransfer") {
  // Residues generated by the model with known amplifier errors (gain error, cubic, per-level DAC
  // errors, per-level gain errors, memory of the previous input) on a dense input set: the fit
  // must return the planted values, and the extracted pipeline must then convert every input to
  // the same code as the planted one.
  Design planted = adc14();
  auto& stages = planted.pipeline.stages;
  for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
    nnadc::adc::AmplifierModel& a = stages[i].amplifier;
    a = {};
    a.gain_error = -0.004 * static_cast<double>(i + 1);
    a.a3_per_v2 = -0.02;
    a.dac_error_v.assign(8, 0.0);
    a.level_gain_error.assign(8, 0.0);
    // The fit gives a level its own gain only when the ramp saw it 3 times or more, and the
    // others the most used level's: the planted gains differ on levels 2 and 5 only (seen
    // hundreds of times here), so that the edge levels (rare) share the middle ones' slope.
    a.level_gain_error[2] = 5e-4;
    a.level_gain_error[5] = -5e-4;
    for (int d = 0; d < 8; ++d) a.dac_error_v[static_cast<std::size_t>(d)] = 1e-4 * (d - 3.5);
    a.memory = -3e-5 * static_cast<double>(i + 1);
    stages[i].mdac.reset();
  }
  const nnadc::adc::PipelineModel model(planted.pipeline, planted);
  const int n = 4096;
  Eigen::VectorXd x(n);
  for (int k = 0; k < n; ++k) x[k] = 0.6 + 0.59 * std::sin(0.37 * k);
  // The fit takes the first conversion's previous one to be the last (a deck's warm-up wraps
  // around), the model its own: the same value, so that both see the same memory.
  x[n - 1] = x[0];
  nnadc::adc::PipelineTrace trace;
  model.trace(model.nominal(), x, trace);
  std::vector<double> xv(x.data(), x.data() + n);
  std::vector<std::vector<int>> dec(static_cast<std::size_t>(n));
  std::vector<std::vector<double>> res(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    for (Eigen::Index i = 0; i < trace.decisions.cols(); ++i) {
      dec[static_cast<std::size_t>(k)].push_back(trace.decisions(k, i));
      // Stage i's residue is stage i + 1's input.
      res[static_cast<std::size_t>(k)].push_back(
          i + 1 < trace.inputs.cols() ? trace.inputs(k, i + 1) : 0.0);
    }
  }
  nnadc::eval::BuildableCalibration c;
  c.table = planted.pipeline.table;
  nnadc::eval::fitBuildableStages(planted, xv, dec, res, c);
  REQUIRE(c.stages.size() == stages.size() - 1);
  for (std::size_t i = 0; i < c.stages.size(); ++i) {
    CAPTURE(i);
    const nnadc::adc::AmplifierModel& f = c.stages[i];
    const nnadc::adc::AmplifierModel& a = stages[i].amplifier;
    CHECK(f.a3_per_v2 == doctest::Approx(-0.02).epsilon(0.02));
    CHECK(std::abs(f.a2_per_v) < 1e-4);
    CHECK(std::abs(f.memory - a.memory) < 0.5e-6);
    // With one bit of redundancy later stages never see their outer levels: those keep 0. Each
    // seen level's slope (common plus its own gain error) is the planted one.
    REQUIRE(f.level_gain_error.size() == 8);
    for (int d = 0; d < 8; ++d) {
      const auto sd = static_cast<std::size_t>(d);
      int seen = 0;
      for (const auto& row : dec) seen += row[i] == d ? 1 : 0;
      CAPTURE(d);
      CAPTURE(seen);
      CHECK(std::abs(f.dac_error_v[sd] - (seen > 0 ? 1e-4 * (d - 3.5) : 0.0)) < 2e-6);
      if (seen >= 3) {
        // Level gains of +-5e-4 planted; the fit recovers each slope to 1e-5.
        CHECK(std::abs((f.gain_error + f.level_gain_error[sd]) -
                       (a.gain_error + a.level_gain_error[sd])) < 1e-5);
      }
    }
    CHECK(c.fit_rms_v[i] < 2e-6);
  }
  const nnadc::adc::Pipeline extracted = nnadc::eval::extractedPipeline(planted, c, {});
  const nnadc::adc::PipelineModel em(extracted, planted);
  const auto a = model.convert(model.nominal(), x);
  const auto b = em.convert(em.nominal(), x);
  int same = 0;
  for (int k = 0; k < n; ++k)
    same += a[static_cast<std::size_t>(k)] == b[static_cast<std::size_t>(k)];
  CHECK(same >= n - 4);
}

TEST_CASE("BuildableCalibrationRampIsConvertedAndItsResiduesAreFitted") {
  // The foreground calibration of the two-stage cut on the worker pool (16 points, the table's
  // 16 unknowns): the ramp holds the 16 step centres over 0.98 of the window in a scrambled
  // order, stage 0 decides floor(8 x / VDD) (or a neighbour at a threshold), the residue read at
  // stage 1's sampling instant is the charge-redistribution result x' = VDD / 2 + 4 (x - DAC(d))
  // within 1.25 mV single-ended (2.5 mV differential, as above), and the fitted transfer is close
  // to the ideal one (gain error below 1 %, the fit within 0.5 mV).
  const Design design = twoStages();
  BuildableOptions o;
  nnadc::sim::PoolOptions po;
  po.workers = 1;
  po.threads_per_worker = 1;
  nnadc::sim::WorkerPool pool(po);
  const int points = 16;
  const auto c = nnadc::eval::calibrateBuildable(pool, design, o, points, 0.98, 600);
  REQUIRE(c.ramp_x_v.size() == points);
  REQUIRE(c.ramp_decisions.size() == points);
  const double vdd = design.vdd_v;
  std::vector<double> sorted = c.ramp_x_v;
  std::sort(sorted.begin(), sorted.end());
  for (int k = 0; k < points; ++k) {
    CHECK(sorted[static_cast<std::size_t>(k)] ==
          doctest::Approx(vdd / 2 + 0.98 * vdd / 2 * (2.0 * (k + 0.5) / points - 1.0)));
  }
  CHECK(std::abs(c.ramp_x_v[1] - c.ramp_x_v[0]) > 0.25 * vdd);  // scrambled, not a slow ramp
  for (std::size_t j = 0; j < points; ++j) {
    CAPTURE(j);
    const double x = c.ramp_x_v[j];
    const int d = c.ramp_decisions[j][0];
    CHECK(std::abs(d - static_cast<int>(std::floor(8 * x / vdd))) <= 1);
    const double ideal = vdd / 2 + 4 * (x - (d + 0.5) * vdd / 8);
    CHECK(std::abs(c.ramp_residues_v[j][0] - ideal) < 1.25e-3);
  }
  REQUIRE(c.stages.size() == 1);
  CHECK(std::abs(c.stages[0].gain_error) < 0.01);
  CHECK(c.fit_rms_v[0] < 0.5e-3);
  CHECK(c.residual_rms_lsb <= c.ideal_residual_rms_lsb + 1e-12);
  // Too few points for the table, inputs outside the window or of the wrong count: refused
  // before any job.
  CHECK_THROWS_AS((void)nnadc::eval::calibrateBuildable(pool, design, o, 8, 0.98, 600),
                  nnadc::InputError);
  o.samples = 2;
  o.inputs_v = {0.3, 1.5};
  CHECK_THROWS_AS((void)nnadc::spice::buildablePlan(design, o), nnadc::InputError);
  o.inputs_v.pop_back();
  CHECK_THROWS_AS((void)nnadc::spice::buildablePlan(design, o), nnadc::InputError);
}

TEST_CASE("BuildableCalibrationFileIsCheckedAgainstTheDesignAndDeck") {
  const Design& design = adc14();
  BuildableOptions o;
  nnadc::eval::BuildableCalibration c;
  c.points = 64;
  c.unit_cap_f = o.cell.unit_cap_f;
  c.fs_hz = o.cell.fs_hz;
  c.table = design.pipeline.table;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nnadc_cal_" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(dir);
  const auto write = [&](const nnadc::io::Json& j) {
    const std::string path = (dir / "cal.json").string();
    std::ofstream(path) << j.dump();
    return path;
  };
  // A result's block round-trips.
  nnadc::io::Json result = {{"calibration", nnadc::io::buildableCalibrationJson(c)}};
  const auto back = nnadc::io::loadBuildableCalibration(write(result), design, o);
  CHECK(back.table == c.table);
  // Extracted stages round-trip with their level gains and memory; a calibration written before
  // those were fitted (fields absent) loads without them; a level-gain list of the wrong length
  // is refused, naming the field.
  for (std::size_t i = 0; i + 1 < design.pipeline.stages.size(); ++i) {
    nnadc::adc::AmplifierModel m;
    const std::size_t levels = std::size_t{1} << design.pipeline.stages[i].adc.shape.bits;
    m.gain_error = -0.002;
    m.dac_error_v.assign(levels, 1e-4);
    m.level_gain_error.assign(levels, 0.0);
    m.level_gain_error[1] = 3e-4;
    m.memory = -2.5e-5;
    c.stages.push_back(m);
    c.fit_rms_v.push_back(1e-5);
  }
  nnadc::io::Json extracted = {{"calibration", nnadc::io::buildableCalibrationJson(c)}};
  const auto with_terms = nnadc::io::loadBuildableCalibration(write(extracted), design, o);
  REQUIRE(with_terms.stages.size() == c.stages.size());
  CHECK(with_terms.stages[0].memory == -2.5e-5);
  CHECK(with_terms.stages[0].level_gain_error == c.stages[0].level_gain_error);
  nnadc::io::Json older = extracted;
  for (auto& st : older["calibration"]["extracted_stages"]) {
    st.erase("memory");
    st.erase("level_gain_error");
  }
  const auto without = nnadc::io::loadBuildableCalibration(write(older), design, o);
  CHECK(without.stages[0].memory == 0.0);
  CHECK(without.stages[0].level_gain_error.empty());
  nnadc::io::Json short_gains = extracted;
  short_gains["calibration"]["extracted_stages"][1]["level_gain_error"].erase(0);
  CHECK_THROWS_WITH_AS((void)nnadc::io::loadBuildableCalibration(write(short_gains), design, o),
                       doctest::Contains("extracted_stages[1].level_gain_error"),
                       nnadc::InputError);
  c.stages.clear();
  c.fit_rms_v.clear();
  // Measured with another unit capacitor: refused, naming the file.
  BuildableOptions other = o;
  other.cell.unit_cap_f = 0.4e-12;
  CHECK_THROWS_WITH_AS((void)nnadc::io::loadBuildableCalibration(write(result), design, other),
                       doctest::Contains("cal.json"), nnadc::InputError);
  // A table with a stage missing, or a row of the wrong length: refused, naming the field.
  nnadc::io::Json short_table = result;
  short_table["calibration"]["table"].erase(0);
  CHECK_THROWS_WITH_AS((void)nnadc::io::loadBuildableCalibration(write(short_table), design, o),
                       doctest::Contains("calibration.table"), nnadc::InputError);
  nnadc::io::Json short_row = result;
  short_row["calibration"]["table"][2].erase(0);
  CHECK_THROWS_WITH_AS((void)nnadc::io::loadBuildableCalibration(write(short_row), design, o),
                       doctest::Contains("table[2]"), nnadc::InputError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("ShippedBuildableCalibrationBelongsToTheShippedDesignAndReducesItsRampError") {
  // training/adc14.buildable_calibration.json (the flow's default): measured on the shipped
  // design file with the default deck, so it loads; and its table is what its own ramp asks for:
  // recomputed here from the stored SPICE ramp (inputs and latched decisions), the residual
  // sum_i T_i[d_i] - x is the stored one, and far below the design table's on the same decisions.
  const auto design_file = nnadc::test::adc14();
  const auto file = nnadc::test::sourceDir() / "training" / "adc14.buildable_calibration.json";
  const Design& design = adc14();
  const auto c = nnadc::io::loadBuildableCalibration(file.string(), design, BuildableOptions{},
                                                     design_file.string());
  REQUIRE(c.design_digest == nnadc::io::fileDigest(design_file));
  const nnadc::io::Json j = nnadc::io::loadJsonFile(file)["calibration"];
  const auto& x = j["ramp"]["x_v"];
  const auto& d = j["ramp"]["decisions"];
  REQUIRE(x.size() == static_cast<std::size_t>(c.points));
  const double lsb = design.vdd_v / std::ldexp(1.0, design.pipeline.bits);
  const auto rms = [&](const std::vector<std::vector<double>>& table) {
    double sum2 = 0.0;
    for (std::size_t k = 0; k < x.size(); ++k) {
      double v = 0.0;
      for (std::size_t i = 0; i < table.size(); ++i) v += table[i][d[k][i].get<std::size_t>()];
      sum2 += std::pow((v - x[k].get<double>()) / lsb, 2);
    }
    return std::sqrt(sum2 / static_cast<double>(x.size()));
  };
  const double calibrated = rms(c.table);
  MESSAGE("ramp residual: calibrated " << calibrated << " LSB rms, design table "
                                       << rms(design.pipeline.table));
  CHECK(calibrated == doctest::Approx(c.residual_rms_lsb).epsilon(1e-6));
  CHECK(calibrated < 0.25);  // a 14-bit code within a quarter LSB of every held input (rms)
  CHECK(rms(design.pipeline.table) > 4 * calibrated);
}

TEST_CASE("BuildableLatchDelayMovesOnlyStageZerosLatch") {
  // Stage 0's latches close on their own phase, `latch_delay_s` after the top plates are
  // released (its pulse is high for period / 2 - nonoverlap - early + delay); every other
  // stage's latches keep their early phase; a delay beyond a fifth of the period is refused.
  const Design& design = adc14();
  BuildableOptions o;
  o.samples = 8;
  o.latch_delay_s = 10e-9;
  const std::string deck = nnadc::spice::buildableDeck(design, o);
  CHECK(deck.find("s_l0_0 bit0_0 l0_0 p1l 0 nnadc_latch") != std::string::npos);
  CHECK(deck.find("s_l1_0 bit1_0 l1_0 p2e 0 nnadc_latch") != std::string::npos);
  CHECK(deck.find("s_l2_0 bit2_0 l2_0 p1e 0 nnadc_latch") != std::string::npos);
  const double high = 0.5 / o.cell.fs_hz - o.cell.nonoverlap_s;
  const double width = high - o.cell.early_s + o.latch_delay_s - 2 * o.cell.edge_s;
  const auto at = deck.find("vp1l p1l 0 pulse(");
  REQUIRE(at != std::string::npos);
  std::istringstream pulse(deck.substr(at + 17));
  double v0 = 0, v1 = 0, delay = 0, rise = 0, fall = 0, w = 0;
  pulse >> v0 >> v1 >> delay >> rise >> fall >> w;
  CHECK(w == doctest::Approx(width).epsilon(1e-6));
  BuildableOptions none = o;
  none.latch_delay_s = 0;
  CHECK(nnadc::spice::buildableDeck(design, none).find("vp1l p1l") == std::string::npos);
  o.latch_delay_s = 25e-9;
  CHECK_THROWS_AS((void)nnadc::spice::buildableDeck(design, o), nnadc::InputError);
}
