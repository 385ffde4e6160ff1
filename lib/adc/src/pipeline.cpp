#include "nnadc/adc/pipeline.h"

#include "nnadc/adc/mdac.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"

namespace nnadc::adc {

std::string residueStyleName(ResidueStyle style) {
  return style == ResidueStyle::kAmplifier ? "amplifier" : "network";
}

ResidueStyle parseResidueStyle(const std::string& name) {
  if (name == "amplifier") return ResidueStyle::kAmplifier;
  if (name == "network") return ResidueStyle::kNetwork;
  throw InputError("NNADC-CFG-007",
                   "field 'residue' = '" + name + "' is not one of amplifier, network");
}

int pipelineResolution(const std::vector<int>& stage_bits, int redundancy) {
  int total = 0;
  for (std::size_t i = 0; i < stage_bits.size(); ++i) {
    total += i + 1 < stage_bits.size() ? stage_bits[i] - redundancy : stage_bits[i];
  }
  return total;
}

namespace {
constexpr Eigen::Index kChunk = 1 << 15;
}  // namespace

std::vector<std::vector<double>> idealTable(const Pipeline& p) {
  std::vector<std::vector<double>> table;
  double scale = 1.0;  // 1 / prod_{j<i} G_j
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    const StageShape& s = p.stages[i].adc.shape;
    std::vector<double> t(static_cast<std::size_t>(1 << s.bits));
    for (int d = 0; d < (1 << s.bits); ++d) {
      t[static_cast<std::size_t>(d)] =
          i == 0 ? stageDac(s, d) : (stageDac(s, d) - stageCentre(s)) * scale;
    }
    table.push_back(std::move(t));
    scale /= p.stages[i].gain;
  }
  return table;
}

PipelineModel::PipelineModel(const Pipeline& pipeline, const Design& base)
    : pipeline_(pipeline), levels_(base.rram) {
  for (const PipelineStage& st : pipeline_.stages) {
    models_.emplace_back(st.adc.shape, base.vtc, levels_);
    decoders_.push_back(stageDecoder(st.adc));
    dense_.push_back(st.adc.shape.outputs() <= 20 ? decoders_.back().dense(st.adc.shape.outputs())
                                                  : std::vector<int>{});
    residues_.emplace_back(st.adc.shape.outputs(), std::max(st.network.hidden, 1), base.vdd_v,
                           nn::TabulatedActivation(base.vtc), levels_);
  }
  if (pipeline_.table.empty()) pipeline_.table = idealTable(pipeline_);
}

PipelineConductances PipelineModel::nominal() const {
  PipelineConductances g;
  for (std::size_t i = 0; i < pipeline_.stages.size(); ++i) {
    g.adc.push_back(models_[i].conductances(pipeline_.stages[i].adc.cells));
    const auto& st = pipeline_.stages[i];
    g.residue.push_back(st.residue == ResidueStyle::kNetwork ? residues_[i].conductances(st.network)
                                                             : ResidueConductances{});
  }
  return g;
}

PipelineConductances PipelineModel::draw(const rram::VariationOptions& variation, Rng& rng) const {
  PipelineConductances g = nominal();
  const auto vary = [&](Eigen::MatrixXd& m) {
    std::vector<double> v(m.data(), m.data() + m.size());
    rram::applyProgrammingVariation(v, levels_.gMax(), variation, rng);
    std::copy(v.begin(), v.end(), m.data());
  };
  for (std::size_t i = 0; i < g.adc.size(); ++i) {
    vary(g.adc[i].g1);
    vary(g.adc[i].g2);
    if (g.residue[i].g1.size() > 0) {
      vary(g.residue[i].g1);
      vary(g.residue[i].g2);
    }
  }
  for (std::size_t i = 0; i + 1 < pipeline_.stages.size(); ++i) {
    const PipelineStage& st = pipeline_.stages[i];
    if (!st.mdac || st.mdac->cap_sigma <= 0.0) continue;
    if (g.amplifier.empty()) {
      for (const PipelineStage& s : pipeline_.stages) g.amplifier.push_back(s.amplifier);
    }
    const StageShape& shape = st.adc.shape;
    g.amplifier[i] =
        mdacAmplifier(*st.mdac, shape.bits, st.gain, shape.input_hi_v - shape.input_lo_v, &rng);
  }
  return g;
}

