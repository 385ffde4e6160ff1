#include "nnadc/axtrain/error_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nnadc/core/assert.h"
#include "nnadc/core/error.h"
#include "nnadc/core/normal_stream.h"
#include "nnadc/core/text.h"
#include "nnadc/nn/parallel.h"
#include "nnadc/rram/variation.h"
#include "product_sums.h"

namespace nnadc::axtrain {

namespace {

constexpr double kMultiplierMaxCode = 255.0;  // 8-bit unsigned magnitude
constexpr double kStorageMaxCode = 127.0;     // 8-bit two's complement, symmetric range
constexpr int kStorageBits = 8;
constexpr int kMaxRramBits = 8;
constexpr double kMaxRramSigma = 2.0;  // beyond this the lognormal factor is meaningless
// Signed codes -255..255 index the rows (activations) and columns (weights) 0..510 of the
// signed product table.
constexpr std::int32_t kMaxCodeIndex = 255;
constexpr std::int32_t kSignedCodes = 2 * kMaxCodeIndex + 1;
// Units of parallel work (fixed: results never depend on the thread count).
constexpr Eigen::Index kRowsPerChunk = 64;
constexpr Eigen::Index kColumnsPerChunk = 32;
// Weights drawn per rram variation stream (a fixed block: the same draw on any thread count).
constexpr Eigen::Index kDrawBlock = 16384;
constexpr Eigen::Index kDrawColumns = 64;  // columns of a layer per unit of a multiplier draw
// Widest layer whose product sums fit an int32 accumulator: 2^14 products of |p| < 2^16.
constexpr Eigen::Index kMaxInt32Inputs = Eigen::Index{1} << 14;

[[noreturn]] void badSpec(std::string_view text, const std::string& why) {
  throw InputError("NNADC-AXT-002", "error model '" + std::string(text) + "': " + why +
                                        " (accepted: none, mult:<design>, ntv:<V>V, ntv:ber=<p>, "
                                        "rram:sigma=<s>[,bits=<b>])");
}

double maxAbs(const Eigen::Ref<const Eigen::MatrixXd>& w) {
  return w.size() == 0 ? 0.0 : w.cwiseAbs().maxCoeff();
}

// Number of trials until the next success of a Bernoulli(p) sequence, minus one (geometric
// skipping: flips at BER p cost O(p n) random numbers instead of O(n)).
std::uint64_t geometricSkip(double p, Rng& rng) {
  const double u = 1.0 - rng.uniform();  // (0, 1]
  const double skip = std::floor(std::log(u) / std::log1p(-p));
  constexpr double kHuge = 1e18;
  return static_cast<std::uint64_t>(std::min(skip, kHuge));
}

}  // namespace

const std::vector<VoltageBer>& ntvBerTable() {
  static const std::vector<VoltageBer> table = {
      {0.50, 2e-2}, {0.55, 5e-3}, {0.60, 1e-3}, {0.65, 1e-4},
      {0.70, 1e-5}, {0.80, 1e-6}, {0.90, 1e-8}, {1.00, 0.0},
  };
  return table;
}

double bitErrorRateAt(double vdd_v) {
  const auto& t = ntvBerTable();
  if (!std::isfinite(vdd_v) || vdd_v < t.front().vdd_v || vdd_v > t.back().vdd_v) {
    throw InputError("NNADC-AXT-004", "ntv voltage " + formatDouble(vdd_v) +
                                          " V is outside the BER table [" +
                                          formatDouble(t.front().vdd_v) + ", " +
                                          formatDouble(t.back().vdd_v) + "] V");
  }
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (vdd_v <= t[i].vdd_v) {
      const VoltageBer& lo = t[i - 1];
      const VoltageBer& hi = t[i];
      if (hi.ber <= 0.0)
        return vdd_v >= hi.vdd_v ? 0.0 : lo.ber * (hi.vdd_v - vdd_v) / (hi.vdd_v - lo.vdd_v);
      const double f = (vdd_v - lo.vdd_v) / (hi.vdd_v - lo.vdd_v);
      return std::exp(std::log(lo.ber) + f * (std::log(hi.ber) - std::log(lo.ber)));
    }
  }
  return t.back().ber;
}

