#include "nnadc/io/raw_reader.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/file.h"

namespace nnadc::io {
namespace {

using sim::Plot;
using sim::Vector;

constexpr std::size_t kDoubleBytes = 8;
/// Longest excerpt of offending input quoted in a message; raw files may hold binary noise.
constexpr std::size_t kMaxQuoted = 40;
/// Smallest ASCII value ("0" plus a separator), to bound reservations by the input size.
constexpr std::size_t kMinAsciiValueBytes = 2;

std::string quote(std::string_view text) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  out += text.size() > kMaxQuoted ? "'..." : "'";
  return out;
}

struct Line {
  std::string_view text;  ///< without the line break, trimmed
  std::size_t offset = 0;
};

struct Token {
  std::string_view text;  ///< empty at end of input
  std::size_t offset = 0;
};

struct Header {
  std::string title;
  std::string plotname;
  bool is_complex = false;
  std::optional<long long> n_variables;
  std::optional<long long> n_points;
  bool have_variables = false;
  std::vector<Vector> vectors;
};

/// A complex plot's frequency scale is stored real: ngspice's batch writer copies the reference
/// value through a union whose imaginary half the AC analysis never sets.
bool storedReal(const Header& header, const Vector& vector) {
  return !header.is_complex || vector.type == "frequency";
}

class RawParser {
 public:
  RawParser(std::string_view bytes, std::string_view source) : bytes_(bytes), source_(source) {}

  std::vector<Plot> parse() {
    std::vector<Plot> plots;
    skipWhitespace();
    if (pos_ >= bytes_.size()) fail("NNADC-RAW-001", pos_, "no plot found: the input is empty");
    while (pos_ < bytes_.size()) {
      plots.push_back(parsePlot());
      skipWhitespace();
    }
    return plots;
  }

 private:
  [[noreturn]] void fail(const char* id, std::size_t offset, const std::string& what) const {
    throw InputError(id, location(offset) + ": " + what);
  }