void PipelineModel::trace(const PipelineConductances& g, const Eigen::VectorXd& x,
                          PipelineTrace& out, Rng* noise, const Eigen::MatrixXd* noise_v) const {
  if (noise_v != nullptr &&
      (noise_v->rows() != x.size() ||
       noise_v->cols() != static_cast<Eigen::Index>(pipeline_.stages.size()))) {
    throw InputError("NNADC-DES-002", "noise values of " + std::to_string(noise_v->rows()) + " x " +
                                          std::to_string(noise_v->cols()) + " for " +
                                          std::to_string(x.size()) + " inputs and " +
                                          std::to_string(pipeline_.stages.size()) + " stages");
  }
  if (!g.cmos.empty()) {
    // A die's CMOS mismatch enters as inverter threshold shifts (mismatch.h); applied on a copy
    // whose cmos is then cleared, so this branch runs once.
    PipelineConductances shifted = g;
    applyThresholdShifts(pipeline_, shifted);
    shifted.cmos.clear();
    trace(shifted, x, out, noise, noise_v);
    return;
  }
  const auto stages = static_cast<Eigen::Index>(pipeline_.stages.size());
  out.decisions.resize(x.size(), stages);
  out.inputs.resize(x.size(), stages);
  const double vdd = pipeline_.stages.front().adc.shape.vdd_v;
  for (Eigen::Index start = 0; start < x.size(); start += kChunk) {
    const Eigen::Index n = std::min(kChunk, x.size() - start);
    Eigen::VectorXd v = x.segment(start, n);
    for (Eigen::Index i = 0; i < stages; ++i) {
      const auto si = static_cast<std::size_t>(i);
      const PipelineStage& st = pipeline_.stages[si];
      out.inputs.col(i).segment(start, n) = v;
      const auto words = models_[si].words(g.adc[si], v);
      // Only a residue network reads the raw bits; amplifier stages need just the decision.
      const bool need_bits = st.residue == ResidueStyle::kNetwork && i + 1 < stages;
      Eigen::MatrixXd bits(need_bits ? n : 0, st.adc.shape.outputs());
      for (Eigen::Index k = 0; k < n; ++k) {
        const Word w = words[static_cast<std::size_t>(k)];
        out.decisions(start + k, i) =
            dense_[si].empty() ? decoders_[si].decode(w) : dense_[si][static_cast<std::size_t>(w)];
        if (!need_bits) continue;
        for (int b = 0; b < st.adc.shape.outputs(); ++b) {
          bits(k, b) = static_cast<double>((w >> b) & 1U);
        }
      }
      if (i + 1 == stages) break;
      const StageShape& next = pipeline_.stages[si + 1].adc.shape;
      if (st.residue == ResidueStyle::kNetwork) {
        v = residues_[si].evaluate(g.residue[si], v, bits);
      } else {
        const AmplifierModel& a = g.amplifier.empty() ? st.amplifier : g.amplifier[si];
        const bool noisy = noise != nullptr && a.noise_v_rms > 0.0;
        const double centre = stageCentre(st.adc.shape);
        for (Eigen::Index k = 0; k < n; ++k) {
          const int d = out.decisions(start + k, i);
          const double e = v(k) - stageDac(st.adc.shape, d);
          const double n_v = noise_v != nullptr ? (*noise_v)(start + k, i)
                             : noisy            ? a.noise_v_rms * noise->normal()
                                                : 0.0;
          // The first conversion's "previous" input is its own (a converter that has been
          // converting the same value; a deck's warm-up instead wraps around the record, so
          // this differs from SPICE for that one conversion).
          const Eigen::Index previous = start + k > 0 ? start + k - 1 : 0;
          const double p = out.inputs(previous, i) - centre;
          v(k) = stageCentre(next) + st.gain * (a.transfer(e, d, p) + n_v);
        }
      }
      // A real residue cannot leave the supply rails.
      v = v.cwiseMax(0.0).cwiseMin(vdd);
    }
  }
}

template <typename Decision>
std::int64_t PipelineModel::combine(Eigen::Index stages, Decision decision) const {
  const double lo = pipeline_.lo();
  const double lsb = (pipeline_.hi() - lo) / std::ldexp(1.0, pipeline_.bits);
  const std::int64_t top = (std::int64_t{1} << pipeline_.bits) - 1;
  double v = 0.0;
  for (Eigen::Index i = 0; i < stages; ++i) {
    v += pipeline_.table[static_cast<std::size_t>(i)][static_cast<std::size_t>(decision(i))];
  }
  return std::clamp(static_cast<std::int64_t>(std::floor((v - lo) / lsb)), std::int64_t{0}, top);
}

