#pragma once
// Paths the build passes to every test executable.
#include <filesystem>

namespace nnadc::test {

inline std::filesystem::path sourceDir() { return NNADC_SOURCE_DIR; }
inline std::filesystem::path binaryDir() { return NNADC_BINARY_DIR; }
inline std::filesystem::path nnadcExe() { return binaryDir() / "nnadc"; }
inline std::filesystem::path ngspiceExe() { return NNADC_NGSPICE_EXECUTABLE; }

/// A fresh, empty directory under the build tree for one test's files.
inline std::filesystem::path scratchDir(const std::string& name) {
  const auto dir = binaryDir() / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace nnadc::test
