#include "nnadc/spice/segmented_deck.h"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "nnadc/core/assert.h"
#include "nnadc/core/error.h"
#include "nnadc/rram/levels.h"
#include "nnadc/spice/netlist.h"
#include "segmented_front_end.h"

namespace nnadc::spice {

namespace {

// Estimates of the ideal elements, at kIdealEstimateFsHz. The ladder's first amplifier sees
// the full-scale input to the whole converter's accuracy: the designed stage-0 OTA (two-stage
// Miller, docs/analog_cells.md: 1.033 mA, 1.24 mW). The later ones amplify taps whose errors the
// per-segment calibration measures: the scaled OTAs of the buildable pipeline's stages 2-5
// (docs/buildable.md: 0.39-0.41 mW).
constexpr double kFirstLadderAmplifierW = 1.24e-3;
constexpr double kScaledLadderAmplifierW = 0.4e-3;
// The mantissa pipeline's residue amplifiers, as the buildable 14-bit pipeline's measured OTAs
// per stage (docs/buildable.md, held-input run), 0.4 mW for any further stage.
constexpr double kResidueAmplifierW[] = {1.24e-3, 0.69e-3, 0.39e-3, 0.40e-3, 0.41e-3};
// docs/buildable.md: the buildable stage's two bootstrapped sampling circuits draw 17 uW at
// 10 MS/s; one per tap routes the chosen tap.
constexpr double kBootstrappedSwitchW = 17e-6 / 2.0;
// docs/buildable.md: a stage decoder is ~0.5 pJ per conversion; the segment decoder (a
// thermometer count of S bits and a one-hot select) is of that size.
constexpr double kDecoderJPerConversion = 0.5e-12;

const char* const kInverter = "nnadc_inv";
const char* const kSupplyNode = "vdd_c";

std::string num(double v) { return spiceNumber(v); }
std::string tapNode(int j) { return j == 0 ? kSegmentedInputNode : "tap" + std::to_string(j); }
std::string comparatorNode(int j) { return "cmp" + std::to_string(j); }

const adc::SegmentedFrontEnd& frontEnd(const adc::Design& design) {
  if (!design.segmented) {
    throw InputError("NNADC-DES-001", "the design has no segmented front end");
  }
  return *design.segmented;
}

std::string range(const std::string& stem, int first, int last) {
  return stem + std::to_string(first) + ".." + stem + std::to_string(last);
}

}  // namespace

std::string segmentComparatorVector(int comparator) {
  return "v(" + comparatorNode(comparator) + ")";
}

bool hasSegmentedFrontEnd(const adc::Design& design, Bench bench) {
  return design.segmented.has_value() && bench == Bench::kStatic && !design.singleStage();
}

std::vector<SegmentComparator> segmentComparators(const adc::Design& design) {
  const adc::SegmentedFrontEnd& f = frontEnd(design);
  const rram::LevelSet levels(design.rram);
  const double lo = design.pipeline.lo();
  const double width = design.pipeline.hi() - lo;
  const double switching_v = design.vtc.threshold_v;
  std::vector<SegmentComparator> out;
  for (int j = 1; j <= f.segments; ++j) {
    SegmentComparator best;
    best.target_v =
        lo + f.select_fraction * width +
        (f.comparator_offset_v.empty() ? 0.0
                                       : f.comparator_offset_v[static_cast<std::size_t>(j - 1)]);
    double best_error = std::numeric_limits<double>::infinity();
    int best_cells = 0;
    for (int lt = 1; lt < levels.count(); ++lt) {
      for (int nt = 1; nt <= kMaxComparatorCells; ++nt) {
        for (int lb = 1; lb < levels.count(); ++lb) {
          for (int nb = 1; nb <= kMaxComparatorCells; ++nb) {
            const double top = nt * levels.conductance(lt);
            const double bottom = nb * levels.conductance(lb);
            const double threshold = switching_v * (top + bottom) / top;
            const double error = std::abs(threshold - best.target_v);
            // Strictly better by a relative 1e-9, so that equal ratios keep the fewest cells.
            if (error < best_error * (1.0 - 1e-9) ||
                (error <= best_error * (1.0 + 1e-9) && nt + nb < best_cells)) {
              best_error = error;
              best_cells = nt + nb;
              best.top_level = lt;
              best.top_cells = nt;
              best.bottom_level = lb;
              best.bottom_cells = nb;
              best.top_s = top;
              best.bottom_s = bottom;
              best.threshold_v = threshold;
            }
          }
        }
      }
    }
    out.push_back(best);
  }
  return out;
}

std::vector<IdealEstimate> idealPowerEstimates(const adc::Design& design) {
  const int s = frontEnd(design).segments;
  std::vector<IdealEstimate> out;
  out.push_back({range("b_lad", 1, s),
                 std::to_string(s) + " x2 ladder amplifiers (closed-loop OTAs)",
                 kFirstLadderAmplifierW + (s - 1) * kScaledLadderAmplifierW,
                 "first as the designed stage-0 OTA, 1.24 mW (docs/analog_cells.md); the others "
                 "as the scaled pipeline OTAs, 0.4 mW each (docs/buildable.md)"});
  out.push_back({"b_seg", "digital segment decoder (thermometer count, one-hot select)",
                 kDecoderJPerConversion * kIdealEstimateFsHz,
                 "~0.5 pJ per conversion, a stage decoder's figure (docs/buildable.md)"});
  out.push_back(
      {"b_mux", "analog multiplexer: a bootstrapped switch per tap (" + std::to_string(s + 1) + ")",
       (s + 1) * kBootstrappedSwitchW,
       "8.5 uW per bootstrapped switch at 10 MS/s (docs/buildable.md: 17 uW for two)"});
  const adc::Pipeline& pipeline = design.pipeline;
  double residue_w = 0.0;
  int amplifiers = 0;
  for (std::size_t i = 0; i + 1 < pipeline.stages.size(); ++i) {
    if (pipeline.stages[i].residue != adc::ResidueStyle::kAmplifier) continue;
    residue_w +=
        i < std::size(kResidueAmplifierW) ? kResidueAmplifierW[i] : kScaledLadderAmplifierW;
    ++amplifiers;
  }
  if (amplifiers > 0) {
    out.push_back(
        {"b_res<i>",
         "the mantissa pipeline's " + std::to_string(amplifiers) + " residue amplifiers (MDACs)",
         residue_w,
         "the buildable pipeline's measured OTAs per stage, 1.24 / 0.69 / 0.39 / 0.40 / "
         "0.41 mW (docs/buildable.md)"});
  }
  return out;
}

namespace detail {

void writeSegmentedHeader(Writer& w, const adc::Design& design) {
  const std::vector<SegmentComparator> comparators = segmentComparators(design);
  w.comment("segmented front end (whole converter, driven by its input " +
            std::string(kSegmentedInputNode) + "): " + std::to_string(comparators.size()) +
            " x2 ladder taps, transistor-level comparators, segment decoder, multiplexer");
  w.comment("comparators: RRAM divider into the characterised inverter (V_M = " +
            num(design.vtc.threshold_v) + " V) and a restoring one; threshold V_M (Gt + Gb) / Gt:");
  for (std::size_t j = 0; j < comparators.size(); ++j) {
    const SegmentComparator& c = comparators[j];
    char text[200];
    std::snprintf(text, sizeof text,
                  "  cmp%zu: top %d x level %d, bottom %d x level %d: %.4f V (model %.4f V, "
                  "offset %+.1f mV)",
                  j + 1, c.top_cells, c.top_level, c.bottom_cells, c.bottom_level, c.threshold_v,
                  c.target_v, 1e3 * (c.threshold_v - c.target_v));
    w.comment(text);
  }
  w.comment("estimated power of the ideal front-end elements at 10 MS/s (not simulated):");
  for (const IdealEstimate& e : idealPowerEstimates(design)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3g mW", 1e3 * e.power_w);
    w.comment("  " + e.instances + ": " + text + " (" + e.basis + ")");
  }
}

void writeSegmentedFrontEnd(Writer& w, const adc::Design& design, std::vector<std::string>& saved) {
  const adc::SegmentedFrontEnd& f = frontEnd(design);
  const std::vector<SegmentComparator> comparators = segmentComparators(design);
  const double vdd = design.vdd_v;
  const double lo = design.pipeline.lo();
  const double half = 0.5 * vdd;
  const adc::AmplifierModel& a = f.amplifier;
  NNADC_ASSERT(!a.hasExtractedTerms());  // only SPICE extraction sets them (adc/design.h)
  saved.push_back("v(" + std::string(kSegmentedInputNode) + ")");
  w.comment("segmented front end: ideal x2 ladder b_lad<j> (tap0 = " +
            std::string(kSegmentedInputNode) + ")");
  for (int j = 1; j <= f.segments; ++j) {
    const std::string e = "(" + w.voltage(tapNode(j - 1)) + "-" + num(lo) + ")";
    std::vector<std::string> terms = {"min(max(" + num(lo) + "+2*(" + num(1.0 + a.gain_error) +
                                      "*" + e};
    if (a.offset_v != 0.0) terms.push_back("+" + num(a.offset_v));
    if (a.a2_per_v != 0.0) terms.push_back("+" + num(a.a2_per_v) + "*" + e + "*" + e);
    if (a.a3_per_v2 != 0.0) {
      terms.push_back("+" + num(a.a3_per_v2) + "*" + e + "*" + e + "*" + e);
    }
    terms.push_back("),0)," + num(vdd) + ")");
    w.behavioural("b_lad" + std::to_string(j), tapNode(j), "0", terms);
  }
  w.comment("segment comparators: RRAM divider -> inverter -> inverter, own supply " +
            std::string(kFrontEndSupplySource) + "; cmp<j> high = tap above threshold");
  w.dcSource(kFrontEndSupplySource, kSupplyNode, "0", vdd);
  saved.emplace_back(kFrontEndSupplyVector);
  const rram::LevelSet levels(design.rram);
  for (int j = 1; j <= f.segments; ++j) {
    const SegmentComparator& c = comparators[static_cast<std::size_t>(j - 1)];
    const std::string s = std::to_string(j);
    for (int n = 0; n < c.top_cells; ++n) {
      w.resistor("r_ct" + s + "_" + std::to_string(n), tapNode(j), "cu" + s,
                 1.0 / levels.conductance(c.top_level));
    }
    for (int n = 0; n < c.bottom_cells; ++n) {
      w.resistor("r_cb" + s + "_" + std::to_string(n), "cu" + s, "0",
                 1.0 / levels.conductance(c.bottom_level));
    }
    w.instance("ca" + s, {"cu" + s, "cb" + s, kSupplyNode, "0"}, kInverter);
    w.instance("cb" + s, {"cb" + s, comparatorNode(j), kSupplyNode, "0"}, kInverter);
    saved.push_back(segmentComparatorVector(j));
  }
  w.comment("ideal digital decoder: seg = number of comparators below VDD/2 (the segment k)");
  std::vector<std::string> count;
  for (int j = 1; j <= f.segments; ++j) {
    std::vector<std::string> term =
        w.ternary(w.voltage(comparatorNode(j)) + "<" + num(half), {"1"}, {"0"});
    if (j > 1) term.front() = "+" + term.front();
    count.insert(count.end(), term.begin(), term.end());
  }
  w.behavioural("b_seg", "seg", "0", count);
  saved.emplace_back(kSegmentDecisionVector);
  w.comment("ideal analog multiplexer: vs0 = tap<k>, k = round(v(seg))");
  std::vector<std::string> chain = {w.voltage(tapNode(f.segments))};
  for (int k = f.segments - 1; k >= 0; --k) {
    chain = w.ternary(w.voltage("seg") + "<" + num(k + 0.5), {w.voltage(tapNode(k))}, chain);
  }
  w.behavioural("b_mux", "vs0", "0", chain);
}

}  // namespace detail

}  // namespace nnadc::spice
