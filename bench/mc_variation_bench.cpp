// Die-to-die variation of the shipped 14-bit pipeline (issue #13, "Variation sources" in
// docs/montecarlo.md): which source dominates, and how well the behavioural model predicts SPICE on
// the same die.
//
//   mc_variation_bench [design] [spice_dies] [behavioural_dies] [points] [rram_sigma] [cmos_scale]
//                      [parts]
//
// Die k is drawn from Rng(kBaseSeed + k): its RRAM cells (PipelineModel::draw, lognormal
// rram_sigma, default 1 %), then its CMOS mismatch (adc::drawCmosMismatch, the card's Pelgrom
// coefficients times cmos_scale) from the same generator. Scenarios draw the same streams and drop
// the other source, so "CMOS only" die k has exactly the transistors of "both" die k.
// 1. Behavioural, `behavioural_dies` dies per scenario: ENOB (IEEE 1241 sine fit of a `points`
//    coherent static sine, the design's digital table); per stage the sub-ADC error rate (decision
//    != ideal level of the stage's own input) and the over-range rate (residue beyond the
//    redundancy). CMOS mismatch is also split into the sub-ADCs' inverters and the residue
//    networks' (the same draws, the other part's zeroed).
// 2. SPICE (ngspice static-sine bench, two workers), `spice_dies` dies with both sources: codes
//    against the behavioural model of the same die (with and without its CMOS shifts applied), and
//    both ENOBs.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nnadc/adc/convert.h"
#include "nnadc/adc/mismatch.h"
#include "nnadc/adc/pipeline.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/mismatch_json.h"
#include "nnadc/metrics/analysis.h"
#include "nnadc/sim/pipeline_bench.h"

namespace {

constexpr std::uint64_t kBaseSeed = 1000;

enum class Source { kCmos, kCmosSubAdc, kCmosResidue, kRram, kBoth };
const char* name(Source s) {
  switch (s) {
    case Source::kCmos:
      return "CMOS only";
    case Source::kCmosSubAdc:
      return "CMOS sub-ADC inverters only";
    case Source::kCmosResidue:
      return "CMOS residue-network inverters only";
    case Source::kRram:
      return "RRAM only";
    case Source::kBoth:
      break;
  }
  return "both";
}

struct Setup {
  const nnadc::adc::Design* design;
  const nnadc::adc::PipelineModel* model;
  nnadc::adc::MismatchCoefficients card;
  double rram_sigma;
  double cmos_scale;
};

nnadc::adc::PipelineConductances drawDie(const Setup& s, std::size_t k, Source source) {
  nnadc::Rng rng(kBaseSeed + k);
  nnadc::rram::VariationOptions variation;
  variation.lognormal_sigma = s.rram_sigma;
  nnadc::adc::PipelineConductances die = s.model->draw(variation, rng);
  nnadc::adc::drawCmosMismatch(*s.design, s.card, s.cmos_scale, rng, die);
  if (source == Source::kCmos || source == Source::kCmosSubAdc || source == Source::kCmosResidue) {
    auto nominal = s.model->nominal();
    nominal.cmos = die.cmos;
    nominal.amplifier = die.amplifier;
    // Keep one part's inverters (InverterLayout: the sub-ADC's come first, then the network's).
    for (std::size_t i = 0; i < nominal.cmos.size(); ++i) {
      const auto layout = nnadc::adc::inverterLayout(*s.design, i);
      auto& inv = nominal.cmos[i].inverters;
      const auto split = static_cast<long>(layout.out(layout.outputs));
      if (source == Source::kCmosSubAdc)
        std::fill(inv.begin() + split, inv.end(), nnadc::adc::InverterMismatch{});
      if (source == Source::kCmosResidue)
        std::fill(inv.begin(), inv.begin() + split, nnadc::adc::InverterMismatch{});
    }
    return nominal;
  }
  if (source == Source::kRram) die.cmos.clear();
  return die;
}

double enob(const std::vector<std::int64_t>& codes, int bits) {
  nnadc::metrics::AnalysisOptions options;
  options.bits = bits;
  const auto a = nnadc::metrics::analyzeCodes(codes, options);
  return a.enob_sinefit.value_or(std::nan(""));
}

struct Stats {
  std::vector<double> v;
  void add(double x) { v.push_back(x); }
  [[nodiscard]] double mean() const {
    double s = 0.0;
    for (const double x : v) s += x;
    return s / static_cast<double>(v.size());
  }
  [[nodiscard]] double sd() const {
    const double m = mean();
    double s = 0.0;
    for (const double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
  }
  [[nodiscard]] double quantile(double q) const {
    std::vector<double> c = v;
    std::sort(c.begin(), c.end());
    return c[static_cast<std::size_t>(q * static_cast<double>(c.size() - 1))];
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : std::string(NNADC_SOURCE_DIR) + "/training/adc14.design.json";
  const int spice_dies = argc > 2 ? std::atoi(argv[2]) : 5;
  const int dies = argc > 3 ? std::atoi(argv[3]) : 200;
  const int points = argc > 4 ? std::atoi(argv[4]) : 1024;
  const double rram_sigma = argc > 5 ? std::atof(argv[5]) : 0.01;
  const double cmos_scale = argc > 6 ? std::atof(argv[6]) : 1.0;
  const nnadc::adc::Design design = nnadc::io::loadDesign(path);
  const nnadc::adc::PipelineModel model(design.pipeline, design);
  Setup s{&design, &model,
          nnadc::io::loadMismatchCoefficients(nnadc::io::mismatchFile(design.inverter),
                                              design.inverter),
          rram_sigma, cmos_scale};
  const int bits = design.pipeline.bits;
  const std::size_t stages = design.pipeline.stages.size();
  nnadc::spice::DeckOptions options;
  options.static_sine = true;
  options.points = points;
  const Eigen::VectorXd x = [&] {
    const auto v = nnadc::spice::pipelineStaticInputs(design, options);
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), points));
  }();
  const auto nominal_codes = model.convert(model.nominal(), x);
  std::printf(
      "%s: %d bits, %zu stages; %d-point static sine; RRAM lognormal sigma %.3g, CMOS "
      "Pelgrom x %.3g (A_VT n/p %.2f/%.2f mV um)\n",
      path.c_str(), bits, stages, points, rram_sigma, cmos_scale, s.card.nmos.a_vt_v_m * 1e9,
      s.card.pmos.a_vt_v_m * 1e9);
  std::printf("nominal die: ENOB %.3f bits\n", enob(nominal_codes, bits));

