// Datasets: IDX reading against files this test writes (plain and gzipped with the real gzip),
// malformed files with their error ids, deterministic shuffling and batching.
#include "nnadc/nn/dataset.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <functional>

#include "../run_command.h"
#include "../test_paths.h"
#include "nnadc/core/error.h"

namespace fs = std::filesystem;

namespace {

// IDX header: two zero bytes, type 0x08 (unsigned byte), dimension count, big-endian sizes.
std::string idxBytes(const std::vector<std::uint32_t>& dims,
                     const std::vector<std::uint8_t>& data) {
  std::string bytes = {'\0', '\0', '\x08', static_cast<char>(dims.size())};
  for (const std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes += static_cast<char>((d >> static_cast<std::uint32_t>(shift)) & 0xFFU);
    }
  }
  bytes.append(data.begin(), data.end());
  return bytes;
}

void writeFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string idOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const nnadc::Error& e) {
    return e.id();
  }
  return "";
}

}  // namespace

TEST_SUITE("nn") {
  TEST_CASE("IdxReaderDecodesPlainAndGzippedFiles") {
    const auto dir = nnadc::test::scratchDir("nn_idx");
    // Three 2x3 "images" with pixel value = 10 * sample + index, and labels 2, 0, 1.
    std::vector<std::uint8_t> pixels;
    for (std::uint8_t s = 0; s < 3; ++s) {
      for (std::uint8_t k = 0; k < 6; ++k) pixels.push_back(static_cast<std::uint8_t>(10 * s + k));
    }
    pixels.back() = 255;  // full scale
    writeFile(dir / "images.idx", idxBytes({3, 2, 3}, pixels));
    writeFile(dir / "labels.idx", idxBytes({3}, {2, 0, 1}));
    const auto r = nnadc::test::runCommand("gzip -k " + (dir / "images.idx").string() + " " +
                                           (dir / "labels.idx").string());
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);

    const nnadc::nn::IdxArray plain = nnadc::nn::readIdx(dir / "images.idx");
    CHECK(plain.dims == std::vector<std::size_t>{3, 2, 3});
    CHECK(plain.data == pixels);
    const nnadc::nn::IdxArray gz = nnadc::nn::readIdx(dir / "images.idx.gz");
    CHECK(gz.dims == plain.dims);
    CHECK(gz.data == plain.data);

    const nnadc::nn::Dataset data =
        nnadc::nn::readIdxDataset(dir / "images.idx.gz", dir / "labels.idx.gz");
    CHECK(data.size() == 3);
    CHECK(data.featureCount() == 6);
    CHECK(data.classes == 3);
    CHECK(data.labels == std::vector<int>{2, 0, 1});
    CHECK(data.features(1, 1) == doctest::Approx(11.0 / 255.0));  // float: 1e-5 default is ample
    CHECK(data.features(5, 2) == 1.0F);                           // 255/255 exactly
  }

  TEST_CASE("MalformedIdxFilesGiveTheirErrorIds") {
    const auto dir = nnadc::test::scratchDir("nn_idx_bad");
    CHECK(idOf([&] { nnadc::nn::readIdx(dir / "missing.idx"); }) == "NNADC-IDX-001");
    writeFile(dir / "magic.idx", "PK\x03\x04");
    CHECK(idOf([&] { nnadc::nn::readIdx(dir / "magic.idx"); }) == "NNADC-IDX-002");
    std::string floats = idxBytes({1}, {0, 0, 0, 0});
    floats[2] = '\x0D';  // float element type
    CHECK(idOf([&] { nnadc::nn::parseIdx(floats, "f"); }) == "NNADC-IDX-002");
    CHECK(idOf([&] { nnadc::nn::parseIdx(idxBytes({4}, {1, 2, 3}), "short"); }) == "NNADC-IDX-003");
    writeFile(dir / "corrupt.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
    CHECK(idOf([&] { nnadc::nn::readIdx(dir / "corrupt.gz"); }) == "NNADC-IDX-001");
    writeFile(dir / "i.idx", idxBytes({2, 1}, {1, 2}));
    writeFile(dir / "l.idx", idxBytes({3}, {0, 1, 0}));
    CHECK(idOf([&] { nnadc::nn::readIdxDataset(dir / "i.idx", dir / "l.idx"); }) ==
          "NNADC-IDX-004");
    try {
      nnadc::nn::parseIdx(idxBytes({4}, {1, 2, 3}), "short.idx");
    } catch (const nnadc::Error& e) {
      CHECK(e.message() == "'short.idx': header promises 4 bytes of data, file holds 3");
    }
  }

  TEST_CASE("ShuffleIsADeterministicPermutation") {
    nnadc::Rng a(42);
    nnadc::Rng b(42);
    const auto p = nnadc::nn::shuffledIndices(1000, a);
    CHECK(p == nnadc::nn::shuffledIndices(1000, b));
    auto sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
      CHECK(sorted[i] == static_cast<Eigen::Index>(i));
    CHECK(p != sorted);  // 1/1000! chance of a false failure
  }

  TEST_CASE("GatherBatchAndSliceCopyTheRightSamples") {
    nnadc::nn::Dataset data;
    data.classes = 5;
    data.features = Eigen::MatrixXf::Zero(2, 5);
    for (Eigen::Index s = 0; s < 5; ++s) data.features(1, s) = static_cast<float>(s);
    data.labels = {0, 1, 2, 3, 4};
    Eigen::MatrixXd x;
    std::vector<int> y;
    const std::vector<Eigen::Index> idx = {4, 1};
    nnadc::nn::gatherBatch(data, idx, x, y);
    CHECK(x.cols() == 2);
    CHECK(x(1, 0) == 4.0);
    CHECK(y == std::vector<int>{4, 1});
    const auto part = nnadc::nn::sliceDataset(data, 3, 10);
    CHECK(part.size() == 2);
    CHECK(part.labels == std::vector<int>{3, 4});
  }
}
