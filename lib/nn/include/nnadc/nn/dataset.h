#pragma once
/// In-memory classification datasets, deterministic shuffling and batching, and the IDX file
/// format (LeCun's MNIST format, also used by Fashion-MNIST), plain or gzip-compressed.
#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nnadc/core/rng.h"

namespace nnadc::nn {

/// Samples one per column (features x samples, float to halve the memory of 60k images), integer
/// class labels in [0, classes).
struct Dataset {
  Eigen::MatrixXf features;
  std::vector<int> labels;
  int classes = 0;
  [[nodiscard]] Eigen::Index size() const { return features.cols(); }
  [[nodiscard]] Eigen::Index featureCount() const { return features.rows(); }
};

/// The first `count` samples starting at `first` (clamped to the dataset).
Dataset sliceDataset(const Dataset& data, Eigen::Index first, Eigen::Index count);

/// A uniformly random permutation of 0..n-1 (Fisher-Yates on nnadc::Rng, so identical on every
/// platform for a given seed).
std::vector<Eigen::Index> shuffledIndices(Eigen::Index n, Rng& rng);

/// Copies the samples `indices` into a batch (features x indices.size(), double) and labels.
void gatherBatch(const Dataset& data, std::span<const Eigen::Index> indices, Eigen::MatrixXd& x,
                 std::vector<int>& labels);

/// A decoded IDX array of unsigned bytes (type code 0x08), dims outermost first.
struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> data;
};

/// Decodes IDX bytes. `name` labels errors: NNADC-IDX-002 (bad magic or element type other than
/// unsigned byte), NNADC-IDX-003 (size does not match the header).
IdxArray parseIdx(std::string_view bytes, const std::string& name);

/// Reads an IDX file; gzip-compressed files (magic 1f 8b) are decompressed by running
/// `gzip -dc` (gzip is Essential in Debian, so no zlib dependency). NNADC-IDX-001 if the file is
/// missing or gzip fails, then as parseIdx.
IdxArray readIdx(const std::filesystem::path& path);

/// Images (N x rows x cols, pixels scaled to [0, 1]) and labels (N) from two IDX files.
/// NNADC-IDX-004 if the counts differ or the label file is not one-dimensional.
Dataset readIdxDataset(const std::filesystem::path& images, const std::filesystem::path& labels);

}  // namespace nnadc::nn