std::string ErrorModelSpec::name() const {
  switch (kind) {
    case ErrorModelKind::kNone:
      return "none";
    case ErrorModelKind::kMultiplier:
      return "mult:" + multiplier.name();
    case ErrorModelKind::kNearThreshold:
      if (ntv_vdd_v) return "ntv:" + formatDouble(*ntv_vdd_v) + "V";
      return "ntv:ber=" + formatDouble(bit_error_rate);
    case ErrorModelKind::kRram:
      return "rram:sigma=" + formatDouble(rram_sigma) + ",bits=" + std::to_string(rram_bits);
  }
  return "?";
}

ErrorModelSpec ErrorModelSpec::parse(std::string_view text) {
  ErrorModelSpec spec;
  if (text == "none") return spec;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) badSpec(text, "missing '<kind>:'");
  const std::string_view kind = text.substr(0, colon);
  const std::string_view rest = text.substr(colon + 1);
  if (kind == "mult") {
    spec.kind = ErrorModelKind::kMultiplier;
    spec.multiplier = MultiplierDesign::parse(rest);
    return spec;
  }
  if (kind == "ntv") {
    spec.kind = ErrorModelKind::kNearThreshold;
    if (startsWith(rest, "ber=")) {
      const auto p = parseDouble(rest.substr(4));
      if (!p || !(*p >= 0.0 && *p <= 0.5)) badSpec(text, "ber must be a number in [0, 0.5]");
      spec.bit_error_rate = *p;
      return spec;
    }
    if (rest.empty() || (rest.back() != 'V' && rest.back() != 'v')) {
      badSpec(text, "ntv needs a voltage like 0.6V or ber=<p>");
    }
    const auto v = parseDouble(rest.substr(0, rest.size() - 1));
    if (!v) badSpec(text, "ntv voltage is not a number");
    spec.ntv_vdd_v = *v;
    spec.bit_error_rate = bitErrorRateAt(*v);
    return spec;
  }
  if (kind == "rram") {
    spec.kind = ErrorModelKind::kRram;
    bool have_sigma = false;
    std::string_view items = rest;
    while (!items.empty()) {
      const std::size_t comma = items.find(',');
      const std::string_view item = items.substr(0, comma);
      items = comma == std::string_view::npos ? std::string_view{} : items.substr(comma + 1);
      if (startsWith(item, "sigma=")) {
        const auto s = parseDouble(item.substr(6));
        if (!s || !(*s >= 0.0 && *s <= kMaxRramSigma)) {
          badSpec(text, "sigma must be a number in [0, 2]");
        }
        spec.rram_sigma = *s;
        have_sigma = true;
      } else if (startsWith(item, "bits=")) {
        const auto b = parseInteger(item.substr(5));
        if (!b || *b < 1 || *b > kMaxRramBits) badSpec(text, "bits must be an integer in [1, 8]");
        spec.rram_bits = static_cast<int>(*b);
      } else {
        badSpec(text, "unknown rram parameter '" + std::string(item) + "'");
      }
    }
    if (!have_sigma) badSpec(text, "rram needs sigma=<s>");
    return spec;
  }
  badSpec(text, "unknown kind '" + std::string(kind) + "'");
}

HardwareModel::HardwareModel(const ErrorModelSpec& spec) : spec_(spec) {
  if (spec_.kind == ErrorModelKind::kMultiplier) {
    table_.emplace(spec_.multiplier);
    stats_ = table_->stats();
    products_.assign(static_cast<std::size_t>(kSignedCodes) * kSignedCodes, 0);
    for (std::int32_t ra = -kMaxCodeIndex; ra <= kMaxCodeIndex; ++ra) {
      for (std::int32_t c = -kMaxCodeIndex; c <= kMaxCodeIndex; ++c) {
        const auto a = static_cast<std::uint32_t>(std::abs(ra));
        const auto b = static_cast<std::uint32_t>(std::abs(c));
        const auto p = static_cast<std::int32_t>(table_->product(a, b));
        products_[static_cast<std::size_t>((ra + kMaxCodeIndex) * kSignedCodes + c +
                                           kMaxCodeIndex)] = (ra < 0) != (c < 0) ? -p : p;
      }
    }
    // The nibble kernel's tables, if the design's products are additive in the weight's
    // nibbles (checked exhaustively; product_sums.h).
    nibble_additive_ = true;
    nibble_tables_.assign(256 * static_cast<std::size_t>(detail::kNibbleTableBytes), 0);
    for (std::uint32_t a = 0; a < 256; ++a) {
      for (std::uint32_t b = 0; b < 256; ++b) {
        const std::uint32_t high = table_->product(a, b & 0xF0U);
        if (table_->product(a, b) != table_->product(a, b & 0x0FU) + high || high % 16 != 0) {
          nibble_additive_ = false;
        }
      }
      std::uint8_t* t = &nibble_tables_[a * static_cast<std::size_t>(detail::kNibbleTableBytes)];
      for (std::uint32_t v = 0; v < 16; ++v) {
        const std::uint32_t low = table_->product(a, v);
        const std::uint32_t high = table_->product(a, v << 4U) / 16;
        t[v] = static_cast<std::uint8_t>(low & 0xFFU);
        t[16 + v] = static_cast<std::uint8_t>(low >> 8U);
        t[32 + v] = static_cast<std::uint8_t>(high & 0xFFU);
        t[48 + v] = static_cast<std::uint8_t>(high >> 8U);
      }
    }
    vector_kernels_ = nibble_additive_ && detail::avx2Available();
  }
}

