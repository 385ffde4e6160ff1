#pragma once
/// Hardware error models for classifiers on approximate hardware (AxTrain, He et al. ISLPED
/// 2018). Each is one object usable in training (a fresh draw per step, passive mode), in the
/// active penalty (its per-weight error scale) and in evaluation (Monte-Carlo draws). Biases are
/// exact in every model (they are added in the accumulator).
///
///  - mult:<design>: every product of every layer on an 8-bit approximate multiplier
///    (multiplier.h). Activations and weights are quantised to 8-bit sign-magnitude per tensor
///    (scale = max |x| / 255 over the batch, resp. max |W| / 255); the magnitudes multiply on the
///    approximate multiplier (activation = first operand a, weight = second operand b), the sign
///    is applied exactly, the sums are exact. Deterministic: every draw gives the same result.
///  - ntv:<V>V or ntv:ber=<p>: weights stored as 8-bit two's complement (q = round(w / D),
///    D = max |W| / 127, q in [-127, 127]) in SRAM at near-threshold voltage; each stored bit
///    flips independently with the bit-error rate p (voltage -> BER table below). Arithmetic exact.
///  - rram:sigma=<s>[,bits=<b>]: each weight's magnitude quantised to 2^b uniform conductance
///    levels in [0, max |W|] (sign by a differential pair), then multiplied by exp(N(0, s^2))
///    (lognormal programming variation). Default b = 4. Arithmetic exact.
///    TODO(rram): delegate to lib/rram's level set and variation model (now available); that
///    changes the random stream, so docs/axtrain.md must be regenerated in the same change.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nnadc/axtrain/multiplier.h"
#include "nnadc/core/rng.h"
#include "nnadc/nn/mlp.h"

namespace nnadc::axtrain {

enum class ErrorModelKind { kNone, kMultiplier, kNearThreshold, kRram };

/// One point of the near-threshold SRAM table: supply voltage and bit-error rate.
struct VoltageBer {
  double vdd_v;
  double ber;
};

/// The voltage -> bit-error-rate table ntv:<V>V uses (log-linear interpolation between points).
/// Illustrative: the shape of published 6T-SRAM failure curves (BER falling by roughly a decade
/// per 50 mV near threshold), not a measurement of one process; replace it with your own.
const std::vector<VoltageBer>& ntvBerTable();

/// Bit-error rate at `vdd_v` from ntvBerTable(); InputError NNADC-AXT-004 outside its range.
double bitErrorRateAt(double vdd_v);

struct ErrorModelSpec {
  ErrorModelKind kind = ErrorModelKind::kNone;
  MultiplierDesign multiplier;      ///< kMultiplier
  std::optional<double> ntv_vdd_v;  ///< kNearThreshold, when given as a voltage
  double bit_error_rate = 0.0;      ///< kNearThreshold
  double rram_sigma = 0.0;          ///< kRram: sigma of the lognormal factor exp(N(0, s^2))
  int rram_bits = 4;                ///< kRram: 2^bits levels per sign

  /// Canonical text form, e.g. "mult:udm", "ntv:0.6V", "ntv:ber=0.001", "rram:sigma=0.3,bits=4".
  [[nodiscard]] std::string name() const;
  /// Parses the forms above and "none"; InputError NNADC-AXT-002 naming the text and the
  /// accepted forms (NNADC-AXT-003 for a bad multiplier name, NNADC-AXT-004 for a voltage outside
  /// the table).
  static ErrorModelSpec parse(std::string_view text);
};

/// The hardware of one error model, run as an nn::LinearEvaluator. Call draw() before forward
/// passes: it captures the network's weights as the hardware holds them for one error draw.
class HardwareModel final : public nn::LinearEvaluator {
 public:
  explicit HardwareModel(const ErrorModelSpec& spec);

  [[nodiscard]] const ErrorModelSpec& spec() const { return spec_; }
  /// The multiplier layer's lookups use the AVX2 nibble kernel when the CPU has AVX2 (checked at
  /// run time) and the design's products are additive in the weight's nibbles (every design in
  /// multiplier.h), unless this is set to false: the baseline loop. Both add the same integers:
  /// the same bits (tested).
  void setVectorKernels(bool on);
  [[nodiscard]] bool vectorKernels() const { return vector_kernels_; }

  /// Exhaustive multiplier statistics (kMultiplier only).
  [[nodiscard]] std::optional<MultiplierStats> multiplierStats() const;

  /// Stores `net`'s weights as the hardware sees them in one draw (quantised, bits flipped,
  /// conductances varied) using `rng`. The rram draw takes one number from `rng` and draws the
  /// variation of each fixed block of weights from its own stream seeded by it (blocks run in
  /// parallel; the result does not depend on the thread count).
  void draw(const nn::Mlp& net, Rng& rng);

