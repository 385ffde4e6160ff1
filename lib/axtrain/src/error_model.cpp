#include "nnadc/axtrain/error_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nnadc/core/assert.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/nn/parallel.h"
#include "nnadc/rram/variation.h"

namespace nnadc::axtrain {

namespace {

constexpr double kMultiplierMaxCode = 255.0;  // 8-bit unsigned magnitude
constexpr double kStorageMaxCode = 127.0;     // 8-bit two's complement, symmetric range
constexpr int kStorageBits = 8;
constexpr int kMaxRramBits = 8;
constexpr double kMaxRramSigma = 2.0;  // beyond this the lognormal factor is meaningless
// Signed weight codes -255..255 index the columns 0..510 of the signed error table.
constexpr std::size_t kMaxCodeIndex = 255;
constexpr std::size_t kSignedColumns = 2 * kMaxCodeIndex + 1;
// Units of parallel work (fixed: results never depend on the thread count).
constexpr Eigen::Index kRowsPerChunk = 64;
constexpr Eigen::Index kColumnsPerChunk = 32;
// Widest layer whose error sums fit an int32 accumulator: 2^14 products of |error| < 2^16.
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
    signed_errors_.assign(256 * kSignedColumns, 0);
    for (std::uint32_t a = 0; a < 256; ++a) {
      std::int32_t* row = &signed_errors_[a * kSignedColumns];
      for (std::uint32_t b = 1; b < 256; ++b) {
        row[kMaxCodeIndex + b] = table_->error(a, b);
        row[kMaxCodeIndex - b] = -table_->error(a, b);
      }
    }
  }
}

std::optional<MultiplierStats> HardwareModel::multiplierStats() const { return stats_; }

void HardwareModel::draw(const nn::Mlp& net, Rng& rng) {
  const auto layers = static_cast<std::size_t>(net.layerCount());
  if (spec_.kind == ErrorModelKind::kMultiplier) {
    quantised_.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
      const auto w = net.weights(static_cast<int>(l));
      QuantisedLayer& q = quantised_[l];
      const double top = maxAbs(w);
      q.scale = top > 0.0 ? top / kMultiplierMaxCode : 1.0;
      q.signed_codes.resize(w.rows(), w.cols());
      q.index.assign(static_cast<std::size_t>(w.size()), 0);
      for (Eigen::Index j = 0; j < w.cols(); ++j) {
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
          const double code = std::min(kMultiplierMaxCode, std::round(std::abs(w(i, j)) / q.scale));
          const auto t = static_cast<std::size_t>(j * w.rows() + i);
          const double signed_code = w(i, j) < 0.0 ? -code : code;
          q.index[t] = static_cast<std::uint16_t>(signed_code + kMaxCodeIndex);
          q.signed_codes(i, j) = signed_code;
        }
      }
    }
    return;
  }
  weights_.resize(layers);
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
      for (Eigen::Index k = 0; k < w.size(); ++k) {
        const double magnitude = std::round(std::abs(w.data()[k]) / step) * step;
        const double varied = magnitude * rram::lognormalFactor(rng, spec_.rram_sigma);
        h.data()[k] = w.data()[k] < 0.0 ? -varied : varied;
      }
    }
  }
}

void HardwareModel::apply(int layer,
                          [[maybe_unused]] const Eigen::Ref<const Eigen::MatrixXd>& weights,
                          const Eigen::Ref<const Eigen::VectorXd>& bias,
                          const Eigen::MatrixXd& input, Eigen::MatrixXd& z) {
  const auto l = static_cast<std::size_t>(layer);
  if (spec_.kind == ErrorModelKind::kMultiplier) {
    NNADC_ASSERT(l < quantised_.size() && quantised_[l].signed_codes.rows() == weights.rows() &&
                 quantised_[l].signed_codes.cols() == weights.cols());
    applyMultiplier(layer, bias, input, z);
    return;
  }
  NNADC_ASSERT(l < weights_.size() && weights_[l].rows() == weights.rows() &&
               weights_[l].cols() == weights.cols());
  const Eigen::MatrixXd& w = weights_[l];
  z.resize(w.rows(), input.cols());
  // Fixed row chunks (never the thread count): the same bits on any number of threads.
  const Eigen::Index rows = w.rows();
  const int chunks = static_cast<int>((rows + kRowsPerChunk - 1) / kRowsPerChunk);
  nn::parallelFor(chunks, [&](int k) {
    const Eigen::Index r0 = k * kRowsPerChunk;
    const Eigen::Index n = std::min(kRowsPerChunk, rows - r0);
    auto zr = z.middleRows(r0, n);
    zr.noalias() = w.middleRows(r0, n) * input;
    zr.colwise() += bias.segment(r0, n);
  });
}

namespace {

// Sum over the nonzero activations of one sample of the signed product errors (table lookups),
// added to that sample's column of z. Acc is int32 when the layer is narrow enough that it cannot
// overflow (|error| < 2^16 per product, at most 2^14 products), else int64.
template <typename Acc>
void addProductErrors(const std::int32_t* table, const std::uint16_t* index, Eigen::Index in,
                      Eigen::Index out, const std::uint8_t* a_codes, const double* input, Acc* acc,
                      double* z) {
  std::fill(acc, acc + out, Acc{0});
  for (Eigen::Index j = 0; j < in; ++j) {
    const std::uint8_t a = a_codes[j];
    if (a == 0) continue;
    const std::int32_t* row = table + static_cast<std::size_t>(a) * kSignedColumns;
    const std::uint16_t* idx = index + j * out;
    if (input[j] < 0.0) {
      for (Eigen::Index i = 0; i < out; ++i) acc[i] -= row[idx[i]];
    } else {
      for (Eigen::Index i = 0; i < out; ++i) acc[i] += row[idx[i]];
    }
  }
  for (Eigen::Index i = 0; i < out; ++i) z[i] += static_cast<double>(acc[i]);
}

}  // namespace

