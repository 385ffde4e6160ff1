#include "nnadc/eval/buildable.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <tuple>
#include <utility>

#include <Eigen/Dense>

#include "nnadc/adc/pipeline.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"
#include "nnadc/core/rng.h"
#include "nnadc/metrics/record.h"
#include "nnadc/sim/amplifier.h"

namespace nnadc::eval {

std::vector<double> buildableNoiseRms(const adc::Design& design,
                                      const spice::BuildableOptions& options,
                                      const AmplifierFigures& amplifier) {
  const spice::BuildablePlan plan = spice::buildablePlan(design, options);
  const std::size_t stages = design.pipeline.stages.size();
  std::vector<double> rms(stages, 0.0);
  for (std::size_t i = 0; i + 1 < stages; ++i) {
    const double s = plan.scale[i];
    rms[i] = sim::residueNoise(options.cell.unit_cap_f * s, 8, design.pipeline.stages[i].gain,
                               amplifier.noise_density_v_rthz / std::sqrt(s), amplifier.gbw_hz,
                               amplifier.feedback_factor, amplifier.temperature_k)
                 .total_rms_v;
  }
  return rms;
}

namespace {

Eigen::VectorXd toVector(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

/// Code-by-code comparison of two records of the same inputs.
struct CodeComparison {
  double equal = 0.0;       ///< fraction of identical codes
  double within_one = 0.0;  ///< fraction within +-1
  std::int64_t max_difference = 0;
};

CodeComparison compareCodes(const std::vector<std::int64_t>& a,
                            const std::vector<std::int64_t>& b) {
  CodeComparison c;
  std::size_t equal = 0;
  std::size_t near = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const std::int64_t diff = std::llabs(a[k] - b[k]);
    equal += diff == 0 ? 1 : 0;
    near += diff <= 1 ? 1 : 0;
    c.max_difference = std::max(c.max_difference, diff);
  }
  const auto n = static_cast<double>(std::max<std::size_t>(1, a.size()));
  c.equal = static_cast<double>(equal) / n;
  c.within_one = static_cast<double>(near) / n;
  return c;
}

Eigen::MatrixXi decisionMatrix(const std::vector<std::vector<int>>& decisions, std::size_t stages) {
  Eigen::MatrixXi m(static_cast<Eigen::Index>(decisions.size()), static_cast<Eigen::Index>(stages));
  for (std::size_t k = 0; k < decisions.size(); ++k) {
    for (std::size_t i = 0; i < stages; ++i) {
      m(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i)) = decisions[k][i];
    }
  }
  return m;
}

// Converts x in order after one warm-up conversion of its last sample (and that sample's noise
// values), dropping the warm-up's code.
std::vector<std::int64_t> convertAfterLast(const adc::PipelineModel& model,
                                           const Eigen::VectorXd& x, const Eigen::MatrixXd* noise) {
  const Eigen::Index n = x.size();
  Eigen::VectorXd xw(n + 1);
  xw << x(n - 1), x;
  Eigen::MatrixXd nw;
  if (noise != nullptr) {
    nw.resize(n + 1, noise->cols());
    nw << noise->row(n - 1), *noise;
  }
  std::vector<std::int64_t> codes =
      model.convert(model.nominal(), xw, nullptr, nullptr, noise != nullptr ? &nw : nullptr);
  codes.erase(codes.begin());
  return codes;
}

// Conversions a level needs in the calibration ramp for its own gain error to be fitted.
constexpr int kMinLevelGainPoints = 3;

// rms and max |sum_i T_i[d_i] - x| in output LSB.
std::pair<double, double> residualLsb(const adc::Pipeline& pipeline,
                                      const std::vector<std::vector<double>>& table,
                                      const Eigen::MatrixXi& d, const std::vector<double>& x) {
  const double lsb = (pipeline.hi() - pipeline.lo()) / std::ldexp(1.0, pipeline.bits);
  double sum2 = 0.0;
  double worst = 0.0;
  for (Eigen::Index k = 0; k < d.rows(); ++k) {
    double v = 0.0;
    for (Eigen::Index i = 0; i < d.cols(); ++i) {
      v += table[static_cast<std::size_t>(i)][static_cast<std::size_t>(d(k, i))];
    }
    const double e = (v - x[static_cast<std::size_t>(k)]) / lsb;
    sum2 += e * e;
    worst = std::max(worst, std::abs(e));
  }
  return {std::sqrt(sum2 / static_cast<double>(std::max<Eigen::Index>(1, d.rows()))), worst};
}

}  // namespace

