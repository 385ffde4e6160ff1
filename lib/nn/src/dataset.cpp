#include "nnadc/nn/dataset.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "nnadc/core/assert.h"
#include "nnadc/core/error.h"

namespace nnadc::nn {

Dataset sliceDataset(const Dataset& data, Eigen::Index first, Eigen::Index count) {
  const Eigen::Index begin = std::clamp<Eigen::Index>(first, 0, data.size());
  const Eigen::Index n = std::clamp<Eigen::Index>(count, 0, data.size() - begin);
  Dataset out;
  out.classes = data.classes;
  out.features = data.features.middleCols(begin, n);
  out.labels.assign(data.labels.begin() + begin, data.labels.begin() + begin + n);
  return out;
}

std::vector<Eigen::Index> shuffledIndices(Eigen::Index n, Rng& rng) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(std::max<Eigen::Index>(n, 0)));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Eigen::Index>(i);
  for (std::size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.below(i));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

void gatherBatch(const Dataset& data, std::span<const Eigen::Index> indices, Eigen::MatrixXd& x,
                 std::vector<int>& labels) {
  x.resize(data.featureCount(), static_cast<Eigen::Index>(indices.size()));
  labels.resize(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    NNADC_ASSERT(indices[k] >= 0 && indices[k] < data.size());
    x.col(static_cast<Eigen::Index>(k)) = data.features.col(indices[k]).cast<double>();
    labels[k] = data.labels[static_cast<std::size_t>(indices[k])];
  }
}

namespace {

constexpr std::uint8_t kIdxUnsignedByte = 0x08;  // IDX element type code of uint8
constexpr std::size_t kIdxMaxDims = 8;           // sane bound; MNIST-style files use 1..3

std::string shellQuote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string gunzip(const std::filesystem::path& path) {
  const std::string command = "gzip -dc " + shellQuote(path.string()) + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw InputError("NNADC-IDX-001", "cannot run 'gzip -dc' to read '" + path.string() + "'");
  }
  std::string bytes;
  std::array<char, 1 << 16> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    bytes.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (status != 0) {
    throw InputError("NNADC-IDX-001", "'gzip -dc' failed on '" + path.string() +
                                          "' (corrupt or truncated gzip file?)");
  }
  return bytes;
}

}  // namespace

IdxArray parseIdx(std::string_view bytes, const std::string& name) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  if (bytes.size() < 4 || byte(0) != 0 || byte(1) != 0) {
    throw InputError("NNADC-IDX-002", "'" + name + "' is not an IDX file (bad magic number)");
  }
  if (byte(2) != kIdxUnsignedByte) {
    throw InputError("NNADC-IDX-002", "'" + name + "': IDX element type 0x" +
                                          std::to_string(byte(2)) +
                                          " is not supported (only unsigned byte, 0x08)");
  }
  const std::size_t ndims = byte(3);
  if (ndims == 0 || ndims > kIdxMaxDims) {
    throw InputError("NNADC-IDX-002", "'" + name + "': IDX dimension count " +
                                          std::to_string(ndims) + " is outside [1, " +
                                          std::to_string(kIdxMaxDims) + "]");
  }
  const std::size_t header = 4 + 4 * ndims;
  if (bytes.size() < header) {
    throw InputError("NNADC-IDX-003", "'" + name + "': truncated IDX header");
  }
  IdxArray array;
  std::size_t count = 1;
  for (std::size_t d = 0; d < ndims; ++d) {
    const std::size_t at = 4 + 4 * d;  // big-endian 32-bit sizes
    const std::size_t dim = (std::size_t{byte(at)} << 24U) | (std::size_t{byte(at + 1)} << 16U) |
                            (std::size_t{byte(at + 2)} << 8U) | std::size_t{byte(at + 3)};
    array.dims.push_back(dim);
    count *= dim;
  }
  if (bytes.size() - header != count) {
    throw InputError("NNADC-IDX-003", "'" + name + "': header promises " + std::to_string(count) +
                                          " bytes of data, file holds " +
                                          std::to_string(bytes.size() - header));
  }
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

IdxArray readIdx(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("NNADC-IDX-001", "cannot open IDX file '" + path.string() + "'");
  std::ostringstream content;
  content << in.rdbuf();
  std::string bytes = content.str();
  constexpr unsigned char kGzip0 = 0x1f;  // gzip magic bytes (RFC 1952)
  constexpr unsigned char kGzip1 = 0x8b;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == kGzip0 &&
      static_cast<unsigned char>(bytes[1]) == kGzip1) {
    bytes = gunzip(path);
  }
  return parseIdx(bytes, path.string());
}

Dataset readIdxDataset(const std::filesystem::path& images, const std::filesystem::path& labels) {
  const IdxArray x = readIdx(images);
  const IdxArray y = readIdx(labels);
  if (y.dims.size() != 1 || x.dims.front() != y.dims.front()) {
    throw InputError("NNADC-IDX-004", "'" + images.string() + "' holds " +
                                          std::to_string(x.dims.front()) + " samples but '" +
                                          labels.string() + "' is not a vector of as many labels");
  }
  const std::size_t n = x.dims.front();
  const std::size_t features = n == 0 ? 0 : x.data.size() / n;
  Dataset data;
  data.features.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(n));
  constexpr float kPixelScale = 1.0F / 255.0F;  // uint8 pixel -> [0, 1]
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t f = 0; f < features; ++f) {
      data.features(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(s)) =
          static_cast<float>(x.data[s * features + f]) * kPixelScale;
    }
  }
  data.labels.assign(y.data.begin(), y.data.end());
  int top = 0;
  for (const int label : data.labels) top = std::max(top, label);
  data.classes = n == 0 ? 0 : top + 1;
  return data;
}

}  // namespace nnadc::nn