std::optional<MultiplierStats> HardwareModel::multiplierStats() const { return stats_; }

void HardwareModel::setVectorKernels(bool on) {
  vector_kernels_ = on && nibble_additive_ && detail::avx2Available();
}

void HardwareModel::draw(const nn::Mlp& net, Rng& rng) {
  const auto layers = static_cast<std::size_t>(net.layerCount());
  if (spec_.kind == ErrorModelKind::kMultiplier) {
    quantised_.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
      const auto w = net.weights(static_cast<int>(l));
      QuantisedLayer& q = quantised_[l];
      const double top = maxAbs(w);
      q.scale = top > 0.0 ? top / kMultiplierMaxCode : 1.0;
      q.rows = w.rows();
      q.cols = w.cols();
      q.codes.resize(static_cast<std::size_t>(w.size()));
      const Eigen::Index block = detail::kNibbleBlock;
      q.out_padded = (w.rows() + block - 1) / block * block;
      if (nibble_additive_) {
        q.magnitudes.assign(static_cast<std::size_t>(w.cols() * q.out_padded), 0);
        q.signs.assign(static_cast<std::size_t>(w.cols() * q.out_padded), 1);
      }
      // Every step quantises every weight again: element-wise, in fixed chunks of columns on
      // the pool (the same codes on any thread count).
      const Eigen::Index cols = w.cols();
      const int chunks = static_cast<int>((cols + kDrawColumns - 1) / kDrawColumns);
      nn::parallelFor(chunks, [&](int k) {
        const Eigen::Index j0 = k * kDrawColumns;
        const Eigen::Index j1 = std::min(cols, j0 + kDrawColumns);
        for (Eigen::Index j = j0; j < j1; ++j) {
          for (Eigen::Index i = 0; i < w.rows(); ++i) {
            // min(255, round(|w| / scale)) without a libm call: x <= 255 here (scale is
            // max |w| / 255), so truncation plus the half test is std::round exactly.
            const double x = std::min(kMultiplierMaxCode, std::abs(w(i, j)) / q.scale);
            const auto whole = static_cast<std::int32_t>(x);
            const std::int32_t magnitude = whole + (x - static_cast<double>(whole) >= 0.5 ? 1 : 0);
            const std::int32_t code = w(i, j) < 0.0 ? -magnitude : magnitude;
            q.codes[static_cast<std::size_t>(j * w.rows() + i)] =
                static_cast<std::uint16_t>(code + kMaxCodeIndex);
            if (!nibble_additive_) continue;
            // Magnitudes and signs for the nibble kernel: outputs padded to whole blocks, signs
            // in its lane order (outputs 0-7, 16-23, 8-15, 24-31 of each block).
            const Eigen::Index at = j * q.out_padded + i;
            q.magnitudes[static_cast<std::size_t>(at)] = static_cast<std::uint8_t>(magnitude);
            const Eigen::Index r = i % block;
            const Eigen::Index lane = r < 8 ? r : r < 16 ? r + 8 : r < 24 ? r - 8 : r;
            q.signs[static_cast<std::size_t>(j * q.out_padded + i - r + lane)] =
                static_cast<std::int16_t>(code < 0 ? -1 : 1);
          }
        }
      });
    }
    return;
  }
  weights_.resize(layers);
  weights_f_.resize(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    const auto w = net.weights(static_cast<int>(l));
    Eigen::MatrixXd& h = weights_[l];
    h = w;
    if (spec_.kind == ErrorModelKind::kNearThreshold) {
      const double top = maxAbs(w);
      const double step = top > 0.0 ? top / kStorageMaxCode : 1.0;
      Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> q(w.rows(), w.cols());
      for (Eigen::Index k = 0; k < w.size(); ++k) {
        q.data()[k] = static_cast<std::int8_t>(
            std::clamp(std::round(w.data()[k] / step), -kStorageMaxCode, kStorageMaxCode));
      }
      if (spec_.bit_error_rate > 0.0) {
        const auto bits = static_cast<std::uint64_t>(w.size()) * kStorageBits;
        for (std::uint64_t pos = geometricSkip(spec_.bit_error_rate, rng); pos < bits;
             pos += 1 + geometricSkip(spec_.bit_error_rate, rng)) {
          auto& cell = q.data()[pos / kStorageBits];
          const auto flipped = static_cast<std::uint8_t>(static_cast<std::uint8_t>(cell) ^
                                                         (1U << (pos % kStorageBits)));
          cell = static_cast<std::int8_t>(flipped);  // two's complement reinterpretation
        }
      }
      h = q.cast<double>() * step;
    } else if (spec_.kind == ErrorModelKind::kRram) {
      const double top = maxAbs(w);
      const double levels = std::ldexp(1.0, spec_.rram_bits) - 1.0;
      const double step = top > 0.0 ? top / levels : 1.0;
      // One lognormal draw per weight is most of a passive step's extra cost: fixed blocks of
      // weights, each from its own stream (seed = one draw of `rng` + block index), in parallel,
      // on the ziggurat stream (NormalStream: about 4x cheaper a number than Rng::normal).
      const std::uint64_t base = rng.next();
      const Eigen::Index n = w.size();
      const int blocks = static_cast<int>((n + kDrawBlock - 1) / kDrawBlock);
      const double sigma = spec_.rram_sigma;
      nn::parallelFor(blocks, [&](int k) {
        NormalStream normals(Rng::sampleSeed(base, static_cast<std::uint64_t>(k)));
        const Eigen::Index end = std::min(n, (k + 1) * kDrawBlock);
        for (Eigen::Index t = k * kDrawBlock; t < end; ++t) {
          const double magnitude = std::round(std::abs(w.data()[t]) / step) * step;
          // Level 0 stays 0 whatever its factor: no draw (about 1 weight in 8 at 4 bits).
          const double varied =
              magnitude == 0.0 ? 0.0 : magnitude * rram::lognormalFactor(normals, sigma);
          h.data()[t] = w.data()[t] < 0.0 ? -varied : varied;
        }
      });
    }
    weights_f_[l] = h.cast<float>();
  }
}

