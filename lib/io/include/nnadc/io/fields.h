#pragma once
/// Strict reading of JSON configs (recipes, designs): every value is checked for type and range,
/// errors name the file and the dotted field ("training.iterations"), and keys nobody read are
/// reported as unknown (a typo must not be silently ignored).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nnadc/io/json.h"

namespace nnadc::io {

class FieldReader {
 public:
  /// Throws NNADC-CFG-002 if `object` is not a JSON object.
  FieldReader(const Json& object, std::string file, std::string prefix = "");
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;
  FieldReader(FieldReader&&) = default;

  [[nodiscard]] bool has(const std::string& key) const;
  /// Number in [lo, hi]; `fallback` when absent (nullopt = required: NNADC-CFG-005).
  double number(const std::string& key, std::optional<double> fallback, double lo, double hi);
  int integer(const std::string& key, std::optional<int> fallback, int lo, int hi);
  std::uint64_t seed(const std::string& key, std::uint64_t fallback);
  std::string string(const std::string& key, std::optional<std::string> fallback);
  bool boolean(const std::string& key, bool fallback);
  std::vector<double> numbers(const std::string& key, std::size_t min_size);
  /// A nested object (NNADC-CFG-002 if not an object); absent = empty object.
  FieldReader object(const std::string& key);
  /// The raw value (marks it read).
  const Json& raw(const std::string& key);
  /// Throws NNADC-CFG-001 naming the first key that was never read.
  void finish() const;

  [[nodiscard]] std::string where(const std::string& key) const;
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  const Json* object_;
  std::string file_;
  std::string prefix_;
  std::set<std::string> read_;
};

}  // namespace nnadc::io
