#include "nnadc/adc/pipeline_trainer.h"

#include "nnadc/adc/mdac.h"

#include <algorithm>
#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::adc {

void PipelineTrainOptions::validate(const std::vector<PipelineStagePlan>& plan,
                                    double vdd_v) const {
  if (plan.empty()) throw InputError("NNADC-PIP-003", "the stage plan has no stages");
  std::vector<int> bits;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& s = plan[i];
    const std::string where = "stages[" + std::to_string(i) + "]";
    if (!(s.lo_v >= 0.0) || !(s.hi_v <= vdd_v) || !(s.lo_v < s.hi_v)) {
      throw InputError("NNADC-PIP-002", where + ".window [" + formatDouble(s.lo_v) + ", " +
                                            formatDouble(s.hi_v) +
                                            "] V must lie inside the supply [0, " +
                                            formatDouble(vdd_v) + "] V and not be empty");
    }
    if (s.bits < 1 || s.bits > 8) {
      throw InputError("NNADC-PIP-002", where + ".bits = " + std::to_string(s.bits) +
                                            " is outside the allowed range [1, 8]");
    }
    if (i + 1 < plan.size() && s.bits <= redundancy) {
      throw InputError("NNADC-PIP-001", where + ".bits = " + std::to_string(s.bits) +
                                            " must exceed the redundancy (" +
                                            std::to_string(redundancy) + ") to resolve anything");
    }
    bits.push_back(s.bits);
  }
  const int resolution = pipelineResolution(bits, redundancy);
  if (resolution < target_bits) {
    throw InputError("NNADC-PIP-001", "the stage plan resolves " + std::to_string(resolution) +
                                          " bits (sum of bits - redundancy, plus the last "
                                          "stage's), below the target of " +
                                          std::to_string(target_bits));
  }
  if (redundancy < 0 || redundancy > 3) {
    throw InputError("NNADC-PIP-001", "field 'redundancy' = " + std::to_string(redundancy) +
                                          " is outside the allowed range [0, 3]");
  }
  stage.validate();
}