void HardwareModel::applyMultiplier(int layer, const Eigen::Ref<const Eigen::VectorXd>& bias,
                                    const Eigen::MatrixXd& input, Eigen::MatrixXd& z) const {
  const QuantisedLayer& q = quantised_[static_cast<std::size_t>(layer)];
  const Eigen::Index out = q.signed_codes.rows();
  const Eigen::Index in = q.signed_codes.cols();
  const Eigen::Index batch = input.cols();
  const double top = input.size() == 0 ? 0.0 : input.cwiseAbs().maxCoeff();
  if (top == 0.0) {
    z = bias.replicate(1, batch);
    return;
  }
  const double input_scale = top / kMultiplierMaxCode;
  const double scale = q.scale * input_scale;
  z.resize(out, batch);
  // Samples are independent: fixed chunks of columns, each quantised, multiplied (the exact
  // integer GEMM is exact in double, |sum| < 2^53, so its split cannot change a bit) and
  // corrected by table lookups on its own.
  const int chunks = static_cast<int>((batch + kColumnsPerChunk - 1) / kColumnsPerChunk);
  nn::parallelFor(chunks, [&](int k) {
    const Eigen::Index c0 = k * kColumnsPerChunk;
    const Eigen::Index nc = std::min(kColumnsPerChunk, batch - c0);
    // Activation codes: sign-magnitude, magnitude round(|x| / scale) in [0, 255].
    Eigen::MatrixXd signed_input(in, nc);
    std::vector<std::uint8_t> a_codes(static_cast<std::size_t>(in * nc));
    const double* src = input.data() + c0 * in;
    for (Eigen::Index t = 0; t < in * nc; ++t) {
      const double code = std::min(kMultiplierMaxCode, std::round(std::abs(src[t]) / input_scale));
      a_codes[static_cast<std::size_t>(t)] = static_cast<std::uint8_t>(code);
      signed_input.data()[t] = src[t] < 0.0 ? -code : code;
    }
    auto zc = z.middleCols(c0, nc);
    // Exact part of every product as one integer-valued GEMM.
    zc.noalias() = q.signed_codes * signed_input;
    // Error part: sum over nonzero activations of sign * (approx(a, b) - a * b) by lookup.
    if (in <= kMaxInt32Inputs) {
      std::vector<std::int32_t> acc(static_cast<std::size_t>(out));
      for (Eigen::Index s = 0; s < nc; ++s) {
        addProductErrors(signed_errors_.data(), q.index.data(), in, out, &a_codes[s * in],
                         src + s * in, acc.data(), &zc(0, s));
      }
    } else {
      std::vector<std::int64_t> acc(static_cast<std::size_t>(out));
      for (Eigen::Index s = 0; s < nc; ++s) {
        addProductErrors(signed_errors_.data(), q.index.data(), in, out, &a_codes[s * in],
                         src + s * in, acc.data(), &zc(0, s));
      }
    }
    zc *= scale;
    zc.colwise() += bias;
  });
}

const Eigen::MatrixXd* HardwareModel::backwardWeights(int layer) const {
  const auto l = static_cast<std::size_t>(layer);
  if (spec_.kind == ErrorModelKind::kMultiplier || l >= weights_.size()) return nullptr;
  return &weights_[l];
}

Eigen::VectorXd HardwareModel::errorScaleSquared(const nn::Mlp& net) const {
  Eigen::VectorXd s2 = Eigen::VectorXd::Zero(net.parameterCount());
  for (int l = 0; l < net.layerCount(); ++l) {
    const auto w = net.weights(l);
    const double top = maxAbs(w);
    auto out = s2.segment(net.weightOffset(l), w.size()).array();
    const Eigen::ArrayXd w2 = Eigen::Map<const Eigen::ArrayXd>(w.data(), w.size()).square();
    switch (spec_.kind) {
      case ErrorModelKind::kNone:
        break;
      case ErrorModelKind::kMultiplier: {
        const double d = top / kMultiplierMaxCode;
        const double rel2 = stats_->mean_relative_error * stats_->mean_relative_error +
                            stats_->std_relative_error * stats_->std_relative_error;
        out = rel2 * w2 + d * d / 12.0;
        break;
      }
      case ErrorModelKind::kNearThreshold: {
        const double d = top / kStorageMaxCode;
        constexpr double kSumFourPowers = 21845.0;  // sum_{k=0..7} 4^k = (4^8 - 1) / 3
        out = spec_.bit_error_rate * kSumFourPowers * d * d + d * d / 12.0;
        break;
      }
      case ErrorModelKind::kRram: {
        const double d = top / (std::ldexp(1.0, spec_.rram_bits) - 1.0);
        const double s2r = spec_.rram_sigma * spec_.rram_sigma;
        const double factor = std::exp(2.0 * s2r) - 2.0 * std::exp(s2r / 2.0) + 1.0;
        out = factor * w2 + d * d / 12.0;
        break;
      }
    }
  }
  return s2;
}

}  // namespace nnadc::axtrain