void fitBuildableStages(const adc::Design& design, const std::vector<double>& x_v,
                        const std::vector<std::vector<int>>& decisions,
                        const std::vector<std::vector<double>>& residues_v,
                        BuildableCalibration& c) {
  const auto& stages = design.pipeline.stages;
  c.stages.clear();
  c.fit_rms_v.clear();
  c.decision_error_max_v.clear();
  c.residue_peak_v.clear();
  for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
    const adc::StageShape& shape = stages[i].adc.shape;
    const adc::StageShape& next = stages[i + 1].adc.shape;
    const int levels = 1 << shape.bits;
    const double step = adc::stageStep(shape);
    const double c_next = adc::stageCentre(next);
    const Eigen::Index n = static_cast<Eigen::Index>(decisions.size());
    const double centre = adc::stageCentre(shape);
    std::vector<int> seen(static_cast<std::size_t>(levels), 0);
    for (const auto& row : decisions) ++seen[static_cast<std::size_t>(row[i])];
    // A level's own gain (relative to the common one, which is the most used level's) only where
    // enough conversions pin it: gain_column[d] is its column, -1 for none.
    const auto most_used = std::max_element(seen.begin(), seen.end()) - seen.begin();
    std::vector<Eigen::Index> gain_column(static_cast<std::size_t>(levels), -1);
    // Columns: e, e^2, e^3, the previous conversion's input - centre (memory), one-hot level,
    // e on each gain level.
    Eigen::Index cols = 4 + levels;
    for (std::size_t d = 0; d < gain_column.size(); ++d) {
      if (static_cast<std::ptrdiff_t>(d) != most_used && seen[d] >= kMinLevelGainPoints) {
        gain_column[d] = cols++;
      }
    }
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, cols);
    Eigen::VectorXd y(n);
    double decision_error = 0.0;
    double peak = 0.0;
    const auto input = [&](Eigen::Index k) {
      const auto sk = static_cast<std::size_t>(k);
      return i == 0 ? x_v[sk] : residues_v[sk][i - 1];
    };
    for (Eigen::Index k = 0; k < n; ++k) {
      const auto sk = static_cast<std::size_t>(k);
      const double v = input(k);
      const int d = decisions[sk][i];
      const double e = v - adc::stageDac(shape, d);
      a(k, 0) = e;
      a(k, 1) = e * e;
      a(k, 2) = e * e * e;
      // The deck's warm-up conversions wrap around the ramp: the first one's previous conversion
      // is the last.
      a(k, 3) = input((k + n - 1) % n) - centre;
      a(k, 4 + d) = 1.0;
      const Eigen::Index gc = gain_column[static_cast<std::size_t>(d)];
      if (gc >= 0) a(k, gc) = e;
      y(k) = (residues_v[sk][i] - c_next) / stages[i].gain;
      decision_error = std::max(decision_error, 2.0 * (std::abs(e) - 0.5 * step));
      peak = std::max(peak, 2.0 * std::abs(residues_v[sk][i] - c_next));
    }
    // Unseen levels: a zero column; pin their constant to 0 with a tiny ridge.
    Eigen::MatrixXd ata = a.transpose() * a;
    ata.diagonal().array() += 1e-12 * std::max(1.0, ata.diagonal().maxCoeff());
    const Eigen::VectorXd p = ata.ldlt().solve(a.transpose() * y);
    adc::AmplifierModel m;
    m.gain_error = p(0) - 1.0;
    m.a2_per_v = p(1);
    m.a3_per_v2 = p(2);
    m.memory = p(3);
    m.level_gain_error.assign(static_cast<std::size_t>(levels), 0.0);
    for (std::size_t d = 0; d < gain_column.size(); ++d) {
      if (gain_column[d] >= 0) m.level_gain_error[d] = p(gain_column[d]);
    }
    m.dac_error_v.assign(static_cast<std::size_t>(levels), 0.0);
    for (int d = 0; d < levels; ++d) {
      if (seen[static_cast<std::size_t>(d)] > 0) {
        const double slope = 1.0 + m.gain_error + m.level_gain_error[static_cast<std::size_t>(d)];
        m.dac_error_v[static_cast<std::size_t>(d)] = -p(4 + d) / slope;
      }
    }
    const Eigen::VectorXd r = (a * p - y) * stages[i].gain;
    c.fit_rms_v.push_back(n > 0 ? std::sqrt(r.squaredNorm() / static_cast<double>(n)) : 0.0);
    c.stages.push_back(std::move(m));
    c.decision_error_max_v.push_back(decision_error);
    c.residue_peak_v.push_back(peak);
  }
}