namespace {

// z = W input + b by fixed row chunks (never the thread count): the same bits on any number of
// threads.
template <typename S>
void denseLayer(const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& w,
                const Eigen::Ref<const Eigen::VectorXd>& bias,
                const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& input,
                Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& z) {
  z.resize(w.rows(), input.cols());
  const Eigen::Index rows = w.rows();
  const int chunks = static_cast<int>((rows + kRowsPerChunk - 1) / kRowsPerChunk);
  nn::parallelFor(chunks, [&](int k) {
    const Eigen::Index r0 = k * kRowsPerChunk;
    const Eigen::Index n = std::min(kRowsPerChunk, rows - r0);
    nn::rowsProduct(w, r0, n, input, z);
    z.middleRows(r0, n).colwise() += bias.segment(r0, n).template cast<S>();
  });
}

}  // namespace

template <typename S>
void HardwareModel::applyLayer(
    int layer, [[maybe_unused]] const Eigen::Ref<const Eigen::MatrixXd>& weights,
    const Eigen::Ref<const Eigen::VectorXd>& bias,
    const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& input,
    Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& z,
    const std::vector<Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>>& dense) {
  const auto l = static_cast<std::size_t>(layer);
  if (spec_.kind == ErrorModelKind::kMultiplier) {
    NNADC_ASSERT(l < quantised_.size() && quantised_[l].rows == weights.rows() &&
                 quantised_[l].cols == weights.cols());
    applyMultiplier(layer, bias, input, z);
    return;
  }
  NNADC_ASSERT(l < dense.size() && dense[l].rows() == weights.rows() &&
               dense[l].cols() == weights.cols());
  denseLayer(dense[l], bias, input, z);
}

void HardwareModel::apply(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                          const Eigen::Ref<const Eigen::VectorXd>& bias,
                          const Eigen::MatrixXd& input, Eigen::MatrixXd& z) {
  applyLayer(layer, weights, bias, input, z, weights_);
}