  std::printf("\n1. behavioural, %d dies per scenario (seeds %llu..)\n", dies,
              static_cast<unsigned long long>(kBaseSeed));
  std::printf("sub-ADC error: d_i != the ideal level of the stage's own input v_i; over range:\n");
  std::printf(
      "|v_i - DAC_i(d_i)| > D_i (beyond what 1 bit of redundancy corrects); both as %% of\n");
  std::printf("conversions, per stage, mean over dies\n");
  const std::vector<Source> sources =
      dies <= 0 ? std::vector<Source>{}
                : std::vector<Source>{Source::kCmos, Source::kCmosSubAdc, Source::kCmosResidue,
                                      Source::kRram, Source::kBoth};
  for (const Source source : sources) {
    Stats e;
    std::vector<double> wrong(stages, 0.0);
    std::vector<double> over(stages, 0.0);
    for (int k = 0; k < dies; ++k) {
      const auto die = drawDie(s, static_cast<std::size_t>(k), source);
      nnadc::adc::PipelineTrace trace;
      e.add(enob(model.convert(die, x, &trace), bits));
      for (std::size_t i = 0; i < stages; ++i) {
        const auto& shape = design.pipeline.stages[i].adc.shape;
        const double step = (shape.input_hi_v - shape.input_lo_v) / (1 << shape.bits);
        for (int p = 0; p < points; ++p) {
          const double v = trace.inputs(p, static_cast<Eigen::Index>(i));
          const int d = trace.decisions(p, static_cast<Eigen::Index>(i));
          wrong[i] +=
              d != nnadc::adc::idealLevel(v, shape.input_lo_v, shape.input_hi_v, shape.bits);
          over[i] += std::abs(v - (shape.input_lo_v + (d + 0.5) * step)) > step;
        }
      }
    }
    const double n = static_cast<double>(points) * dies / 100.0;
    const auto at_least = [&](double bits_min) {
      return 100.0 *
             static_cast<double>(
                 std::count_if(e.v.begin(), e.v.end(), [&](double b) { return b >= bits_min; })) /
             static_cast<double>(e.v.size());
    };
    std::printf(
        "%-36s ENOB mean %.3f sd %.3f p5 %.3f min %.3f bits; dies >= 13.5 / 13 / 12 "
        "bits: %.1f / %.1f / %.1f %%\n",
        name(source), e.mean(), e.sd(), e.quantile(0.05), e.quantile(0.0), at_least(13.5),
        at_least(13.0), at_least(12.0));
    std::printf("%36s sub-ADC error [%%]:", "");
    for (const double w : wrong) std::printf(" %6.2f", w / n);
    std::printf("\n%36s over range [%%]:   ", "");
    for (const double o : over) std::printf(" %6.3f", o / n);
    std::printf("\n");
  }
  std::fflush(stdout);
  if (spice_dies <= 0) return 0;

