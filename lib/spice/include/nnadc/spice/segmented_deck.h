#pragma once
/// The segmented front end of a nonlinear converter (adc/segmented.h, issue #16) in the static
/// deck: with it, the deck of a design with a `segmented` block is the whole converter, driven by
/// the converter's input x itself. pipelineDeck writes it for the static bench (every dialect);
/// the transient bench is still the mantissa pipeline alone.
///
/// Top level (S = segments, theta = select_fraction, window [lo, lo + w] of the mantissa's first
/// stage):
///  - xin: the converter input (the static sweep's source drives it); tap0 is xin.
///  - b_lad<j> -> tap<j>, j = 1..S: the x2 ladder, V = clamp(lo + 2 ((1 + ge) e + off + a2 e^2 +
///    a3 e^3), 0, VDD), e = V(tap<j-1>) - lo: exactly adc::SegmentedConverter's amplifier, ideal.
///  - comparator j = 1..S at transistor level, an NN neuron of the project's kind: a divider of
///    RRAM cells (r_ct<j>: top_cells cells of top_level from tap<j> to cu<j>; r_cb<j>:
///    bottom_cells cells of bottom_level from cu<j> to ground) into the characterised inverter
///    (xca<j>, cu<j> -> cb<j>) and a second one restoring the sense (xcb<j>, cb<j> -> cmp<j>), on
///    their own supply vdd_cmp (power = |i(vdd_cmp)| x VDD). V(cmp<j>) > VDD / 2 means the tap is
///    above the threshold. The inverter switches at V_M (the VTC's threshold_v), so the
///    comparator does at V_M (G_top + G_bottom) / G_top: the divider is chosen from the design's
///    RRAM levels to put that at the model's threshold lo + theta w + comparator_offset_v[j-1].
///    What is left over is a threshold offset, harmless up to (1 - theta) w (the redundancy,
///    adc/segmented.h).
///  - b_seg -> seg: the digital decoder, V(seg) = #{j : V(cmp<j>) < VDD / 2}, the segment k
///    (ideal: digital back end).
///  - b_mux -> vs0: the analog multiplexer, V(vs0) = V(tap<k>) for k = round(V(seg)) (ideal: a
///    bootstrapped switch per tap in a real converter). vs0 is the mantissa pipeline's input.
///
/// The ideal elements are listed in the deck header with an estimate of what real ones cost
/// (idealPowerEstimates); bench results keep those estimates apart from the simulated power.
#include <string>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/spice/deck.h"

namespace nnadc::spice {

/// Cells per divider side the comparator design may use (each of one RRAM level).
inline constexpr int kMaxComparatorCells = 4;
/// Sample rate the ideal elements' power estimates are stated at [Hz] (that of docs/buildable.md).
inline constexpr double kIdealEstimateFsHz = 10e6;

/// One segment comparator's divider.
struct SegmentComparator {
  int top_level = 0;         ///< RRAM level of the cells from the tap to the inverter's input
  int top_cells = 0;         ///< how many of them in parallel
  int bottom_level = 0;      ///< RRAM level of the cells from the inverter's input to ground
  int bottom_cells = 0;      ///< how many of them in parallel
  double top_s = 0.0;        ///< total conductance of the top side [S]
  double bottom_s = 0.0;     ///< total conductance of the bottom side [S]
  double target_v = 0.0;     ///< the threshold the behavioural model uses [V]
  double threshold_v = 0.0;  ///< the designed one, V_M (top + bottom) / top [V]
};

/// The divider of each comparator j = 1..S: the cell combination (levels 1..top, 1 to
/// kMaxComparatorCells cells a side) whose threshold is nearest the model's; ties go to fewer
/// cells. NNADC-DES-001 without a segmented front end.
std::vector<SegmentComparator> segmentComparators(const adc::Design& design);

/// An ideal (behavioural) element of the deck with an estimate of what a real one costs.
struct IdealEstimate {
  std::string instances;  ///< e.g. "b_lad1..b_lad10"
  std::string what;       ///< what the real circuit is
  double power_w = 0.0;   ///< estimated power at kIdealEstimateFsHz [W]
  std::string basis;      ///< where the estimate comes from
};
/// Estimates for the ladder, the decoder, the multiplexer and the mantissa pipeline's residue
/// amplifiers: every ideal element of the segmented static deck that a real converter pays for
/// (docs/nonlinear.md states them). NNADC-DES-001 without a segmented front end.
std::vector<IdealEstimate> idealPowerEstimates(const adc::Design& design);

/// Whether a deck of `design` for `bench` holds the segmented front end.
bool hasSegmentedFrontEnd(const adc::Design& design, Bench bench);

/// Node and vector names (ngspice's raw-file form, lower case).
inline constexpr const char* kSegmentedInputNode = "xin";
std::string segmentComparatorVector(int comparator);  ///< "v(cmp3)", comparator 1..S
inline constexpr const char* kSegmentDecisionVector = "v(seg)";
inline constexpr const char* kFrontEndSupplySource = "vdd_cmp";
inline constexpr const char* kFrontEndSupplyVector = "i(vdd_cmp)";

}  // namespace nnadc::spice