void HardwareModel::applyFloat(int layer, const Eigen::Ref<const Eigen::MatrixXd>& weights,
                               const Eigen::Ref<const Eigen::VectorXd>& bias,
                               const Eigen::MatrixXf& input, Eigen::MatrixXf& z) {
  applyLayer(layer, weights, bias, input, z, weights_f_);
}

template <typename In, typename Out>
void HardwareModel::applyMultiplier(int layer, const Eigen::Ref<const Eigen::VectorXd>& bias,
                                    const Eigen::Matrix<In, Eigen::Dynamic, Eigen::Dynamic>& input,
                                    Eigen::Matrix<Out, Eigen::Dynamic, Eigen::Dynamic>& z) const {
  const QuantisedLayer& q = quantised_[static_cast<std::size_t>(layer)];
  const Eigen::Index out = q.rows;
  const Eigen::Index in = q.cols;
  const Eigen::Index batch = input.cols();
  const double top = input.size() == 0 ? 0.0 : static_cast<double>(input.cwiseAbs().maxCoeff());
  if (top == 0.0) {
    z = bias.cast<Out>().replicate(1, batch);
    return;
  }
  const double input_scale = top / kMultiplierMaxCode;
  const double scale = q.scale * input_scale;
  z.resize(out, batch);
  // Samples are independent: fixed chunks of columns, each quantised and summed on its own
  // (integer sums: no rounding, so no split and no kernel can change a bit).
  const bool narrow = in <= kMaxInt32Inputs;
  // The nibble kernel's int32 sums hold the same bound as the baseline's.
  const bool avx2 = vector_kernels_ && narrow;
  const int chunks = static_cast<int>((batch + kColumnsPerChunk - 1) / kColumnsPerChunk);
  nn::parallelFor(chunks, [&](int k) {
    const Eigen::Index c0 = k * kColumnsPerChunk;
    const Eigen::Index nc = std::min(kColumnsPerChunk, batch - c0);
    // Per thread, reused: one sample's nonzero activations (input index, table-row offset) and
    // its integer sums.
    thread_local std::vector<std::int32_t> inputs;
    thread_local std::vector<std::int32_t> offsets;
    thread_local std::vector<std::int32_t> acc32;
    thread_local std::vector<std::int64_t> acc64;
    thread_local std::vector<std::int32_t> activations;
    thread_local std::vector<std::int32_t> low;
    thread_local std::vector<std::int32_t> high;
    thread_local std::vector<std::int16_t> scratch;
    inputs.resize(static_cast<std::size_t>(in));
    offsets.resize(static_cast<std::size_t>(in));
    activations.resize(static_cast<std::size_t>(in));
    for (Eigen::Index s = c0; s < c0 + nc; ++s) {
      // Activation codes: sign-magnitude, magnitude round(|x| / scale) in [0, 255]; a zero code
      // makes every product 0 and costs nothing.
      std::ptrdiff_t count = 0;
      for (Eigen::Index j = 0; j < in; ++j) {
        const double x = static_cast<double>(input(j, s));
        const auto magnitude = static_cast<std::int32_t>(
            std::min(kMultiplierMaxCode, std::round(std::abs(x) / input_scale)));
        if (magnitude == 0) continue;
        const std::int32_t code = x < 0.0 ? -magnitude : magnitude;
        inputs[static_cast<std::size_t>(count)] = static_cast<std::int32_t>(j);
        offsets[static_cast<std::size_t>(count)] = (code + kMaxCodeIndex) * kSignedCodes;
        ++count;
      }
      if (avx2) {
        const auto padded = static_cast<std::size_t>(q.out_padded);
        low.assign(padded, 0);
        high.assign(padded, 0);
        scratch.resize(2 * padded);
        for (std::ptrdiff_t t = 0; t < count; ++t) {
          const auto u = static_cast<std::size_t>(t);
          activations[u] = offsets[u] / kSignedCodes - kMaxCodeIndex;
        }
        detail::nibbleSumsAvx2(nibble_tables_.data(), q.magnitudes.data(), q.signs.data(),
                               q.out_padded, activations.data(), inputs.data(), count, low.data(),
                               high.data(), scratch.data());
        for (Eigen::Index i = 0; i < out; ++i) {
          const auto u = static_cast<std::size_t>(i);
          const std::int64_t sum = std::int64_t{low[u]} + 16 * std::int64_t{high[u]};
          z(i, s) = static_cast<Out>(static_cast<double>(sum) * scale + bias(i));
        }
      } else if (narrow) {
        acc32.assign(static_cast<std::size_t>(out), 0);
        detail::productSumsBaseline(products_.data(), q.codes.data(), out, offsets.data(),
                                    inputs.data(), count, acc32.data());
        for (Eigen::Index i = 0; i < out; ++i) {
          z(i, s) = static_cast<Out>(
              static_cast<double>(acc32[static_cast<std::size_t>(i)]) * scale + bias(i));
        }
      } else {
        acc64.assign(static_cast<std::size_t>(out), 0);
        for (std::ptrdiff_t t = 0; t < count; ++t) {
          const std::int32_t* row = products_.data() + offsets[static_cast<std::size_t>(t)];
          const std::uint16_t* c = q.codes.data() + inputs[static_cast<std::size_t>(t)] * out;
          for (Eigen::Index i = 0; i < out; ++i) acc64[static_cast<std::size_t>(i)] += row[c[i]];
        }
        for (Eigen::Index i = 0; i < out; ++i) {
          z(i, s) = static_cast<Out>(
              static_cast<double>(acc64[static_cast<std::size_t>(i)]) * scale + bias(i));
        }
      }
    }
  });
}

