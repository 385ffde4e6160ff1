#pragma once
/// RRAM conductance level sets: what one cell can be programmed to. The NeuADC/pipelined-NNADC
/// cell is `cell_bits` bits: levels k * G_step, k = 0..2^bits - 1, where k = 0 means no device
/// (an open cross-point) and G_step = g_max / (2^bits - 1). Log-spaced and measured tables are
/// also supported. Conductances in siemens.
#include <string>
#include <vector>

namespace nnadc::rram {

enum class Spacing {
  kLinear,  ///< k * g_max / (L - 1), k = 0..L-1 (level 0 = no device)
  kLog,     ///< level 0 = no device, levels 1..L-1 log-spaced from g_min to g_max
  kTable,   ///< measured conductances given explicitly (must start at 0 = no device)
};

struct LevelSetOptions {
  int cell_bits = 3;       ///< levels = 2^cell_bits, 1..12 bits
  double g_max_s = 20e-6;  ///< largest conductance (NeuADC authors' code: R_min 50 kOhm)
  double g_min_s = 2e-6;   ///< smallest non-zero conductance for kLog (R_max 500 kOhm)
  Spacing spacing = Spacing::kLinear;
  std::vector<double> table_s;  ///< for kTable: ascending conductances, table_s[0] == 0
  /// Throws InputError NNADC-CFG-003/-006 naming the field and its allowed range.
  void validate() const;
};

class LevelSet {
 public:
  explicit LevelSet(const LevelSetOptions& options);
  [[nodiscard]] int count() const { return static_cast<int>(levels_s_.size()); }
  [[nodiscard]] double conductance(int level) const;  ///< NNADC-RRAM-001 if out of range
  [[nodiscard]] const std::vector<double>& conductances() const { return levels_s_; }
  /// Index of the level closest to g (clamped to the set): what programming a cell to g gives.
  [[nodiscard]] int nearest(double g_s) const;
  [[nodiscard]] double gMax() const { return levels_s_.back(); }
  [[nodiscard]] const LevelSetOptions& options() const { return options_; }

 private:
  LevelSetOptions options_;
  std::vector<double> levels_s_;
};

std::string spacingName(Spacing spacing);
/// Parses "linear" / "log" / "table"; NNADC-CFG-006 otherwise.
Spacing parseSpacing(const std::string& name);

}  // namespace nnadc::rram
