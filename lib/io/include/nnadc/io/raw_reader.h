#pragma once
/// Reader for SPICE raw files as ngspice writes them (`ngspice -b -r out.raw deck.cir`, or the
/// `write` command): "Binary:" and "Values:" (ASCII) sections, real and complex data, several
/// plots in one file. Used to read decks run outside the process.
///
/// What ngspice 39 writes (checked by tests/io/raw_reader_test.cpp):
/// - Binary is the default; `SPICE_ASCIIRAWFILE=1` in the environment (batch `-r`) or
///   `set filetype=ascii` (the `write` command) gives ASCII.
/// - Binary data are little-endian IEEE doubles, point by point, one per variable (two, re and im,
///   in a "complex" plot). The scale of a complex plot is complex too; batch `-r` leaves its
///   imaginary part uninitialised (arbitrary values), `write` writes 0. The reader therefore keeps
///   a "frequency" vector of a complex plot real.
/// - Several plots follow one another: one per analysis in batch mode, one per source plot for
///   `write f.raw dc1.all ac1.all`; `write f.raw all` writes the current plot only.
/// - The first variable is the scale of sweeping analyses (time, frequency, "v(v-sweep)" for .dc);
///   plots without a sweep (.op, .pz, integrated noise) have no scale.
///
/// Each plot's `name` and `type` are both the "Plotname:" line (e.g. "AC Analysis"); a raw file
/// does not record ngspice's "ac1" names. Vector names are lower-cased, types copied. Multi-
/// dimensional vectors ("Dimensions:") are read flat.
///
/// Errors (InputError, message names the source and the line, or the byte offset once binary data
/// have been seen, and what was expected):
/// - NNADC-RAW-001: no plot at all (empty or blank input).
/// - NNADC-RAW-002: malformed header: a plot not starting with "Title:", a line not of the form
///   "Key: value", or no "Binary:"/"Values:" before the end of the file or the next plot.
/// - NNADC-RAW-003: "No. Variables:" or "No. Points:" missing, not a whole number, out of range
///   or not matching the variables listed.
/// - NNADC-RAW-004: malformed "Variables:" section (wrong index, missing name, too few lines).
/// - NNADC-RAW-005: binary data shorter than No. Variables x No. Points doubles.
/// - NNADC-RAW-006: ASCII values: wrong or missing point index, a value that is not a number (or
///   not "re,im" in a complex plot), or fewer values than declared.
/// - NNADC-RAW-007: a "Flags:" entry that changes the data layout and is not supported
///   ("unpadded": vectors of different lengths).
#include <filesystem>
#include <string_view>
#include <vector>

#include "nnadc/sim/plot.h"

namespace nnadc::io {

using sim::Plot;
using sim::Vector;

/// Parses raw-file bytes. `source` names the file in error messages. Throws InputError
/// NNADC-RAW-nnn naming the source, the line or byte offset and what was expected.
std::vector<Plot> parseRaw(std::string_view bytes, std::string_view source);

/// Reads and parses a raw file (NNADC-IO-001 if it cannot be read).
std::vector<Plot> readRawFile(const std::filesystem::path& path);

}  // namespace nnadc::io
