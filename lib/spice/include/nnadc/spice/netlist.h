#pragma once
/// A small netlist object: a title, then cards in order, then `.end`. Emitters build one and
/// render it; dialect-specific writers come with the ADC emitters.
#include <string>
#include <vector>

namespace nnadc::spice {

class Netlist {
 public:
  explicit Netlist(std::string title) : title_(std::move(title)) {}
  /// Appends a `* text` comment line.
  void comment(const std::string& text);
  /// Appends one card (may contain several lines).
  void card(const std::string& text);
  /// The deck: title line, cards, `.end`, trailing newline.
  [[nodiscard]] std::string text() const;

 private:
  std::string title_;
  std::vector<std::string> cards_;
};

/// A number as SPICE reads it: shortest round-trip decimal, no unit suffix (suffixes such as
/// "m" vs "meg" are a classic source of 10^9 errors).
std::string spiceNumber(double value);

}  // namespace nnadc::spice