  std::printf("\n2. ngspice static-sine bench vs the behavioural model of the same die, %d dies\n",
              spice_dies);
  std::printf(
      "agree: codes equal [%%]; max|d|: largest code difference; noshift: agreement of a\n"
      "model that ignores the die's CMOS mismatch; decisions: SPICE vs model per stage\n");
  std::printf("%-10s %4s %7s %7s %8s %8s %8s %s\n", "source", "die", "agree", "max|d|", "noshift",
              "ENOB_sp", "ENOB_bh", "| differing decisions per stage");
  nnadc::sim::PoolOptions pool_options;
  pool_options.workers = 2;
  pool_options.threads_per_worker = 1;
  nnadc::sim::WorkerPool pool(pool_options);
  {
    const auto run = nnadc::sim::runPipelineStatic(pool, design, options, 1800.0);
    std::size_t agree = 0;
    for (int p = 0; p < points; ++p) {
      agree += run.codes[static_cast<std::size_t>(p)] == nominal_codes[static_cast<std::size_t>(p)];
    }
    std::printf("%-10s %4s %7.1f %7s %8s %8.3f %8.3f |  (%.1f s)\n", "nominal", "-",
                100.0 * static_cast<double>(agree) / points, "", "", enob(run.codes, bits),
                enob(nominal_codes, bits), run.elapsed_s);
    std::fflush(stdout);
  }
  // Diagnostic (7th argument "parts"): CMOS-only dies with the mismatch restricted to one part,
  // to see which part of the shift model SPICE disagrees with.
  const bool parts = argc > 7 && std::string(argv[7]) == "parts";
  const std::vector<std::string> variants =
      parts ? std::vector<std::string>{"vt only", "o_k only", "h_j only", "hb_j only"}
            : std::vector<std::string>{"RRAM only", "CMOS only", "both"};
  for (const std::string& variant : variants) {
    for (int k = 0; k < spice_dies; ++k) {
      const Source source = variant == "RRAM only" ? Source::kRram
                            : variant == "both"    ? Source::kBoth
                                                   : Source::kCmos;
      auto die = drawDie(s, static_cast<std::size_t>(k), source);
      for (std::size_t i = 0; parts && i < die.cmos.size(); ++i) {
        const auto layout = nnadc::adc::inverterLayout(design, i);
        auto& inv = die.cmos[i].inverters;
        for (std::size_t n = 0; n < inv.size(); ++n) {
          const bool o = n >= layout.out(0) && n < layout.out(layout.outputs);
          const bool h = n < layout.out(0) && n % 2 == 0;
          const bool hb = n < layout.out(0) && n % 2 == 1;
          const bool keep = variant == "vt only" || (variant == "o_k only" && o) ||
                            (variant == "h_j only" && h) || (variant == "hb_j only" && hb);
          if (!keep) inv[n] = {};
          inv[n].n.beta_factor = variant == "vt only" ? 1.0 : inv[n].n.beta_factor;
          inv[n].p.beta_factor = variant == "vt only" ? 1.0 : inv[n].p.beta_factor;
        }
      }
      nnadc::spice::DeckOptions o = options;
      o.die = &die;
      const auto run = nnadc::sim::runPipelineStatic(pool, design, o, 1800.0);
      nnadc::adc::PipelineTrace trace;
      const auto behavioural = model.convert(die, x, &trace);
      auto unshifted_die = die;
      unshifted_die.cmos.clear();
      const auto unshifted = model.convert(unshifted_die, x);
      std::size_t agree = 0;
      std::size_t agree_unshifted = 0;
      std::int64_t max_d = 0;
      for (int p = 0; p < points; ++p) {
        const auto i = static_cast<std::size_t>(p);
        agree += run.codes[i] == behavioural[i];
        agree_unshifted += run.codes[i] == unshifted[i];
        max_d = std::max(max_d, std::abs(run.codes[i] - behavioural[i]));
      }
      std::printf("%-10s %4d %7.1f %7lld %8.1f %8.3f %8.3f |", variant.c_str(), k,
                  100.0 * static_cast<double>(agree) / points, static_cast<long long>(max_d),
                  100.0 * static_cast<double>(agree_unshifted) / points, enob(run.codes, bits),
                  enob(behavioural, bits));
      for (std::size_t i = 0; i < stages; ++i) {
        int d = 0;
        for (int p = 0; p < points; ++p) {
          d += run.decisions[static_cast<std::size_t>(p)][i] !=
               trace.decisions(p, static_cast<Eigen::Index>(i));
        }
        std::printf(" %d", d);
      }
      std::printf("  (%.1f s)\n", run.elapsed_s);
      std::fflush(stdout);
    }
  }
  return 0;
}
