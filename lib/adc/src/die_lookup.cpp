#include "nnadc/adc/die_lookup.h"

#include <algorithm>
#include <cmath>

#include "nnadc/adc/mismatch.h"

namespace nnadc::adc {

namespace {

/// A change of word between a (word wa) and b (word wb), narrowed by bisection.
struct Bracket {
  double a = 0.0;
  double b = 0.0;
  Word wa = 0;
  Word wb = 0;
  Word right = 0;  ///< the word at the scan point that closed the bracket
  double right_v = 0.0;
};
}  // namespace

DieLookup::DieLookup(const PipelineModel& model, const PipelineConductances& g, int scan_points)
    : model_(model), g_(g) {
  if (!g_.cmos.empty()) {
    // CMOS mismatch enters as inverter threshold shifts, applied as PipelineModel::trace does.
    applyThresholdShifts(model.pipeline_, g_);
    g_.cmos.clear();
  }
  const double vdd = model.pipeline_.stages.front().adc.shape.vdd_v;
  for (std::size_t si = 0; si < model.pipeline_.stages.size(); ++si) {
    const StageModel& m = model.models_[si];
    const auto words = [&](const Eigen::VectorXd& v) { return m.words(g_.adc[si], v); };
    Eigen::VectorXd grid(scan_points);
    for (int k = 0; k < scan_points; ++k) grid(k) = vdd * k / (scan_points - 1);
    const auto scan = words(grid);
    StageTable table;
    table.word.push_back(scan.front());
    std::vector<Bracket> pending;
    for (int k = 1; k < scan_points; ++k) {
      const auto ku = static_cast<std::size_t>(k);
      if (scan[ku] == scan[ku - 1]) continue;
      pending.push_back({grid(k - 1), grid(k), scan[ku - 1], scan[ku], scan[ku], grid(k)});
    }
    std::vector<std::pair<double, Word>> found;
    while (!pending.empty()) {
      // Bisect every bracket at once (one batched evaluation per halving), keeping
      // words(a) = wa and words(b) != wa.
      for (;;) {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < pending.size(); ++i) {
          if (pending[i].b - pending[i].a > kToleranceV) open.push_back(i);
        }
        if (open.empty()) break;
        Eigen::VectorXd mid(static_cast<Eigen::Index>(open.size()));
        for (std::size_t i = 0; i < open.size(); ++i) {
          const Bracket& br = pending[open[i]];
          mid(static_cast<Eigen::Index>(i)) = 0.5 * (br.a + br.b);
        }
        const auto w = words(mid);
        for (std::size_t i = 0; i < open.size(); ++i) {
          Bracket& br = pending[open[i]];
          const double m_v = mid(static_cast<Eigen::Index>(i));
          if (m_v <= br.a || m_v >= br.b) {  // no double between them: done
            br.a = br.b;
            continue;
          }
          if (w[i] == br.wa) {
            br.a = m_v;
          } else {
            br.b = m_v;
            br.wb = w[i];
          }
        }
      }
      // A bracket may have held several changes: continue from the one found to the scan point.
      std::vector<Bracket> next;
      for (const Bracket& br : pending) {
        found.emplace_back(br.b, br.wb);
        if (br.wb != br.right && br.b < br.right_v) {
          next.push_back({br.b, br.right_v, br.wb, br.right, br.right, br.right_v});
        }
      }
      pending = std::move(next);
    }
    std::sort(found.begin(), found.end(),
              [](const auto& l, const auto& r) { return l.first < r.first; });
    for (const auto& [at, w] : found) {
      table.at.push_back(at);
      table.word.push_back(w);
    }
    stages_.push_back(std::move(table));
  }
}

Word DieLookup::wordAt(std::size_t stage, double v) const {
  const StageTable& t = stages_[stage];
  const auto k = std::upper_bound(t.at.begin(), t.at.end(), v) - t.at.begin();
  return t.word[static_cast<std::size_t>(k)];
}

Eigen::MatrixXi DieLookup::decisions(const Eigen::VectorXd& x) const {
  const Pipeline& p = model_.pipeline_;
  const auto stages = static_cast<Eigen::Index>(p.stages.size());
  Eigen::MatrixXi out(x.size(), stages);
  const double vdd = p.stages.front().adc.shape.vdd_v;
  Eigen::VectorXd v = x;
  std::vector<Word> words(static_cast<std::size_t>(x.size()));
  for (Eigen::Index i = 0; i < stages; ++i) {
    const auto si = static_cast<std::size_t>(i);
    const PipelineStage& st = p.stages[si];
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      const Word w = wordAt(si, v(k));
      words[static_cast<std::size_t>(k)] = w;
      out(k, i) = model_.dense_[si].empty() ? model_.decoders_[si].decode(w)
                                            : model_.dense_[si][static_cast<std::size_t>(w)];
    }
    if (i + 1 == stages) break;
    const StageShape& next = p.stages[si + 1].adc.shape;
    if (st.residue == ResidueStyle::kNetwork) {
      Eigen::MatrixXd bits(x.size(), st.adc.shape.outputs());
      for (Eigen::Index k = 0; k < x.size(); ++k) {
        for (int b = 0; b < st.adc.shape.outputs(); ++b) {
          bits(k, b) = static_cast<double>((words[static_cast<std::size_t>(k)] >> b) & 1U);
        }
      }
      v = model_.residues_[si].evaluate(g_.residue[si], v, bits);
    } else {
      const AmplifierModel& a = g_.amplifier.empty() ? st.amplifier : g_.amplifier[si];
      for (Eigen::Index k = 0; k < x.size(); ++k) {
        const int d = out(k, i);
        const double e = v(k) - stageDac(st.adc.shape, d);
        v(k) = stageCentre(next) + st.gain * (a.transfer(e, d) + 0.0);
      }
    }
    v = v.cwiseMax(0.0).cwiseMin(vdd);
  }
  return out;
}

}  // namespace nnadc::adc
