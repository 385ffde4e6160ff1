#include "nnadc/adc/stage_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>

#include "nnadc/core/error.h"
#include "nnadc/core/progress.h"
#include "nnadc/core/text.h"
#include "nnadc/nn/parallel.h"
#include "nnadc/rram/variation.h"

namespace nnadc::adc {

std::string quantizationName(Quantization q) {
  switch (q) {
    case Quantization::kSte:
      return "ste";
    case Quantization::kProject:
      return "project";
  }
  return "ste";
}

Quantization parseQuantization(const std::string& name) {
  if (name == "ste") return Quantization::kSte;
  if (name == "project") return Quantization::kProject;
  throw InputError("NNADC-CFG-007",
                   "field 'quantization' = '" + name + "' is not one of ste, project");
}

void StageTrainOptions::validate() const {
  const auto check = [](const char* field, double v, double lo, double hi) {
    if (!std::isfinite(v) || v < lo || v > hi) {
      throw InputError("NNADC-CFG-003", std::string("field '") + field + "' = " + formatDouble(v) +
                                            " is outside the allowed range [" + formatDouble(lo) +
                                            ", " + formatDouble(hi) + "]");
    }
  };
  check("iterations", iterations, 1, 1e7);
  check("samples_per_level", samples_per_level, 1, 4096);
  check("margin_per_v", margin_per_v, 1e-3, 1e6);
  check("noise_sigma", noise_sigma, 0.0, 2.0);
  check("eval_every", eval_every, 1, 1e7);
  check("restarts", restarts, 1, 1000);
  check("refine_sweeps", refine_sweeps, 0, 1000);
  adam.validate();
  variation.validate();
  if (variation.mode != VariationMode::kPlain && noise_sigma != 0.0) {
    throw InputError("NNADC-CFG-003", "field 'noise_sigma' = " + formatDouble(noise_sigma) +
                                          " must be 0 when 'variation' trains against a recipe "
                                          "(its rram.sigma replaces it)");
  }
}

void makeRamp(const StageShape& shape, int samples_per_level, Eigen::VectorXd& x,
              std::vector<int>& levels) {
  const int n = (1 << shape.bits) * samples_per_level;
  x.resize(n);
  levels.resize(static_cast<std::size_t>(n));
  const double span = shape.input_hi_v - shape.input_lo_v;
  const auto& t = shape.target_thresholds;  // a nonlinear target: as many points in every level
  for (int i = 0; i < n; ++i) {
    if (t.empty()) {
      x(i) = shape.input_lo_v + span * (i + 0.5) / n;
    } else {
      const auto c = static_cast<std::size_t>(i / samples_per_level);
      const double lo = c == 0 ? 0.0 : t[c - 1];
      const double hi = c == t.size() ? 1.0 : t[c];
      x(i) = shape.input_lo_v +
             span * (lo + (hi - lo) * (i % samples_per_level + 0.5) / samples_per_level);
    }
    levels[static_cast<std::size_t>(i)] = idealLevel(x(i), shape);
  }
}

double inputsEnob(const StageModel& model, const StageCells& cells, const Decoder& decoder,
                  const Eigen::VectorXd& x) {
  const StageShape& shape = model.shape();
  // Inputs outside the window count against the nearest end code (what the ideal does).
  const double sum_sq =
      levelErrorSquared(shape, decoder, model.words(model.conductances(cells), x), x);
  const double rms = std::sqrt(sum_sq / static_cast<double>(x.size()));
  return shape.bits - std::log2(rms * std::sqrt(12.0));
}

double rampEnob(const StageModel& model, const StageCells& cells, const Decoder& decoder,
                int samples_per_level) {
  Eigen::VectorXd x;
  std::vector<int> ideal;
  makeRamp(model.shape(), samples_per_level, x, ideal);
  return inputsEnob(model, cells, decoder, x);
}

namespace {

struct Latent {
  Eigen::MatrixXd w1;
  Eigen::MatrixXd w2;
};

// Initial hidden layer: thresholds spread evenly over the input window with alternating
// polarity, so every neuron starts inside the range it must resolve. Solves the divider for the
// bias cell that puts the switching point at the target, with a little jitter.
Latent initialise(const StageModel& model, Rng& rng) {
  const StageShape& s = model.shape();
  const double top = model.levels().count() - 1;
  const double vth = model.threshold();
  Latent p;
  p.w1 = Eigen::MatrixXd::Zero(s.hidden, kInputRows);
  for (int j = 0; j < s.hidden; ++j) {
    const double t = s.input_lo_v + (s.input_hi_v - s.input_lo_v) * (j + 0.5) / s.hidden;
    const bool inverted = (j % 2) == 1;
    // Drive with x (or VDD - x, whose switching point mirrors) at full conductance.
    const double drive = top;
    const double tt = inverted ? s.vdd_v - t : t;
    double g_vdd = 0.0;
    double g_gnd = 0.0;
    if (tt > vth) {
      g_gnd = drive * (tt - vth) / vth;
    } else {
      g_vdd = drive * (vth - tt) / (s.vdd_v - vth);
    }
    p.w1(j, inverted ? 1 : 0) = drive;
    p.w1(j, 2) = std::min(g_vdd, top);
    p.w1(j, 3) = std::min(g_gnd, top);
  }
  p.w1 /= top;
  p.w1.array() +=
      0.015 * Eigen::ArrayXXd::NullaryExpr(p.w1.rows(), p.w1.cols(), [&] { return rng.normal(); });
  p.w2 = Eigen::MatrixXd::NullaryExpr(s.outputs(), s.outputRows(),
                                      [&] { return rng.uniform(0.0, 0.5); });
  return p;
}

// Latent weights are fractions of g_max: level = round(w * top).
int roundLevel(double w, int top) {
  return static_cast<int>(std::clamp(std::lround(w * top), 0L, static_cast<long>(top)));
}

StageCells roundCells(const Latent& p, int top) {
  StageCells c;
  c.hidden = p.w1.unaryExpr([top](double w) { return roundLevel(w, top); });
  c.output = p.w2.unaryExpr([top](double w) { return roundLevel(w, top); });
  // A column with no device would float: give it one ground cell.
  for (Eigen::Index j = 0; j < c.hidden.rows(); ++j) {
    if (c.hidden.row(j).sum() == 0) c.hidden(j, kInputRows - 1) = 1;
  }
  for (Eigen::Index k = 0; k < c.output.rows(); ++k) {
    if (c.output.row(k).sum() == 0) c.output(k, c.output.cols() - 1) = 1;
  }
  return c;
}

// Conductance [S] of a latent weight and its derivative, per quantisation mode (absolute: a
// loading-aware model needs siemens; an ideal-source model only uses ratios).
struct CellMap {
  std::vector<double> table;  // level -> g / g_max
  int top = 7;
  Quantization mode = Quantization::kSte;
  [[nodiscard]] double value(double w) const {
    if (mode == Quantization::kSte) return table[static_cast<std::size_t>(roundLevel(w, top))];
    const double c = std::clamp(w * top, 0.0, static_cast<double>(top));
    // Continuous cells interpolate the level table (exact for linear sets).
    const auto i = static_cast<std::size_t>(std::min(std::floor(c), static_cast<double>(top - 1)));
    return table[i] + (c - static_cast<double>(i)) * (table[i + 1] - table[i]);
  }
  // d g / d w, with the straight-through estimator reading the local level step.
  [[nodiscard]] double slope(double w) const {
    const double c = std::clamp(w * top, 0.0, static_cast<double>(top));
    const auto i = static_cast<std::size_t>(std::min(std::floor(c), static_cast<double>(top - 1)));
    return (table[i + 1] - table[i]) * top;
  }
};

}  // namespace

namespace {

// One restart. Reports its iterations to `progress` (shared by concurrent restarts: advance()
// is thread-safe) and logs nothing, so restarts can run on several threads.
StageTrainResult trainOnce(const StageModel& model, const StageTrainOptions& options,
                           Progress& progress, const Eigen::VectorXd* inputs,
                           const VariationScore* score) {
  const auto start = std::chrono::steady_clock::now();
  const StageShape& shape = model.shape();
  Rng rng(options.seed);
  StageTrainResult result;

  CellMap map;
  map.top = model.levels().count() - 1;
  map.mode = options.quantization;
  for (const double g : model.levels().conductances()) map.table.push_back(g);

  Latent p = initialise(model, rng);
  const Eigen::Index n1 = p.w1.size();
  const Eigen::Index n2 = p.w2.size();
  nn::Adam adam(n1 + n2, options.adam);
  Eigen::VectorXd params(n1 + n2);
  Eigen::VectorXd grad(n1 + n2);

  Eigen::VectorXd x;
  std::vector<int> ideal;
  makeRamp(shape, options.samples_per_level, x, ideal);
  if (inputs != nullptr && inputs->size() > 0) {
    x = *inputs;
    ideal.resize(static_cast<std::size_t>(x.size()));
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      ideal[static_cast<std::size_t>(i)] = idealLevel(x(i), shape);
    }
  }
  Eigen::ArrayXXd target(x.size(), shape.outputs());  // +1 / -1 per bit
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    for (int k = 0; k < shape.outputs(); ++k) {
      target(i, k) = shape.code.bit(ideal[static_cast<std::size_t>(i)], k) ? 1.0 : -1.0;
    }
  }
  const Decoder decoder(shape.code);