PipelineTrainResult trainPipeline(const std::vector<PipelineStagePlan>& plan,
                                  const PipelineTrainOptions& options, const Design& base,
                                  Logger& logger) {
  options.validate(plan, base.vdd_v);
  PipelineTrainResult result;
  Pipeline& p = result.pipeline;
  p.bits = options.target_bits;
  p.redundancy = options.redundancy;
  const rram::LevelSet levels(base.rram);

  // Inputs over the first window, pushed through each trained stage in turn. Seeded uniform
  // random draws, not a grid: after a total gain of 2^k a grid of N points leaves a late stage
  // only N / 2^k distinct residues, all on the same few phases; random inputs keep them dense.
  Eigen::VectorXd v(options.training_points);
  {
    Rng rng(options.stage.seed + 7);
    for (int k = 0; k < options.training_points; ++k) {
      v(k) = rng.uniform(plan.front().lo_v, plan.front().hi_v);
    }
  }
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const PipelineStagePlan& sp = plan[i];
    const bool last = i + 1 == plan.size();
    PipelineStage st;
    st.adc.shape.bits = sp.bits;
    st.adc.shape.hidden = sp.hidden;
    st.adc.shape.code = OutputCode::make(sp.code, sp.bits, sp.outputs);
    st.adc.shape.vdd_v = base.vdd_v;
    st.adc.shape.input_lo_v = sp.lo_v;
    st.adc.shape.input_hi_v = sp.hi_v;
    st.residue = sp.residue;
    st.amplifier = sp.amplifier;
    st.mdac = sp.mdac;
    if (!last) {
      const PipelineStagePlan& next = plan[i + 1];
      st.gain = std::ldexp(1.0, sp.bits - options.redundancy) * (next.hi_v - next.lo_v) /
                (sp.hi_v - sp.lo_v);
      if (sp.mdac) st.amplifier = mdacAmplifier(*sp.mdac, sp.bits, st.gain, sp.hi_v - sp.lo_v);
    }
    const StageModel model(st.adc.shape, base.vtc, levels);
    logger.info("pipeline stage " + std::to_string(i) + ": " + std::to_string(sp.bits) +
                "-bit sub-ADC on [" + formatDouble(sp.lo_v) + ", " + formatDouble(sp.hi_v) +
                "] V, " + std::to_string(v.size()) + " training inputs");
    StageTrainOptions so = options.stage;
    so.seed = options.stage.seed + 1000 * i;
    if (so.variation.yield_score && !last) {
      // A decision error the next stages still correct (pipeline.h): (2^r - 1) / 2 LSB.
      so.variation.margin_lsb = 0.5 * (std::ldexp(1.0, options.redundancy) - 1.0);
    }
    // Train on a thinned copy of the real inputs: as many as a ramp of samples_per_level per
    // level would have, so each stage costs what a stand-alone stage does.
    const Eigen::Index wanted = static_cast<Eigen::Index>(so.samples_per_level) << sp.bits;
    const Eigen::Index stride = std::max<Eigen::Index>(1, v.size() / wanted);
    // Plus a uniform ramp of the same size, so levels the nominal residues never reach (but
    // variation may) are learnt too.
    const Eigen::Index kept = v.size() / stride;
    Eigen::VectorXd thinned(2 * kept);
    for (Eigen::Index k = 0; k < kept; ++k) {
      thinned(k) = v(k * stride);
      thinned(kept + k) = sp.lo_v + (sp.hi_v - sp.lo_v) * (static_cast<double>(k) + 0.5) /
                                        static_cast<double>(kept);
    }
    StageTrainResult sr = trainStage(model, so, logger, &thinned);
    if (sr.diverged) {
      result.diverged = true;
      result.message = "stage " + std::to_string(i) + ": " + sr.message;
      return result;
    }
    st.adc.cells = sr.cells;
    // Decoder: nearest codeword plus a table calibrated on a uniform ramp over the window.
    Eigen::VectorXd ramp;
    std::vector<int> ideal;
    makeRamp(st.adc.shape, so.samples_per_level, ramp, ideal);
    Decoder decoder(st.adc.shape.code);
    decoder.calibrate(model.words(model.conductances(st.adc.cells), ramp), ideal);
    st.adc.decoder_table.assign(decoder.table().begin(), decoder.table().end());
    std::sort(st.adc.decoder_table.begin(), st.adc.decoder_table.end());
    result.stages.push_back(sr);
    result.residues.emplace_back();
    if (!last) {
      // This stage's real decisions on its real inputs, and the residue they should produce.
      const auto words = model.words(model.conductances(st.adc.cells), v);
      Eigen::MatrixXd bits(v.size(), st.adc.shape.outputs());
      Eigen::VectorXd target(v.size());
      const PipelineStagePlan& next = plan[i + 1];
      const double c_next = 0.5 * (next.lo_v + next.hi_v);
      const double d_step = (sp.hi_v - sp.lo_v) / (1 << sp.bits);
      std::vector<int> decisions(static_cast<std::size_t>(v.size()));
      for (Eigen::Index k = 0; k < v.size(); ++k) {
        const Word w = words[static_cast<std::size_t>(k)];
        for (int b = 0; b < st.adc.shape.outputs(); ++b)
          bits(k, b) = static_cast<double>((w >> b) & 1U);
        const int d = decoder.decode(w);
        decisions[static_cast<std::size_t>(k)] = d;
        target(k) = c_next + st.gain * (v(k) - (sp.lo_v + (d + 0.5) * d_step));
      }
      Eigen::VectorXd next_v(v.size());
      if (sp.residue == ResidueStyle::kNetwork) {
        const ResidueModel rm(st.adc.shape.outputs(), sp.residue_hidden, base.vdd_v,
                              nn::TabulatedActivation(base.vtc), levels);
        ResidueTrainOptions ro = options.residue;
        ro.seed = options.residue.seed + 1000 * i;
        // Regression on a thinned set (every stride-th input keeps the distribution).
        const Eigen::Index n_fit = std::min<Eigen::Index>(v.size(), options.residue_points);
        const Eigen::Index fit_stride = std::max<Eigen::Index>(1, v.size() / n_fit);
        const Eigen::Index m = v.size() / fit_stride;
        Eigen::VectorXd fx(m);
        Eigen::MatrixXd fbits(m, bits.cols());
        Eigen::VectorXd ft(m);
        for (Eigen::Index k = 0; k < m; ++k) {
          fx(k) = v(k * fit_stride);
          fbits.row(k) = bits.row(k * fit_stride);
          ft(k) = std::clamp(target(k * fit_stride), 0.0, base.vdd_v);
        }
        ResidueTrainResult rr = trainResidue(rm, fx, fbits, ft, ro, logger);
        logger.info("  residue network: rms error " + formatDouble(rr.rms_error_v * 1e3) +
                    " mV, max " + formatDouble(rr.max_error_v * 1e3) + " mV");
        st.network = rr.design;
        next_v = rm.evaluate(rm.conductances(st.network), v, bits);
        result.residues.back() = rr;
      } else {
        const AmplifierModel& a = st.amplifier;
        for (Eigen::Index k = 0; k < v.size(); ++k) {
          const double e = (target(k) - c_next) / st.gain;
          next_v(k) = c_next + st.gain * a.transfer(e, decisions[static_cast<std::size_t>(k)]);
        }
      }
      v = next_v.cwiseMax(0.0).cwiseMin(base.vdd_v);
    }
    p.stages.push_back(std::move(st));
  }
  p.table = idealTable(p);
  if (options.calibrate) {
    const PipelineModel model(p, base);
    p.table = model.calibrate(model.nominal(), options.calibration_points);
    p.calibrated = true;
  }
  return result;
}

}  // namespace nnadc::adc
