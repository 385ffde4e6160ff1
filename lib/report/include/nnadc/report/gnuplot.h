#pragma once
/// Plots for reports, drawn by gnuplot's SVG terminal (gnuplot-nox, a maintained plotting program:
/// axes, ticks, legends and text layout are gnuplot's, not ours). nnadc writes each plot's data
/// and script to a private temp folder, runs gnuplot once for all of them as a subprocess and
/// reads the SVG text back for inlining.
#include <filesystem>
#include <string>
#include <vector>

namespace nnadc::report {

/// One plot: gnuplot commands that may name the data files by the names given here (the runner
/// quotes each as a path string, see Plot::file()).
struct Plot {
  std::string id;      ///< unique among the plots of one run; names the SVG
  int width_px = 760;  ///< SVG canvas size
  int height_px = 360;
  std::vector<std::pair<std::string, std::string>> data;  ///< file name -> whitespace table
  std::string script;  ///< commands after `set terminal` / `set output`; use @FILE(name)@
};

/// The gnuplot executable: $NNADC_GNUPLOT if set, else the one CMake found at configure time if it
/// still exists, else the first `gnuplot` on PATH. Throws InputError NNADC-REP-003 when there is
/// none (the message names the Debian package).
std::filesystem::path findGnuplot();

/// Runs gnuplot once for every plot and returns each SVG (the <svg> element, without XML
/// prologue), in order. Throws InputError NNADC-REP-003 if gnuplot is missing, NNADC-REP-004 if
/// it fails (quoting its error output).
std::vector<std::string> renderSvgs(const std::vector<Plot>& plots);

}  // namespace nnadc::report