  const StageVariation& variation = options.variation;
  const bool passive =
      variation.mode == VariationMode::kPassive || variation.mode == VariationMode::kBoth;
  const bool active =
      variation.mode == VariationMode::kActive || variation.mode == VariationMode::kBoth;
  const double g_max = map.table.back();
  StageConductances g;
  StageConductances drawn;  // passive: the stage this iteration runs on
  StageForward f;
  StageForward f_exact;  // both: the nominal stage's pass for the penalty
  Eigen::MatrixXd dg1;
  Eigen::MatrixXd dg2;
  Eigen::ArrayXXd noise1;
  Eigen::ArrayXXd noise2;
  StageShiftGradient shift_grad;
  result.best_enob_ramp = -1e9;
  for (int it = 0; it <= options.iterations; ++it) {
    progress.advance();
    g.g1 = p.w1.unaryExpr([&](double w) { return map.value(w); });
    g.g2 = p.w2.unaryExpr([&](double w) { return map.value(w); });
    if (passive) {
      const StageDraw draw = drawStage(shape, variation, rng);
      drawn = g;
      applyDraw(draw, shape, g_max, variation.sensitivity, drawn);
      // d(read G)/d(programmed G): the read factor, 0 for a stuck cell.
      noise1 = (draw.stuck1 == 0).cast<double>() * draw.factor1;
      noise2 = (draw.stuck2 == 0).cast<double>() * draw.factor2;
    }
    const StageConductances& run = passive ? drawn : g;
    if (options.noise_sigma > 0.0) {
      noise1 = Eigen::ArrayXXd::NullaryExpr(g.g1.rows(), g.g1.cols(), [&] {
        return rram::lognormalFactor(rng, options.noise_sigma);
      });
      noise2 = Eigen::ArrayXXd::NullaryExpr(g.g2.rows(), g.g2.cols(), [&] {
        return rram::lognormalFactor(rng, options.noise_sigma);
      });
      g.g1.array() *= noise1;
      g.g2.array() *= noise2;
    }
    // The pass on the stage this iteration runs on, with its gradients (and, when the active
    // penalty can reuse it as the nominal stage's, the threshold-shift gradients too).
    const bool reuse = active && !passive;
    const double loss = stageLossGradient(model, run, x, target, options.margin_per_v, f, dg1, dg2,
                                          reuse ? &shift_grad : nullptr);
    if (!std::isfinite(loss)) {
      result.diverged = true;
      result.message = "training diverged at iteration " + std::to_string(it) + ": the loss is " +
                       formatDouble(loss);
      break;
    }
    if (it % options.eval_every == 0 || it == options.iterations) {
      const StageCells cells = roundCells(p, map.top);
      const double enob = score != nullptr ? score->score(model, cells, decoder)
                                           : inputsEnob(model, cells, decoder, x);
      result.history.push_back({it, loss, enob});
      if (enob > result.best_enob_ramp) {
        result.best_enob_ramp = enob;
        result.best_iteration = it;
        result.cells = cells;
      }
    }
    if (it == options.iterations) break;
    if (options.noise_sigma > 0.0 || passive) {
      dg1.array() *= noise1;
      dg2.array() *= noise2;
    }
    if (active) {
      StageShiftGradient exact;
      Eigen::MatrixXd e1;
      Eigen::MatrixXd e2;
      if (reuse) {
        e1 = dg1;
        e2 = dg2;
        exact = shift_grad;
      } else {
        (void)stageLossGradient(model, g, x, target, options.margin_per_v, f_exact, e1, e2, &exact);
      }
      Eigen::MatrixXd p1;
      Eigen::MatrixXd p2;
      (void)activePenalty(model, g, x, target, options.margin_per_v, variation, e1, e2, exact, p1,
                          p2);
      dg1 += p1;
      dg2 += p2;
    }
    // Chain through the cell map: straight-through uses the local level step as the slope.
    Eigen::Map<Eigen::MatrixXd>(grad.data(), p.w1.rows(), p.w1.cols()) =
        dg1.array() * p.w1.unaryExpr([&](double w) { return map.slope(w); }).array();
    Eigen::Map<Eigen::MatrixXd>(grad.data() + n1, p.w2.rows(), p.w2.cols()) =
        dg2.array() * p.w2.unaryExpr([&](double w) { return map.slope(w); }).array();
    Eigen::Map<Eigen::MatrixXd>(params.data(), p.w1.rows(), p.w1.cols()) = p.w1;
    Eigen::Map<Eigen::MatrixXd>(params.data() + n1, p.w2.rows(), p.w2.cols()) = p.w2;
    adam.step(params, grad);
    // Keep latent weights within half a level of the cell range (beyond it rounding saturates
    // and the straight-through gradient would push them away for ever).
    const double lo = -0.49 / map.top;
    const double hi = 1.0 + 0.49 / map.top;
    p.w1 = Eigen::Map<Eigen::MatrixXd>(params.data(), p.w1.rows(), p.w1.cols())
               .cwiseMax(lo)
               .cwiseMin(hi);
    p.w2 = Eigen::Map<Eigen::MatrixXd>(params.data() + n1, p.w2.rows(), p.w2.cols())
               .cwiseMax(lo)
               .cwiseMin(hi);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// Greedy integer local search: one level up/down per cell, keep what raises the ramp ENOB. The
// two candidates of a cell are scored at once (on two threads); the first in the order -1, +1
// that improves is kept, exactly what trying them one after the other would keep.
template <typename Score>
int refine(const StageModel& model, StageCells& cells, const Score& score, int sweeps,
           double& enob) {
  const int top = model.levels().count() - 1;
  int changes = 0;
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    int changed_this_sweep = 0;
    for (const bool hidden_layer : {true, false}) {
      Eigen::MatrixXi& m = hidden_layer ? cells.hidden : cells.output;
      for (Eigen::Index i = 0; i < m.size(); ++i) {
        // Column-major storage: element i sits in row i % rows (its column of the crossbar).
        const Eigen::Index row = i % m.rows();
        const int original = m.data()[i];
        std::array<int, 2> candidates{};
        int count = 0;
        for (const int delta : {-1, 1}) {
          const int candidate = original + delta;
          if (candidate < 0 || candidate > top) continue;
          // A column must keep at least one device.
          if (m.row(row).sum() - original + candidate == 0) continue;
          candidates[static_cast<std::size_t>(count++)] = candidate;
        }
        std::array<double, 2> scores{};
        nn::parallelFor(count, [&](int k) {
          StageCells trial = cells;
          Eigen::MatrixXi& t = hidden_layer ? trial.hidden : trial.output;
          t.data()[i] = candidates[static_cast<std::size_t>(k)];
          scores[static_cast<std::size_t>(k)] = score(trial);
        });
        for (int k = 0; k < count; ++k) {
          if (scores[static_cast<std::size_t>(k)] > enob + 1e-12) {
            enob = scores[static_cast<std::size_t>(k)];
            m.data()[i] = candidates[static_cast<std::size_t>(k)];
            ++changed_this_sweep;
            break;
          }
        }
      }
    }
    changes += changed_this_sweep;
    if (changed_this_sweep == 0) break;
  }
  return changes;
}

constexpr std::uint64_t kScoreSeedOffset = 1'000'003;

}  // namespace