std::int64_t PipelineModel::code(const std::vector<int>& decisions) const {
  if (decisions.size() != pipeline_.stages.size()) {
    throw InputError("NNADC-DES-002", std::to_string(decisions.size()) + " decisions for a " +
                                          std::to_string(pipeline_.stages.size()) +
                                          "-stage pipeline");
  }
  return combine(static_cast<Eigen::Index>(decisions.size()),
                 [&](Eigen::Index i) { return decisions[static_cast<std::size_t>(i)]; });
}

std::vector<std::int64_t> PipelineModel::convert(const PipelineConductances& g,
                                                 const Eigen::VectorXd& x, PipelineTrace* trace_out,
                                                 Rng* noise, const Eigen::MatrixXd* noise_v) const {
  PipelineTrace local;
  PipelineTrace& t = trace_out != nullptr ? *trace_out : local;
  trace(g, x, t, noise, noise_v);
  return codes(t.decisions);
}

std::vector<std::int64_t> PipelineModel::codes(const Eigen::MatrixXi& decisions) const {
  std::vector<std::int64_t> out(static_cast<std::size_t>(decisions.rows()));
  for (Eigen::Index k = 0; k < decisions.rows(); ++k) {
    out[static_cast<std::size_t>(k)] =
        combine(decisions.cols(), [&](Eigen::Index i) { return decisions(k, i); });
  }
  return out;
}

Eigen::VectorXd PipelineModel::calibrationRamp(int points) const {
  Eigen::VectorXd x(points);
  const double lo = pipeline_.lo();
  const double hi = pipeline_.hi();
  for (int k = 0; k < points; ++k) x(k) = lo + (hi - lo) * (k + 0.5) / points;
  return x;
}

std::vector<std::vector<double>> PipelineModel::calibrate(const PipelineConductances& g,
                                                          int points) const {
  const Eigen::VectorXd x = calibrationRamp(points);
  PipelineTrace t;
  trace(g, x, t);
  return calibrateFrom(x, t.decisions);
}

std::vector<std::vector<double>> PipelineModel::calibrateFrom(
    const Eigen::VectorXd& x, const Eigen::MatrixXi& decisions) const {
  std::vector<Eigen::Index> offset;
  Eigen::Index unknowns = 0;
  for (const auto& st : pipeline_.stages) {
    offset.push_back(unknowns);
    unknowns += 1 << st.adc.shape.bits;
  }
  Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(unknowns, unknowns);
  Eigen::VectorXd atb = Eigen::VectorXd::Zero(unknowns);
  std::vector<Eigen::Index> idx(pipeline_.stages.size());
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    for (std::size_t i = 0; i < idx.size(); ++i) {
      idx[i] = offset[i] + decisions(k, static_cast<Eigen::Index>(i));
    }
    for (const Eigen::Index a : idx) {
      atb(a) += x(k);
      for (const Eigen::Index b : idx) ata(a, b) += 1.0;
    }
  }
  // Each stage's one-hot columns sum to 1, so the plain problem is singular along "move a constant
  // between stages"; a weak pull towards the ideal table (lambda far below the data weight of any
  // observed level) fixes that and sets levels the ramp never visits.
  const auto ideal = idealTable(pipeline_);
  Eigen::VectorXd prior(unknowns);
  for (std::size_t i = 0; i < ideal.size(); ++i) {
    for (std::size_t d = 0; d < ideal[i].size(); ++d) {
      prior(offset[i] + static_cast<Eigen::Index>(d)) = ideal[i][d];
    }
  }
  constexpr double kLambda = 1e-6;
  ata.diagonal().array() += kLambda;
  atb += kLambda * prior;
  const Eigen::VectorXd sol = ata.ldlt().solve(atb);
  std::vector<std::vector<double>> table = ideal;
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t d = 0; d < table[i].size(); ++d) {
      table[i][d] = sol(offset[i] + static_cast<Eigen::Index>(d));
    }
  }
  return table;
}

}  // namespace nnadc::adc
