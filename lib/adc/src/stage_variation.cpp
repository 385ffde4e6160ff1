#include "nnadc/adc/stage_variation.h"

#include <algorithm>
#include <cmath>

#include "nnadc/adc/stage_trainer.h"
#include "nnadc/core/check.h"
#include "nnadc/core/error.h"

namespace nnadc::adc {

namespace {
constexpr int kFailureRampPerLevel = 64;  // transition positions to 1/64 LSB per draw
}  // namespace

std::string variationModeName(VariationMode mode) {
  switch (mode) {
    case VariationMode::kPlain:
      return "plain";
    case VariationMode::kPassive:
      return "passive";
    case VariationMode::kActive:
      return "active";
    case VariationMode::kBoth:
      return "both";
  }
  return "plain";
}

VariationMode parseVariationMode(const std::string& name, const std::string& where) {
  for (const VariationMode m : {VariationMode::kPlain, VariationMode::kPassive,
                                VariationMode::kActive, VariationMode::kBoth}) {
    if (name == variationModeName(m)) return m;
  }
  throw InputError("NNADC-CFG-007",
                   where + " = '" + name + "' is not one of plain, passive, active, both");
}

void StageVariation::validate() const {
  rram.validate();
  requireInRange("NNADC-CFG-003", "variation.lambda", lambda, 0.0, 1e6);
  if (!(fd_step > 0.0)) {
    throw InputError("NNADC-CFG-003", "field 'variation.fd_step' = " + std::to_string(fd_step) +
                                          " is outside (0, 1]");
  }
  requireInRange("NNADC-CFG-003", "variation.fd_step", fd_step, 0.0, 1.0);
  requireInRange("NNADC-CFG-003", "variation.score_draws", score_draws, 0, 4096);
  requireInRange("NNADC-CFG-003", "variation.margin_lsb", margin_lsb, 0.0, 64.0);
  for (const double s : {cmos.vt_n_v, cmos.beta_n, cmos.vt_p_v, cmos.beta_p}) {
    requireInRange("NNADC-CFG-003", "variation CMOS sigma", s, 0.0, 1.0);
  }
}

double StageVariation::thresholdSigma() const {
  const ThresholdSensitivity& s = sensitivity;
  return std::sqrt(std::pow(s.dvm_dvtn * cmos.vt_n_v, 2) + std::pow(s.dvm_dvtp * cmos.vt_p_v, 2) +
                   std::pow(s.dvm_dbetan_v * cmos.beta_n, 2) +
                   std::pow(s.dvm_dbetap_v * cmos.beta_p, 2));
}

double StageVariation::cellSigma() const {
  return std::hypot(rram.lognormal_sigma, rram.read_noise_sigma);
}

StageDraw drawStage(const StageShape& shape, const StageVariation& variation, Rng& rng) {
  StageDraw d;
  const rram::VariationOptions& r = variation.rram;
  const auto cells = [&](Eigen::Index rows, Eigen::Index cols, Eigen::ArrayXXd& factor,
                         Eigen::ArrayXXi& stuck) {
    factor.resize(rows, cols);
    stuck.resize(rows, cols);
    for (Eigen::Index i = 0; i < factor.size(); ++i) {
      double f = rram::lognormalFactor(rng, r.lognormal_sigma);
      const double u = rng.uniform();  // stuck-at, as rram::applyProgrammingVariation
      f *= 1.0 + r.read_noise_sigma * rng.normal();
      factor.data()[i] = std::max(f, 0.0);
      stuck.data()[i] = u < r.stuck_off_rate ? 1 : (u < r.stuck_off_rate + r.stuck_on_rate ? 2 : 0);
    }
  };
  cells(shape.hidden, kInputRows, d.factor1, d.stuck1);
  cells(shape.outputs(), shape.outputRows(), d.factor2, d.stuck2);
  const InverterLayout layout{shape.hidden, shape.outputs(), 0};
  d.inverters.resize(layout.size());
  for (InverterMismatch& m : d.inverters) m = drawInverter(variation.cmos, rng);
  return d;
}

void applyDraw(const StageDraw& draw, const StageShape& shape, double g_max_s,
               const ThresholdSensitivity& sensitivity, StageConductances& g) {
  const auto cells = [&](Eigen::MatrixXd& m, const Eigen::ArrayXXd& factor,
                         const Eigen::ArrayXXi& stuck) {
    for (Eigen::Index i = 0; i < m.size(); ++i) {
      double& v = m.data()[i];
      if (v <= 0.0) continue;  // no device: nothing to vary or to get stuck
      const int s = stuck.data()[i];
      v = s == 1 ? 0.0 : (s == 2 ? g_max_s : v * factor.data()[i]);
    }
  };
  cells(g.g1, draw.factor1, draw.stuck1);
  cells(g.g2, draw.factor2, draw.stuck2);
  applyStageShifts(draw.inverters, InverterLayout{shape.hidden, shape.outputs(), 0}, g,
                   sensitivity);
}

double levelErrorSquared(const StageShape& shape, const Decoder& decoder,
                         const std::vector<Word>& words, const Eigen::VectorXd& x) {
  double sum_sq = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double ideal = idealContinuousLevel(x(i), shape);  // a stage's target, if it has one
    const double e = decoder.decode(words[static_cast<std::size_t>(i)]) + 0.5 - ideal;
    sum_sq += e * e;
  }
  return sum_sq;
}

