#include "nnadc/adc/mismatch.h"

#include <cmath>

#include "nnadc/adc/design.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/core/assert.h"
#include "nnadc/core/error.h"

namespace nnadc::adc {

InverterLayout inverterLayout(const Pipeline& pipeline, std::size_t stage) {
  const PipelineStage& st = pipeline.stages.at(stage);
  InverterLayout layout;
  layout.hidden = st.adc.shape.hidden;
  layout.outputs = st.adc.shape.outputs();
  const bool last = stage + 1 == pipeline.stages.size();
  if (!last && st.residue == ResidueStyle::kNetwork) layout.network_hidden = st.network.hidden;
  return layout;
}

InverterLayout inverterLayout(const Design& design, std::size_t stage) {
  return inverterLayout(design.pipeline, stage);
}

std::vector<std::string> inverterNames(const Design& design, std::size_t stage) {
  const InverterLayout layout = inverterLayout(design, stage);
  std::vector<std::string> names(layout.size());
  for (int j = 0; j < layout.hidden; ++j) {
    names[layout.h(j)] = "h" + std::to_string(j);
    names[layout.hb(j)] = "hb" + std::to_string(j);
  }
  for (int k = 0; k < layout.outputs; ++k) names[layout.out(k)] = "o" + std::to_string(k);
  if (layout.network_hidden > 0) {
    for (int k = 0; k < layout.outputs; ++k) {
      names[layout.bufferN(k)] = "res.bn" + std::to_string(k);
      names[layout.bufferP(k)] = "res.bp" + std::to_string(k);
    }
    for (int j = 0; j < layout.network_hidden; ++j) {
      names[layout.networkH(j)] = "res.h" + std::to_string(j);
      names[layout.networkHb(j)] = "res.hb" + std::to_string(j);
    }
  }
  return names;
}

namespace {
double pelgromSigma(double a, double w_m, double l_m, int parallel, double scale) {
  return scale * a / std::sqrt(w_m * l_m * static_cast<double>(parallel));
}
}  // namespace

double sigmaVt(const PelgromCoefficients& c, double w_m, double l_m, int parallel, double scale) {
  return pelgromSigma(c.a_vt_v_m, w_m, l_m, parallel, scale);
}

double sigmaBeta(const PelgromCoefficients& c, double w_m, double l_m, int parallel, double scale) {
  return pelgromSigma(c.a_beta_m, w_m, l_m, parallel, scale);
}

InverterSigmas inverterSigmas(const MismatchCoefficients& c, const InverterSizing& sizing,
                              int parallel, double scale) {
  InverterSigmas s;
  s.vt_n_v = sigmaVt(c.nmos, sizing.wn_m, sizing.l_m, parallel, scale);
  s.beta_n = sigmaBeta(c.nmos, sizing.wn_m, sizing.l_m, parallel, scale);
  s.vt_p_v = sigmaVt(c.pmos, sizing.wp_m, sizing.l_m, parallel, scale);
  s.beta_p = sigmaBeta(c.pmos, sizing.wp_m, sizing.l_m, parallel, scale);
  return s;
}

InverterMismatch drawInverter(const InverterSigmas& sigmas, Rng& rng) {
  InverterMismatch m;
  m.n.dvt_v = sigmas.vt_n_v * rng.normal();
  m.n.beta_factor = 1.0 + sigmas.beta_n * rng.normal();
  m.p.dvt_v = sigmas.vt_p_v * rng.normal();
  m.p.beta_factor = 1.0 + sigmas.beta_p * rng.normal();
  return m;
}

void drawCmosMismatch(const Design& design, const MismatchCoefficients& coefficients, double scale,
                      Rng& rng, PipelineConductances& die) {
  const InverterSigmas single = inverterSigmas(coefficients, design.inverter, 1, scale);
  const InverterSigmas buffer =
      inverterSigmas(coefficients, design.inverter, kBitBufferInverters, scale);
  die.cmos.assign(design.pipeline.stages.size(), {});
  for (std::size_t i = 0; i < design.pipeline.stages.size(); ++i) {
    const InverterLayout layout = inverterLayout(design, i);
    StageMismatch& stage = die.cmos[i];
    stage.inverters.resize(layout.size());
    const std::size_t buffers_from = layout.out(layout.outputs);
    const std::size_t buffers_to = layout.network_hidden > 0 ? layout.bufferN(layout.outputs) : 0;
    for (std::size_t k = 0; k < layout.size(); ++k) {
      const bool is_buffer = k >= buffers_from && k < buffers_to;
      stage.inverters[k] = drawInverter(is_buffer ? buffer : single, rng);
    }
  }
}

double thresholdShift(const InverterMismatch& m, const ThresholdSensitivity& s) {
  return s.dvm_dvtn * m.n.dvt_v + s.dvm_dvtp * m.p.dvt_v +
         s.dvm_dbetan_v * (m.n.beta_factor - 1.0) + s.dvm_dbetap_v * (m.p.beta_factor - 1.0);
}

void applyStageShifts(const std::vector<InverterMismatch>& inverters, const InverterLayout& layout,
                      StageConductances& g, const ThresholdSensitivity& s) {
  NNADC_ASSERT(inverters.size() >= layout.size());
  const auto shift = [&](std::size_t k) { return thresholdShift(inverters[k], s); };
  g.shift_h.resize(layout.hidden);
  g.shift_hb.resize(layout.hidden);
  g.shift_h_n.resize(layout.hidden);
  g.shift_h_p.resize(layout.hidden);
  g.shift_hb_n.resize(layout.hidden);
  g.shift_hb_p.resize(layout.hidden);
  for (int j = 0; j < layout.hidden; ++j) {
    g.shift_h(j) = shift(layout.h(j));
    g.shift_hb(j) = shift(layout.hb(j));
    g.shift_h_n(j) = s.dvm_dvtn * inverters[layout.h(j)].n.dvt_v;
    g.shift_h_p(j) = s.dvm_dvtp * inverters[layout.h(j)].p.dvt_v;
    g.shift_hb_n(j) = s.dvm_dvtn * inverters[layout.hb(j)].n.dvt_v;
    g.shift_hb_p(j) = s.dvm_dvtp * inverters[layout.hb(j)].p.dvt_v;
  }
  g.shift_o.resize(layout.outputs);
  for (int k = 0; k < layout.outputs; ++k) g.shift_o(k) = shift(layout.out(k));
}

void applyThresholdShifts(const Pipeline& pipeline, PipelineConductances& die,
                          const ThresholdSensitivity& s) {
  if (die.cmos.empty()) return;
  if (die.cmos.size() != pipeline.stages.size() || die.adc.size() != die.cmos.size()) {
    throw InputError("NNADC-DES-002", "die: CMOS mismatch of " + std::to_string(die.cmos.size()) +
                                          " stage(s) for a " +
                                          std::to_string(pipeline.stages.size()) +
                                          "-stage pipeline");
  }
  for (std::size_t i = 0; i < die.cmos.size(); ++i) {
    const InverterLayout layout = inverterLayout(pipeline, i);
    const auto& inv = die.cmos[i].inverters;
    if (inv.size() < layout.size()) {
      throw InputError("NNADC-DES-002", "die: stage " + std::to_string(i) +
                                            " CMOS mismatch lists " + std::to_string(inv.size()) +
                                            " inverters, the stage has " +
                                            std::to_string(layout.size()));
    }
    const auto shift = [&](std::size_t k) { return thresholdShift(inv[k], s); };
    applyStageShifts(inv, layout, die.adc[i], s);
    if (layout.network_hidden > 0 && i < die.residue.size()) {
      ResidueConductances& r = die.residue[i];
      r.shift_h.resize(layout.network_hidden);
      r.shift_hb.resize(layout.network_hidden);
      for (int j = 0; j < layout.network_hidden; ++j) {
        r.shift_h(j) = shift(layout.networkH(j));
        r.shift_hb(j) = shift(layout.networkHb(j));
      }
    }
  }
}

}  // namespace nnadc::adc