  /// Line numbers stop meaning anything once binary data (which may hold newline bytes) came
  /// before the fault, so from there on the byte offset locates it.
  [[nodiscard]] std::string location(std::size_t offset) const {
    offset = std::min(offset, bytes_.size());
    if (offset >= first_binary_) {
      return std::string(source_) + ": byte offset " + std::to_string(offset);
    }
    const auto newlines =
        std::count(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    return std::string(source_) + ":" + std::to_string(newlines + 1);
  }

  void skipWhitespace() {
    while (pos_ < bytes_.size() && std::isspace(static_cast<unsigned char>(bytes_[pos_])) != 0) {
      ++pos_;
    }
  }

  Line readLine() {
    const std::size_t start = pos_;
    const std::size_t end = std::min(bytes_.find('\n', start), bytes_.size());
    pos_ = end < bytes_.size() ? end + 1 : end;
    return {trim(bytes_.substr(start, end - start)), start};
  }

  Token readToken() {
    skipWhitespace();
    const std::size_t start = pos_;
    while (pos_ < bytes_.size() && std::isspace(static_cast<unsigned char>(bytes_[pos_])) == 0) {
      ++pos_;
    }
    return {bytes_.substr(start, pos_ - start), start};
  }

  Plot parsePlot() {
    Header header;
    const Line first = readLine();
    if (toLower(first.text.substr(0, first.text.find(':'))) != "title") {
      fail("NNADC-RAW-002", first.offset,
           "expected a plot starting with 'Title:' (or the end of the file), found " +
               quote(first.text));
    }
    header.title = std::string(trim(first.text.substr(first.text.find(':') + 1)));
    while (true) {
      if (pos_ >= bytes_.size()) {
        fail("NNADC-RAW-002", pos_,
             "unexpected end of file in the header of plot " + quote(header.plotname) +
                 ": expected 'Binary:' or 'Values:'");
      }
      const Line line = readLine();
      if (line.text.empty()) continue;
      const std::size_t colon = line.text.find(':');
      if (colon == std::string_view::npos) {
        fail("NNADC-RAW-002", line.offset,
             "expected a header line 'Key: value', found " + quote(line.text));
      }
      const std::string key = toLower(trim(line.text.substr(0, colon)));
      const std::string_view value = trim(line.text.substr(colon + 1));
      if (key == "title") {
        fail("NNADC-RAW-002", line.offset,
             "expected 'Binary:' or 'Values:' before the next plot, found " + quote(line.text));
      } else if (key == "plotname") {
        header.plotname = std::string(value);
      } else if (key == "flags") {
        parseFlags(header, value, line.offset);
      } else if (key == "no. variables") {
        header.n_variables = parseCount(value, 1, "No. Variables", line.offset);
      } else if (key == "no. points") {
        header.n_points = parseCount(value, 0, "No. Points", line.offset);
      } else if (key == "variables") {
        readVariables(header, value, line.offset);
      } else if (key == "binary" || key == "values") {
        checkReadyForData(header, line.offset);
        if (key == "binary") {
          readBinary(header);
        } else {
          readAscii(header);
        }
        return Plot{header.plotname, header.title, header.plotname, std::move(header.vectors)};
      }
      // Other keys (Date:, Command:, Option:, Dimensions:, and whatever other writers add) carry
      // nothing the data layout depends on.
    }
  }

  void parseFlags(Header& header, std::string_view value, std::size_t offset) const {
    for (const std::string_view flag : splitWhitespace(value)) {
      const std::string lower = toLower(flag);
      if (lower == "real") {
        header.is_complex = false;
      } else if (lower == "complex") {
        header.is_complex = true;
      } else if (lower == "unpadded") {
        fail("NNADC-RAW-007", offset,
             "unsupported flag 'unpadded' (vectors of different lengths); write the file "
             "without 'set nopadding'");
      }
    }
  }

  long long parseCount(std::string_view value, long long minimum, const char* field,
                       std::size_t offset) const {
    const std::optional<long long> count = parseInteger(value);
    if (!count || *count < minimum) {
      fail("NNADC-RAW-003", offset,
           std::string("expected a whole number >= ") + std::to_string(minimum) + " after '" +
               field + ":', found " + quote(value));
    }
    return *count;
  }

  void readVariables(Header& header, std::string_view rest_of_line, std::size_t offset) {
    if (!header.n_variables) {
      fail("NNADC-RAW-003", offset, "'Variables:' comes before 'No. Variables:'");
    }
    header.vectors.clear();
    // The count is bounded by the input: every variable needs a line of its own, so the loop
    // ends at the end of the input at the latest.
    for (long long i = 0; i < *header.n_variables; ++i) {
      Line line{rest_of_line, offset};
      // Spice2-style files put the first variable on the "Variables:" line itself.
      if (i > 0 || rest_of_line.empty()) {
        if (pos_ >= bytes_.size()) {
          fail("NNADC-RAW-004", pos_,
               "unexpected end of file: expected variable " + std::to_string(i) + " of " +
                   std::to_string(*header.n_variables));
        }
        line = readLine();
      }
      const std::vector<std::string_view> fields = splitWhitespace(line.text);
      const std::optional<long long> index =
          fields.empty() ? std::nullopt : parseInteger(fields[0]);
      if (fields.size() < 2 || !index || *index != i) {
        fail("NNADC-RAW-004", line.offset,
             "expected variable " + std::to_string(i) + " as '" + std::to_string(i) +
                 " <name> <type>', found " + quote(line.text));
      }
      Vector vector;
      vector.name = toLower(fields[1]);
      // The raw writer wraps every voltage in v(...), the .dc scale too ("v(v-sweep)"); in-process
      // ngspice calls it "v-sweep". Use one name for it whichever way a deck was run.
      if (vector.name.starts_with("v(") && vector.name.ends_with("-sweep)")) {
        vector.name = vector.name.substr(2, vector.name.size() - 3);
      }
      vector.type = fields.size() > 2 ? std::string(fields[2]) : std::string();
      header.vectors.push_back(std::move(vector));
    }
    header.have_variables = true;
  }

  void checkReadyForData(Header& header, std::size_t offset) const {
    if (!header.n_variables) fail("NNADC-RAW-003", offset, "missing 'No. Variables:' before data");
    if (!header.n_points) fail("NNADC-RAW-003", offset, "missing 'No. Points:' before data");
    if (!header.have_variables) fail("NNADC-RAW-004", offset, "missing 'Variables:' before data");
    if (static_cast<long long>(header.vectors.size()) != *header.n_variables) {
      fail("NNADC-RAW-003", offset,
           "'No. Variables: " + std::to_string(*header.n_variables) + "' does not match the " +
               std::to_string(header.vectors.size()) + " variables listed");
    }
    for (Vector& vector : header.vectors) vector.is_complex = !storedReal(header, vector);
  }

  [[nodiscard]] double doubleAt(std::size_t offset) const {
    // Assembled byte by byte: ngspice writes native x86/ARM (little-endian) doubles, and this
    // keeps the reader right on any host and free of unaligned loads.
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < kDoubleBytes; ++i) {
      bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[offset + i])) << (8 * i);
    }
    return std::bit_cast<double>(bits);
  }

  void readBinary(Header& header) {
    first_binary_ = std::min(first_binary_, pos_);
    const auto n_points = static_cast<std::size_t>(*header.n_points);
    const std::size_t per_value = header.is_complex ? 2 * kDoubleBytes : kDoubleBytes;
    // No overflow: the vector count is bounded by the input size (one line per variable).
    const std::size_t point_bytes = header.vectors.size() * per_value;
    const std::size_t available = bytes_.size() - pos_;
    if (n_points > available / point_bytes) {
      fail("NNADC-RAW-005", bytes_.size(),
           "truncated binary data in plot " + quote(header.plotname) + ": expected " +
               std::to_string(n_points) + " points of " + std::to_string(point_bytes) +
               " bytes from byte offset " + std::to_string(pos_) + ", found " +
               std::to_string(available) + " bytes (" + std::to_string(available / point_bytes) +
               " whole points)");
    }
    for (Vector& vector : header.vectors) {
      if (vector.is_complex) {
        vector.complex.resize(n_points);
      } else {
        vector.real.resize(n_points);
      }
    }
    for (std::size_t p = 0; p < n_points; ++p) {
      for (Vector& vector : header.vectors) {
        const double first = doubleAt(pos_);
        if (vector.is_complex) {
          vector.complex[p] = {first, doubleAt(pos_ + kDoubleBytes)};
        } else {
          vector.real[p] = first;
        }
        pos_ += per_value;
      }
    }
  }

  void readAscii(Header& header) {
    const auto n_points = static_cast<std::size_t>(*header.n_points);
    // A lying point count must not allocate more than the input could hold.
    const std::size_t reserve = std::min(n_points, (bytes_.size() - pos_) / kMinAsciiValueBytes);
    for (Vector& vector : header.vectors) {
      vector.complex.reserve(vector.is_complex ? reserve : 0);
      vector.real.reserve(vector.is_complex ? 0 : reserve);
    }
    const std::string plot = " in plot " + quote(header.plotname);
    for (std::size_t p = 0; p < n_points; ++p) {
      const Token index = readToken();
      const std::optional<long long> parsed = parseInteger(index.text);
      if (!parsed || *parsed != static_cast<long long>(p)) {
        fail("NNADC-RAW-006", index.offset,
             "expected point index " + std::to_string(p) + " of " + std::to_string(n_points) +
                 plot + ", found " + (index.text.empty() ? "end of file" : quote(index.text)));
      }
      for (Vector& vector : header.vectors) {
        const Token token = readToken();
        const std::optional<std::pair<double, double>> value = parseValue(header, token.text);
        if (!value) {
          fail("NNADC-RAW-006", token.offset,
               std::string("expected ") +
                   (header.is_complex ? "a complex value 're,im'" : "a real number") + " for " +
                   quote(vector.name) + " at point " + std::to_string(p) + plot + ", found " +
                   (token.text.empty() ? "end of file" : quote(token.text)));
        }
        if (vector.is_complex) {
          vector.complex.emplace_back(value->first, value->second);
        } else {
          vector.real.push_back(value->first);
        }
      }
    }
  }

  static std::optional<std::pair<double, double>> parseValue(const Header& header,
                                                             std::string_view text) {
    if (!header.is_complex) {
      const std::optional<double> re = parseDouble(text);
      if (!re) return std::nullopt;
      return std::pair{*re, 0.0};
    }
    const std::size_t comma = text.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    const std::optional<double> re = parseDouble(text.substr(0, comma));
    const std::optional<double> im = parseDouble(text.substr(comma + 1));
    if (!re || !im) return std::nullopt;
    return std::pair{*re, *im};
  }

  std::string_view bytes_;
  std::string_view source_;
  std::size_t pos_ = 0;
  std::size_t first_binary_ = std::string_view::npos;
};

}  // namespace

std::vector<Plot> parseRaw(std::string_view bytes, std::string_view source) {
  return RawParser(bytes, source).parse();
}

std::vector<Plot> readRawFile(const std::filesystem::path& path) {
  return parseRaw(readTextFile(path), path.string());
}

}  // namespace nnadc::io