VariationScore::VariationScore(const StageShape& shape, const StageVariation& variation,
                               const Eigen::VectorXd& x, std::uint64_t seed)
    : shape_(shape),
      sensitivity_(variation.sensitivity),
      count_(x.size()),
      margin_lsb_(variation.margin_lsb) {
  const int k = std::max(1, variation.score_draws);
  Rng rng(seed);
  for (int d = 0; d < k; ++d) draws_.push_back(drawStage(shape, variation, rng));
  if (margin_lsb_ > 0.0) {
    std::vector<int> ideal;
    makeRamp(shape, kFailureRampPerLevel, ramp_, ideal);
    return;
  }
  inputs_.resize(static_cast<std::size_t>(k));
  for (int d = 0; d < k; ++d) {
    const Eigen::Index n = x.size() > d ? (x.size() - d + k - 1) / k : 0;
    Eigen::VectorXd& v = inputs_[static_cast<std::size_t>(d)];
    v.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) v(i) = x(d + i * k);
  }
}

double VariationScore::score(const StageModel& model, const StageCells& cells,
                             const Decoder& decoder) const {
  const StageConductances nominal = model.conductances(cells);
  if (margin_lsb_ > 0.0) return failureScore(model, nominal, decoder);
  const double g_max = model.levels().conductances().back();
  double sum_sq = 0.0;
  for (std::size_t d = 0; d < draws_.size(); ++d) {
    if (inputs_[d].size() == 0) continue;
    StageConductances g = nominal;
    applyDraw(draws_[d], shape_, g_max, sensitivity_, g);
    sum_sq += levelErrorSquared(shape_, decoder, model.words(g, inputs_[d]), inputs_[d]);
  }
  const double rms = std::sqrt(sum_sq / static_cast<double>(std::max<Eigen::Index>(count_, 1)));
  return shape_.bits - std::log2(rms * std::sqrt(12.0));
}

double VariationScore::failureScore(const StageModel& model, const StageConductances& nominal,
                                    const Decoder& decoder) const {
  const int levels = 1 << shape_.bits;
  const double per_level = static_cast<double>(ramp_.size()) / levels;
  const std::size_t k = draws_.size();
  // errors(t, d): transition t + 1's code-density position in draw d, minus its ideal [LSB].
  Eigen::MatrixXd errors(levels - 1, static_cast<Eigen::Index>(k));
  for (std::size_t d = 0; d < k; ++d) {
    StageConductances g = nominal;
    applyDraw(draws_[d], shape_, model.levels().conductances().back(), sensitivity_, g);
    const auto words = model.words(g, ramp_);
    std::vector<int> below(static_cast<std::size_t>(levels), 0);  // points decoded as level l
    for (const Word w : words) {
      ++below[static_cast<std::size_t>(std::clamp(decoder.decode(w), 0, levels - 1))];
    }
    int count = 0;
    for (int t = 1; t < levels; ++t) {
      count += below[static_cast<std::size_t>(t - 1)];
      errors(t - 1, static_cast<Eigen::Index>(d)) = count / per_level - t;
    }
  }
  // Standard normal upper tail.
  const auto q = [](double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); };
  constexpr double kSigmaFloor = 1e-3;  // [LSB]: a transition no draw moves is not certain
  double p = 0.0;
  for (Eigen::Index t = 0; t < errors.rows(); ++t) {
    const double mu = errors.row(t).mean();
    const double var = (errors.row(t).array() - mu).square().sum() /
                       std::max<double>(1.0, static_cast<double>(k) - 1.0);
    const double sigma = std::max(std::sqrt(var), kSigmaFloor);
    p += q((margin_lsb_ - mu) / sigma) + q((margin_lsb_ + mu) / sigma);
  }
  return -std::log10(std::max(p, 1e-300));
}