adc::Pipeline extractedPipeline(const adc::Design& design, const BuildableCalibration& calibration,
                                const std::vector<double>& noise_v_rms) {
  adc::Pipeline p = design.pipeline;
  for (std::size_t i = 0; i + 1 < p.stages.size() && i < calibration.stages.size(); ++i) {
    p.stages[i].amplifier = calibration.stages[i];
    p.stages[i].amplifier.noise_v_rms = i < noise_v_rms.size() ? 0.5 * noise_v_rms[i] : 0.0;
    p.stages[i].mdac.reset();
  }
  p.table = calibration.table;
  p.calibrated = true;
  return p;
}

BuildableCalibration calibrateBuildable(sim::WorkerPool& pool, const adc::Design& design,
                                        const spice::BuildableOptions& options, int points,
                                        double span, double timeout_s) {
  const std::size_t stages = design.pipeline.stages.size();
  int unknowns = 0;
  for (const auto& st : design.pipeline.stages) unknowns += 1 << st.adc.shape.bits;
  if (points < unknowns || points > (1 << 16)) {
    throw InputError("NNADC-NET-012", "field 'calibrate' = " + std::to_string(points) +
                                          ": the calibration ramp needs " +
                                          std::to_string(unknowns) +
                                          " to 65536 points (one per table entry at least)");
  }
  requireInRange("NNADC-NET-012", "calibration-span", span, 0.05, 1.0, "");
  spice::BuildableOptions o = options;
  o.noise_v_rms.clear();
  o.held_input = true;
  o.samples = points;
  o.cycles = 0;
  o.first_sample = 0;
  o.sample_count = 0;
  const double vcm = 0.5 * design.vdd_v;
  o.inputs_v.clear();
  // The ramp's steps in a scrambled order (k s mod N, s near N / golden ratio and coprime with
  // N): consecutive conversions are far apart as in a sine, so that an error which depends on the
  // previous sample (settling from the last residue, charge left on a sampling capacitor) is seen
  // as it is in use instead of hiding between neighbouring ramp steps.
  int stride = static_cast<int>(std::lround(points * 0.6180339887));
  while (std::gcd(stride, points) != 1) ++stride;
  for (int k = 0; k < points; ++k) {
    const int step = static_cast<int>((static_cast<long long>(k) * stride) % points);
    o.inputs_v.push_back(vcm + span * vcm * (2.0 * (step + 0.5) / points - 1.0));
  }
  BuildableCalibration c;
  c.points = points;
  c.span = span;
  c.unit_cap_f = options.cell.unit_cap_f;
  c.fs_hz = options.cell.fs_hz;
  const sim::BuildableRun run = sim::runBuildable(pool, design, o, timeout_s);
  const Eigen::MatrixXi d = decisionMatrix(run.decisions, stages);
  const adc::PipelineModel model(design.pipeline, design);
  c.table = model.calibrateFrom(toVector(run.plan.x_v), d);
  std::tie(c.residual_rms_lsb, c.residual_max_lsb) =
      residualLsb(design.pipeline, c.table, d, run.plan.x_v);
  c.ideal_residual_rms_lsb =
      residualLsb(design.pipeline, design.pipeline.table, d, run.plan.x_v).first;
  fitBuildableStages(design, run.plan.x_v, run.decisions, run.residues_v, c);
  c.ramp_x_v = run.plan.x_v;
  c.ramp_decisions = run.decisions;
  c.ramp_residues_v = run.residues_v;
  c.elapsed_s = run.elapsed_s;
  return c;
}