const Eigen::MatrixXd* HardwareModel::backwardWeights(int layer) const {
  const auto l = static_cast<std::size_t>(layer);
  if (spec_.kind == ErrorModelKind::kMultiplier || l >= weights_.size()) return nullptr;
  return &weights_[l];
}

const Eigen::MatrixXf* HardwareModel::backwardWeightsFloat(int layer) const {
  const auto l = static_cast<std::size_t>(layer);
  if (spec_.kind == ErrorModelKind::kMultiplier || l >= weights_f_.size()) return nullptr;
  return &weights_f_[l];
}

Eigen::VectorXd HardwareModel::errorScaleSquared(const nn::Mlp& net) const {
  Eigen::VectorXd s2;
  errorScaleSquared(net, s2);
  return s2;
}

void HardwareModel::errorScaleSquared(const nn::Mlp& net, Eigen::VectorXd& s2) const {
  std::vector<ErrorScaleLayer> layers;
  errorScaleLayers(net, layers);
  s2.setZero(net.parameterCount());
  for (int l = 0; l < net.layerCount(); ++l) {
    const auto w = net.weights(l);
    const ErrorScaleLayer& c = layers[static_cast<std::size_t>(l)];
    const auto w2 = Eigen::Map<const Eigen::ArrayXd>(w.data(), w.size()).square();
    s2.segment(net.weightOffset(l), w.size()).array() = c.weight_factor * w2 + c.floor;
  }
}

void HardwareModel::errorScaleLayers(const nn::Mlp& net,
                                     std::vector<ErrorScaleLayer>& layers) const {
  layers.assign(static_cast<std::size_t>(net.layerCount()), ErrorScaleLayer{});
  if (spec_.kind == ErrorModelKind::kNone) return;
  for (int l = 0; l < net.layerCount(); ++l) {
    const double top = maxAbs(net.weights(l));
    ErrorScaleLayer& out = layers[static_cast<std::size_t>(l)];
    switch (spec_.kind) {
      case ErrorModelKind::kNone:
        break;
      case ErrorModelKind::kMultiplier: {
        const double d = top / kMultiplierMaxCode;
        out.weight_factor = stats_->mean_relative_error * stats_->mean_relative_error +
                            stats_->std_relative_error * stats_->std_relative_error;
        out.floor = d * d / 12.0;
        break;
      }
      case ErrorModelKind::kNearThreshold: {
        const double d = top / kStorageMaxCode;
        constexpr double kSumFourPowers = 21845.0;  // sum_{k=0..7} 4^k = (4^8 - 1) / 3
        out.floor = spec_.bit_error_rate * kSumFourPowers * d * d + d * d / 12.0;
        break;
      }
      case ErrorModelKind::kRram: {
        const double d = top / (std::ldexp(1.0, spec_.rram_bits) - 1.0);
        const double s2r = spec_.rram_sigma * spec_.rram_sigma;
        out.weight_factor = std::exp(2.0 * s2r) - 2.0 * std::exp(s2r / 2.0) + 1.0;
        out.floor = d * d / 12.0;
        break;
      }
    }
  }
}

}  // namespace nnadc::axtrain
