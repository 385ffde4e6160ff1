#pragma once
/// Simulation results as plain values: a plot (one analysis) holds named vectors, real or
/// complex. Data is always owned here (copied out of ngspice before it frees its memory).
#include <complex>
#include <string>
#include <vector>

namespace nnadc::sim {

struct Vector {
  std::string name;  ///< as ngspice names it, lower case, e.g. "v(out)", "i(vdd)", "v-sweep"
  std::string type;  ///< "voltage", "current", "time", "frequency", ... ("" if unknown)
  bool is_complex = false;
  std::vector<double> real;                   ///< filled when !is_complex
  std::vector<std::complex<double>> complex;  ///< filled when is_complex
  [[nodiscard]] std::size_t size() const { return is_complex ? complex.size() : real.size(); }
};

struct Plot {
  std::string name;  ///< e.g. "dc1", "tran1" (raw files: the plotname line)
  std::string title;
  std::string type;             ///< e.g. "DC transfer characteristic"
  std::vector<Vector> vectors;  ///< the first is the scale (sweep, time or frequency)

  /// Finds a vector by name, case-insensitively; nullptr if absent.
  [[nodiscard]] const Vector* find(std::string_view vector_name) const;
};

}  // namespace nnadc::sim