double softplus(double v) { return v > 30 ? v : (v < -30 ? std::exp(v) : std::log1p(std::exp(v))); }
double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

double stageLossGradient(const StageModel& model, const StageConductances& g,
                         const Eigen::VectorXd& x, const Eigen::ArrayXXd& target, double kappa,
                         StageForward& f, Eigen::MatrixXd& dg1, Eigen::MatrixXd& dg2,
                         StageShiftGradient* shift) {
  const double batch = static_cast<double>(x.size());
  model.forward(g, x, f);
  Eigen::ArrayXXd z = kappa * (model.threshold() - f.o);
  if (g.shift_o.size() != 0) z.rowwise() += kappa * g.shift_o.transpose().array();
  const Eigen::ArrayXXd tz = target * z;
  const double loss = tz.unaryExpr([](double v) { return softplus(-v); }).sum() / batch;
  const Eigen::ArrayXXd dl_do =
      kappa * target * (-tz).unaryExpr([](double v) { return sigmoid(v); }) / batch;
  model.backward(g, f, dl_do, dg1, dg2, shift != nullptr ? &shift->h : nullptr,
                 shift != nullptr ? &shift->hb : nullptr);
  // z = kappa (threshold + shift_o - o): a shift acts as -o does.
  if (shift != nullptr) shift->o = -(dl_do.colwise().sum().transpose().matrix());
  return loss;
}

double activePenalty(const StageModel& model, const StageConductances& g, const Eigen::VectorXd& x,
                     const Eigen::ArrayXXd& target, double kappa, const StageVariation& variation,
                     const Eigen::MatrixXd& e1, const Eigen::MatrixXd& e2,
                     const StageShiftGradient& exact, Eigen::MatrixXd& p1, Eigen::MatrixXd& p2) {
  const double sc = variation.cellSigma();
  const double st = variation.thresholdSigma();
  const Eigen::ArrayXXd s1 = sc * g.g1.array();
  const Eigen::ArrayXXd s2 = sc * g.g2.array();
  const double st2 = st * st;
  const double penalty =
      variation.lambda *
      ((s1 * e1.array()).square().sum() + (s2 * e2.array()).square().sum() +
       st2 * (exact.h.squaredNorm() + exact.hb.squaredNorm() + exact.o.squaredNorm()));
  p1 = Eigen::MatrixXd::Zero(e1.rows(), e1.cols());
  p2 = Eigen::MatrixXd::Zero(e2.rows(), e2.cols());
  // v_i = s_i^2 dL/dp_i; its displacement in sigmas is s_i |dL/dp_i|.
  double largest = std::max((s1 * e1.array()).abs().maxCoeff(), (s2 * e2.array()).abs().maxCoeff());
  if (st > 0.0) {
    largest = std::max({largest, st * exact.h.cwiseAbs().maxCoeff(),
                        st * exact.hb.cwiseAbs().maxCoeff(), st * exact.o.cwiseAbs().maxCoeff()});
  }
  if (!(largest > 0.0) || variation.lambda == 0.0) return penalty;
  const double e = variation.fd_step / largest;
  Eigen::MatrixXd a1;
  Eigen::MatrixXd a2;
  Eigen::MatrixXd b1;
  Eigen::MatrixXd b2;
  StageForward fa;
  StageForward fb;
  for (const double sign : {1.0, -1.0}) {
    StageConductances q = g;
    q.g1.array() += sign * e * s1.square() * e1.array();
    q.g2.array() += sign * e * s2.square() * e2.array();
    if (st > 0.0) {
      q.shift_h = sign * e * st2 * exact.h;
      q.shift_hb = sign * e * st2 * exact.hb;
      q.shift_o = sign * e * st2 * exact.o;
    }
    if (sign > 0) {
      (void)stageLossGradient(model, q, x, target, kappa, fa, a1, a2, nullptr);
    } else {
      (void)stageLossGradient(model, q, x, target, kappa, fb, b1, b2, nullptr);
    }
  }
  // grad P = 2 lambda H v, H v ~ (grad(p + e v) - grad(p - e v)) / (2 e).
  p1 = (variation.lambda / e) * (a1 - b1);
  p2 = (variation.lambda / e) * (a2 - b2);
  return penalty;
}

}  // namespace nnadc::adc