BuildableSummary measureBuildable(sim::WorkerPool& pool, const adc::Design& design,
                                  const spice::BuildableOptions& options, double timeout_s,
                                  std::optional<BuildableCalibration> calibration) {
  // The record is measured as a whole: refuse a too-short one before any simulation runs.
  if (options.samples < static_cast<int>(metrics::kMinSamples)) {
    throw InputError("NNADC-NET-012", "field 'samples' = " + std::to_string(options.samples) +
                                          " is below the " + std::to_string(metrics::kMinSamples) +
                                          " samples the metrics need");
  }
  const spice::BuildablePlan plan0 = spice::buildablePlan(design, options);
  // The record is coherent by construction (J odd, coprime with N): no window, as IEEE 1241
  // measures coherent records. Analyse the model's codes of the same inputs before simulating, so
  // that a record the metrics refuse fails before any job runs.
  metrics::AnalysisOptions bo;
  bo.bits = design.pipeline.bits;
  bo.window = metrics::Window::kNone;
  {
    const adc::PipelineModel nominal(design.pipeline, design);
    (void)metrics::analyzeCodes(nominal.convert(nominal.nominal(), toVector(plan0.x_v)), bo);
  }
  BuildableSummary s;
  s.options = options;
  s.noise = std::any_of(options.noise_v_rms.begin(), options.noise_v_rms.end(),
                        [](double v) { return v > 0; });
  s.run = sim::runBuildable(pool, design, options, timeout_s);
  const spice::BuildablePlan& plan = s.run.plan;
  s.x_v = plan.x_v;
  const std::size_t stages = design.pipeline.stages.size();

  // The behavioural model on the same samples, noiseless, or with the very noise values the deck
  // drew (spice::buildableNoise of each record sample; in the model's single-ended units: half
  // the differential value, added to each residue stage's input-referred error).
  Eigen::MatrixXd noise_v;
  if (s.noise) {
    noise_v = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(s.x_v.size()),
                                    static_cast<Eigen::Index>(stages));
    for (Eigen::Index k = 0; k < noise_v.rows(); ++k) {
      const std::vector<double> n =
          spice::buildableNoise(options, stages, plan.first_sample + static_cast<int>(k));
      for (std::size_t i = 0; i + 1 < stages; ++i) {
        noise_v(k, static_cast<Eigen::Index>(i)) = 0.5 * n[i];
      }
    }
  }
  const Eigen::MatrixXd* noise = s.noise ? &noise_v : nullptr;
  const adc::PipelineModel model(design.pipeline, design);
  const Eigen::VectorXd x = toVector(s.x_v);
  adc::PipelineTrace trace;
  s.behavioural_codes = model.convert(model.nominal(), x, &trace, nullptr, noise);

  const CodeComparison behavioural = compareCodes(s.run.codes, s.behavioural_codes);
  s.agreement = behavioural.equal;
  s.max_code_difference = behavioural.max_difference;
  s.stage_decision_agreement.assign(stages, 0.0);
  for (std::size_t k = 0; k < s.run.codes.size(); ++k) {
    for (std::size_t i = 0; i < stages; ++i) {
      if (s.run.decisions[k][i] ==
          trace.decisions(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i))) {
        s.stage_decision_agreement[i] += 1.0;
      }
    }
  }
  const auto n = static_cast<double>(std::max<std::size_t>(1, s.run.codes.size()));
  for (double& a : s.stage_decision_agreement) a /= n;

  metrics::AnalysisOptions ao = bo;
  ao.fs_hz = options.cell.fs_hz;
  ao.power_w = s.run.power_w;
  if (calibration) {
    s.uncalibrated_codes = s.run.codes;
    s.uncalibrated_enob = metrics::analyzeCodes(s.uncalibrated_codes, ao).spectrum->enob;
    adc::PipelineModel calibrated(design.pipeline, design);
    calibrated.setTable(calibration->table);
    s.run.codes = calibrated.codes(decisionMatrix(s.run.decisions, stages));
    s.calibration = std::move(calibration);
  }
  s.analysis = metrics::analyzeCodes(s.run.codes, ao);
  if (!s.calibration) s.uncalibrated_enob = s.analysis.spectrum->enob;
  if (s.calibration && !s.calibration->stages.empty()) {
    const adc::Pipeline extracted = extractedPipeline(
        design, *s.calibration, s.noise ? options.noise_v_rms : std::vector<double>{});
    const adc::PipelineModel em(extracted, design);
    s.extracted = true;
    // The deck's warm-up conversions wrap around the record, so in SPICE the first sample's
    // previous conversion is the last one: one warm-up conversion gives the model's stage
    // memories the same state.
    const bool whole_record = plan.first_sample == 0 && x.size() == options.samples;
    s.extracted_codes = whole_record ? convertAfterLast(em, x, noise)
                                     : em.convert(em.nominal(), x, nullptr, nullptr, noise);
    const CodeComparison extracted_vs_spice = compareCodes(s.run.codes, s.extracted_codes);
    s.extracted_agreement = extracted_vs_spice.equal;
    s.extracted_within_one_lsb = extracted_vs_spice.within_one;
    s.extracted_max_code_difference = extracted_vs_spice.max_difference;
    s.extracted_enob = metrics::analyzeCodes(s.extracted_codes, bo).spectrum->enob;
  }
  s.behavioural_enob = metrics::analyzeCodes(s.behavioural_codes, bo).spectrum->enob;
  return s;
}

}  // namespace nnadc::eval