  /// z = W a + b on this hardware, using the weights of the last draw(); `weights` only
  /// supplies the shape (checked).
  void apply(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
             const Eigen::Ref<const Eigen::VectorXd>& bias, const Eigen::MatrixXd& input,
             Eigen::MatrixXd& z) override;
  /// apply() for the float pass: ntv / rram / none multiply the drawn weights rounded to float;
  /// mult is the same integer sums as apply() (exact), scaled in double and rounded to float.
  void applyFloat(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                  const Eigen::Ref<const Eigen::VectorXd>& bias, const Eigen::MatrixXf& input,
                  Eigen::MatrixXf& z) override;

  /// ntv / rram: the drawn weights (the gradient is taken at the perturbed point); mult: null
  /// (straight-through to the clean weights).
  [[nodiscard]] const Eigen::MatrixXd* backwardWeights(int layer) const override;
  [[nodiscard]] const Eigen::MatrixXf* backwardWeightsFloat(int layer) const override;

  /// Per-parameter RMS deviation s_i the hardware causes, in weight units, same layout as
  /// net.parameters() (0 for biases):
  ///  - mult: s^2 = (mu_r^2 + sigma_r^2) w^2 + D^2/12, mu_r, sigma_r the multiplier's relative
  ///    error mean and std (exhaustive), D = max|W|/255 (the product error seen as a weight error);
  ///  - ntv:  s^2 = p * sum_{k=0..7} 4^k * D^2 + D^2/12, D = max|W|/127 (a flip of bit k moves
  ///    the code by +-2^k);
  ///  - rram: s^2 = (exp(2 sigma^2) - 2 exp(sigma^2 / 2) + 1) w^2 + D^2/12, D = max|W|/(2^b - 1)
  ///    (E[(w (e^{sigma N} - 1))^2] exactly).
  [[nodiscard]] Eigen::VectorXd errorScaleSquared(const nn::Mlp& net) const;
  /// The same into `s2` (resized; no allocation when the size is unchanged).
  void errorScaleSquared(const nn::Mlp& net, Eigen::VectorXd& s2) const;

  /// The formulas above per layer: s_i^2 = weight_factor * w_i^2 + floor for every weight of the
  /// layer (errorScaleSquared() is this, element by element), 0 for its biases.
  struct ErrorScaleLayer {
    double weight_factor = 0.0;
    double floor = 0.0;
  };
  /// One entry per layer of `net` (`layers` resized): one read of the weights (their largest
  /// magnitude), no per-parameter output.
  void errorScaleLayers(const nn::Mlp& net, std::vector<ErrorScaleLayer>& layers) const;

 private:
  struct QuantisedLayer {
    double scale = 0.0;  ///< weight units per code
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    /// cols x rows (input by input, one input's outputs contiguous): signed code + 255, the
    /// column of products_ to read.
    std::vector<std::uint16_t> codes;
    /// The nibble kernel's layout (product_sums.h): rows padded to out_padded per input.
    Eigen::Index out_padded = 0;
    std::vector<std::uint8_t> magnitudes;
    std::vector<std::int16_t> signs;
  };
  /// apply() and applyFloat(): the multiplier's integer sums, else `dense[layer]` (the drawn
  /// weights in the pass's precision).
  template <typename S>
  void applyLayer(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                  const Eigen::Ref<const Eigen::VectorXd>& bias,
                  const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& input,
                  Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& z,
                  const std::vector<Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>>& dense);
  template <typename In, typename Out>
  void applyMultiplier(int layer, const Eigen::Ref<const Eigen::VectorXd>& bias,
                       const Eigen::Matrix<In, Eigen::Dynamic, Eigen::Dynamic>& input,
                       Eigen::Matrix<Out, Eigen::Dynamic, Eigen::Dynamic>& z) const;

  ErrorModelSpec spec_;
  std::optional<ProductTable> table_;
  /// 511 x 511, row ra + 255, column c + 255: sign(ra) sign(c) approx(|ra|, |c|) for signed
  /// activation codes ra and weight codes c in [-255, 255]: one lookup per product.
  std::vector<std::int32_t> products_;
  std::optional<MultiplierStats> stats_;
  std::vector<Eigen::MatrixXd> weights_;    // ntv / rram / none: hardware weights
  std::vector<Eigen::MatrixXf> weights_f_;  // the same, rounded to float
  std::vector<QuantisedLayer> quantised_;   // mult
  /// 256 x 64 bytes: the nibble kernel's tables per activation magnitude.
  std::vector<std::uint8_t> nibble_tables_;
  bool nibble_additive_ = false;
  bool vector_kernels_ = false;
};

}  // namespace nnadc::axtrain
