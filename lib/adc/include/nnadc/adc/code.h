#pragma once
/// Output codes of an NN sub-ADC and their decoders. An N-bit stage has 2^N levels; its M output
/// inverters produce an M-bit word per level:
///  - binary (M = N), Gray (M = N), thermometer (M = 2^N - 1);
///  - smooth (NeuADC): M > N outputs, each step between adjacent levels flips exactly one bit,
///    the one flipped least recently, so every output toggles only ~2^N / M times (a binary LSB
///    toggles 2^N - 1 times, which a small network cannot learn).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace nnadc::adc {

enum class CodeKind { kBinary, kGray, kThermometer, kSmooth };

std::string codeKindName(CodeKind kind);
/// "binary" | "gray" | "thermometer" | "smooth"; InputError NNADC-CFG-007 otherwise.
CodeKind parseCodeKind(const std::string& name);

/// An M-bit word; bit k is output k. M <= 64.
using Word = std::uint64_t;

struct OutputCode {
  CodeKind kind = CodeKind::kBinary;
  int bits = 0;             ///< N: the stage resolves 2^N levels
  int outputs = 0;          ///< M: output inverters
  std::vector<Word> words;  ///< words[level], level = 0..2^N - 1, all distinct

  /// Builds a code. `outputs` is used by smooth codes only (0 = the smallest M that the greedy
  /// least-recently-flipped walk completes with). Throws InputError NNADC-CFG-007 for impossible
  /// requests (bits outside [1, 12], thermometer over 6 bits, M outside [N, 64]).
  static OutputCode make(CodeKind kind, int bits, int outputs = 0);
  [[nodiscard]] int levels() const { return static_cast<int>(words.size()); }
  [[nodiscard]] bool bit(int level, int output) const {
    return ((words[static_cast<std::size_t>(level)] >> output) & 1U) != 0;
  }
  /// Number of times output k changes along the ramp (level 0 -> 2^N - 1).
  [[nodiscard]] int toggles(int output) const;
};

/// Maps an observed word to a level.
class Decoder {
 public:
  /// Nearest valid codeword in Hamming distance (ties: the lower level).
  explicit Decoder(const OutputCode& code);
  /// Replaces the table by one calibrated on a ramp: each observed word maps to the rounded mean
  /// of the ideal levels that produced it. Words never observed keep the nearest-codeword rule.
  void calibrate(const std::vector<Word>& observed, const std::vector<int>& ideal_levels);
  [[nodiscard]] int decode(Word word) const;
  /// decode() of every word 0 .. 2^outputs - 1 (for outputs <= 20): a flat table for fast
  /// bulk conversion.
  [[nodiscard]] std::vector<int> dense(int outputs) const;
  [[nodiscard]] const std::unordered_map<Word, int>& table() const { return table_; }
  void setTable(std::unordered_map<Word, int> table) { table_ = std::move(table); }

 private:
  std::vector<Word> words_;
  std::unordered_map<Word, int> table_;  // calibrated entries (checked first)
  [[nodiscard]] int nearest(Word word) const;
};

}  // namespace nnadc::adc
