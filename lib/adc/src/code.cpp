#include "nnadc/adc/code.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <unordered_set>

#include "nnadc/core/error.h"

namespace nnadc::adc {

std::string codeKindName(CodeKind kind) {
  switch (kind) {
    case CodeKind::kBinary:
      return "binary";
    case CodeKind::kGray:
      return "gray";
    case CodeKind::kThermometer:
      return "thermometer";
    case CodeKind::kSmooth:
      return "smooth";
  }
  return "binary";
}

CodeKind parseCodeKind(const std::string& name) {
  if (name == "binary") return CodeKind::kBinary;
  if (name == "gray") return CodeKind::kGray;
  if (name == "thermometer") return CodeKind::kThermometer;
  if (name == "smooth") return CodeKind::kSmooth;
  throw InputError("NNADC-CFG-007",
                   "field 'code' = '" + name + "' is not one of binary, gray, thermometer, smooth");
}

namespace {

// Greedy walk over the M-cube from word 0, flipping at each step the least recently flipped bit
// whose flip gives an unused word; backtracks on dead ends (bounded work). Returns empty on
// failure.
std::vector<Word> smoothWalk(int levels, int outputs) {
  std::vector<Word> path{0};
  std::vector<long> last_flip(static_cast<std::size_t>(outputs), -1);
  std::unordered_set<Word> used{0};
  // Each frame remembers which candidate bits were already tried at that depth.
  std::vector<std::vector<int>> candidates;
  std::vector<std::size_t> next_choice;
  std::vector<std::vector<long>> saved_flips;
  long budget = 2'000'000;
  auto order = [&](Word current) {
    std::vector<int> bits(static_cast<std::size_t>(outputs));
    for (int k = 0; k < outputs; ++k) bits[static_cast<std::size_t>(k)] = k;
    std::stable_sort(bits.begin(), bits.end(), [&](int a, int b) {
      return last_flip[static_cast<std::size_t>(a)] < last_flip[static_cast<std::size_t>(b)];
    });
    std::vector<int> ok;
    for (int k : bits) {
      if (used.count(current ^ (Word{1} << k)) == 0) ok.push_back(k);
    }
    return ok;
  };
  candidates.push_back(order(0));
  next_choice.push_back(0);
  saved_flips.push_back(last_flip);
  while (static_cast<int>(path.size()) < levels) {
    if (--budget < 0) return {};
    auto& frame = candidates.back();
    std::size_t& choice = next_choice.back();
    if (choice >= frame.size()) {
      // Dead end: undo the last step.
      if (path.size() == 1) return {};
      candidates.pop_back();
      next_choice.pop_back();
      saved_flips.pop_back();
      used.erase(path.back());
      path.pop_back();
      last_flip = saved_flips.back();
      continue;
    }
    const int k = frame[choice++];
    const Word next = path.back() ^ (Word{1} << k);
    last_flip[static_cast<std::size_t>(k)] = static_cast<long>(path.size());
    path.push_back(next);
    used.insert(next);
    candidates.push_back(order(next));
    next_choice.push_back(0);
    saved_flips.push_back(last_flip);
  }
  return path;
}

}  // namespace

OutputCode OutputCode::make(CodeKind kind, int bits, int outputs) {
  if (bits < 1 || bits > 12) {
    throw InputError("NNADC-CFG-007", "field 'bits' = " + std::to_string(bits) +
                                          " is outside the allowed range [1, 12]");
  }
  OutputCode code;
  code.kind = kind;
  code.bits = bits;
  const int levels = 1 << bits;
  switch (kind) {
    case CodeKind::kBinary:
      code.outputs = bits;
      for (int l = 0; l < levels; ++l) code.words.push_back(static_cast<Word>(l));
      break;
    case CodeKind::kGray:
      code.outputs = bits;
      for (int l = 0; l < levels; ++l) code.words.push_back(static_cast<Word>(l ^ (l >> 1)));
      break;
    case CodeKind::kThermometer:
      if (bits > 6) {
        throw InputError("NNADC-CFG-007",
                         "a thermometer code over 6 bits needs more than 64 "
                         "outputs (field 'bits' = " +
                             std::to_string(bits) + ")");
      }
      code.outputs = levels - 1;
      for (int l = 0; l < levels; ++l) {
        code.words.push_back(l == 0 ? Word{0} : (~Word{0} >> (64 - l)));
      }
      break;
    case CodeKind::kSmooth: {
      if (outputs != 0 && (outputs < bits || outputs > 64)) {
        throw InputError("NNADC-CFG-007", "field 'outputs' = " + std::to_string(outputs) +
                                              " must be in [bits, 64] for a smooth code");
      }
      int m = outputs != 0 ? outputs : bits;
      std::vector<Word> path;
      for (; m <= 64; ++m) {
        path = smoothWalk(levels, m);
        if (!path.empty() || outputs != 0) break;
      }
      if (path.empty()) {
        throw InputError("NNADC-CFG-007", "no smooth code with " + std::to_string(outputs) +
                                              " outputs found for " + std::to_string(bits) +
                                              " bits; use more outputs");
      }
      code.outputs = m;
      code.words = std::move(path);
      break;
    }
  }
  return code;
}

int OutputCode::toggles(int output) const {
  int n = 0;
  for (int l = 1; l < levels(); ++l) n += bit(l, output) != bit(l - 1, output) ? 1 : 0;
  return n;
}

Decoder::Decoder(const OutputCode& code) : words_(code.words) {}

int Decoder::nearest(Word word) const {
  int best = 0;
  int best_distance = 65;
  for (std::size_t l = 0; l < words_.size(); ++l) {
    const int d = std::popcount(word ^ words_[l]);
    if (d < best_distance) {
      best_distance = d;
      best = static_cast<int>(l);
    }
  }
  return best;
}

int Decoder::decode(Word word) const {
  if (const auto it = table_.find(word); it != table_.end()) return it->second;
  return nearest(word);
}

std::vector<int> Decoder::dense(int outputs) const {
  std::vector<int> table(std::size_t{1} << static_cast<unsigned>(outputs));
  for (std::size_t w = 0; w < table.size(); ++w) table[w] = decode(static_cast<Word>(w));
  return table;
}

void Decoder::calibrate(const std::vector<Word>& observed, const std::vector<int>& ideal_levels) {
  std::map<Word, std::pair<double, long>> sums;
  for (std::size_t i = 0; i < observed.size() && i < ideal_levels.size(); ++i) {
    auto& [sum, count] = sums[observed[i]];
    sum += ideal_levels[i];
    ++count;
  }
  table_.clear();
  for (const auto& [word, acc] : sums) {
    table_[word] = static_cast<int>(std::lround(acc.first / static_cast<double>(acc.second)));
  }
}

}  // namespace nnadc::adc