StageTrainResult trainStage(const StageModel& model, const StageTrainOptions& options,
                            Logger& logger, const Eigen::VectorXd* inputs) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  const Decoder decoder(model.shape().code);
  Eigen::VectorXd x;
  std::vector<int> ideal;
  makeRamp(model.shape(), options.samples_per_level, x, ideal);
  if (inputs != nullptr && inputs->size() > 0) x = *inputs;
  // Every restart and the refinement score on the same draws, from their own stream (restarts
  // use seed, seed + 1, ...; at most 1000 of them).
  std::optional<VariationScore> score;
  if (options.variation.score_draws > 0) {
    score.emplace(model.shape(), options.variation, x, options.seed + kScoreSeedOffset);
  }
  // Restarts are independent (each from its own seed): they run side by side, and the best is
  // chosen in restart order, as a sequential loop would.
  std::vector<StageTrainResult> runs(static_cast<std::size_t>(options.restarts));
  {
    ProgressTask progress(logger.progress(), "training iterations",
                          static_cast<std::size_t>(options.restarts) *
                              (static_cast<std::size_t>(options.iterations) + 1));
    nn::parallelFor(options.restarts, [&](int r) {
      StageTrainOptions o = options;
      o.seed = options.seed + static_cast<std::uint64_t>(r);
      runs[static_cast<std::size_t>(r)] =
          trainOnce(model, o, logger.progress(), inputs, score ? &*score : nullptr);
    });
  }
  StageTrainResult best;
  bool have = false;
  for (int r = 0; r < options.restarts; ++r) {
    StageTrainResult& result = runs[static_cast<std::size_t>(r)];
    if (result.diverged) {
      logger.warning(result.message);
      return result;
    }
    result.best_restart = r;
    if (!have || result.best_enob_ramp > best.best_enob_ramp) {
      best = std::move(result);
      have = true;
    }
  }
  best.trained_enob_ramp = best.best_enob_ramp;
  const auto scorer = [&](const StageCells& cells) {
    return score ? score->score(model, cells, decoder) : inputsEnob(model, cells, decoder, x);
  };
  best.refine_changes =
      refine(model, best.cells, scorer, options.refine_sweeps, best.best_enob_ramp);
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return best;
}

}  // namespace nnadc::adc
