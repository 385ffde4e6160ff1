#pragma once
// Paths the build passes to every test executable.
#include <filesystem>
#include <string>

namespace nnadc::test {

inline std::filesystem::path sourceDir() { return NNADC_SOURCE_DIR; }
inline std::filesystem::path binaryDir() { return NNADC_BINARY_DIR; }
inline std::filesystem::path nnadcExe() { return binaryDir() / "nnadc"; }
inline std::filesystem::path ngspiceExe() { return NNADC_NGSPICE_EXECUTABLE; }

/// The shell command that runs the built nnadc with `args`.
inline std::string cli(const std::string& args) { return nnadcExe().string() + " " + args; }

/// The shipped 14-bit pipelined design.
inline std::filesystem::path adc14() { return sourceDir() / "training" / "adc14.design.json"; }

/// Whether `text` contains `part`.
inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A fresh, empty directory under the build tree for one test's files.
inline std::filesystem::path scratchDir(const std::string& name) {
  const auto dir = binaryDir() / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// `path` as a word for an ngspice `.control` line. ngspice 39 reads one byte past a control
/// word whose length is a multiple of 64 (AddressSanitizer stops the process; seen with a 64-char
/// scratch path in CI), so such a path gets a `/./` that names the same file.
inline std::string controlWord(const std::filesystem::path& path) {
  const auto word = path.string();
  if (word.size() % 64 != 0) return word;
  return (path.parent_path() / "." / path.filename()).string();
}

}  // namespace nnadc::test
