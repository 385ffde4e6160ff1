#include "nnadc/io/raw_reader.h"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "../test_paths.h"
#include "nnadc/core/error.h"
#include "nnadc/io/file.h"

namespace {

namespace fs = std::filesystem;
using nnadc::io::parseRaw;
using nnadc::io::readRawFile;
using nnadc::sim::Plot;
using nnadc::sim::Vector;

/// ASCII raw files print "%.15e", 16 significant digits: rounding is at most 5e-16 relative, and
/// reading it back adds one more ulp, so 1e-15 (relative, absolute near 0) bounds binary vs ASCII.
constexpr double kAsciiPrecision = 1e-15;
/// Linear decks converge in one Newton step, so results differ from the closed form only by LU
/// round-off (~1e-16); 1e-12 leaves room for the conditioning of these small matrices.
constexpr double kLinearSolve = 1e-12;
/// Transient samples of the RC charge come from trapezoidal integration under ngspice's default
/// reltol=1e-3, so they follow 1-exp(-t/RC) only to about 1e-3 of the 1 V step. A misread column
/// would be off by 0.25 V or more, so 2e-3 still checks that the reader got the right samples.
constexpr double kTransientTolerance = 2e-3;

constexpr double kR1Ohm = 1e3;
constexpr double kR2Ohm = 3e3;
constexpr double kC1Farad = 1e-6;

std::string shellQuote(const fs::path& path) {
  std::string out = "'";
  for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs `command` (arguments to ngspice) in `dir`; fails the test with the log if ngspice fails.
void runNgspice(const fs::path& dir, const std::string& env, const std::string& arguments) {
  const fs::path log = dir / "ngspice.log";
  const std::string command = "cd " + shellQuote(dir) + " && env " + env + " " +
                              shellQuote(nnadc::test::ngspiceExe()) + " " + arguments + " > " +
                              shellQuote(log) + " 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = fs::exists(log) ? nnadc::io::readTextFile(log) : std::string();
  INFO(command, "\n", output);
  REQUIRE(status == 0);
}

struct BatchRun {
  std::string binary_bytes;
  std::string ascii_bytes;
  std::vector<Plot> binary;
  std::vector<Plot> ascii;
};

/// Runs `deck` twice in batch mode, `ngspice -b -r`, once for each raw-file form.
BatchRun runBatch(const std::string& name, const std::string& deck) {
  const fs::path dir = nnadc::test::scratchDir("raw_reader/" + name);
  nnadc::io::writeFileAtomic(dir / "deck.cir", deck);
  // -u: a SPICE_ASCIIRAWFILE inherited from the caller would make the "binary" run ASCII too.
  runNgspice(dir, "-u SPICE_ASCIIRAWFILE", "-b -r out.raw deck.cir");
  runNgspice(dir, "SPICE_ASCIIRAWFILE=1", "-b -r out.txt deck.cir");
  BatchRun run;
  run.binary_bytes = nnadc::io::readTextFile(dir / "out.raw");
  run.ascii_bytes = nnadc::io::readTextFile(dir / "out.txt");
  run.binary = readRawFile(dir / "out.raw");
  run.ascii = readRawFile(dir / "out.txt");
  return run;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

void checkSameVector(const Vector& a, const Vector& b) {
  CHECK(a.name == b.name);
  CHECK(a.type == b.type);
  REQUIRE(a.is_complex == b.is_complex);
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a.is_complex) {
      CHECK(a.complex[k].real() == doctest::Approx(b.complex[k].real()).epsilon(kAsciiPrecision));
      CHECK(a.complex[k].imag() == doctest::Approx(b.complex[k].imag()).epsilon(kAsciiPrecision));
    } else {
      CHECK(a.real[k] == doctest::Approx(b.real[k]).epsilon(kAsciiPrecision));
    }
  }
}

void checkSamePlots(const std::vector<Plot>& binary, const std::vector<Plot>& ascii) {
  REQUIRE(binary.size() == ascii.size());
  for (std::size_t p = 0; p < binary.size(); ++p) {
    CHECK(binary[p].name == ascii[p].name);
    CHECK(binary[p].title == ascii[p].title);
    CHECK(binary[p].type == ascii[p].type);
    REQUIRE(binary[p].vectors.size() == ascii[p].vectors.size());
    for (std::size_t v = 0; v < binary[p].vectors.size(); ++v) {
      checkSameVector(binary[p].vectors[v], ascii[p].vectors[v]);
    }
  }
}

std::vector<std::string> names(const Plot& plot) {
  std::vector<std::string> out;
  for (const Vector& v : plot.vectors) out.push_back(v.name);
  return out;
}

const Vector& vectorNamed(const Plot& plot, std::string_view name) {
  const Vector* vector = plot.find(name);
  INFO("vector ", name, " in plot ", plot.name);
  REQUIRE(vector != nullptr);
  return *vector;
}

/// The RC low-pass transfer 1/(1+jwRC), evaluated where ngspice put its frequency points.
std::complex<double> lowPass(double f_hz) {
  const double wrc = 2.0 * std::numbers::pi * f_hz * kR1Ohm * kC1Farad;
  return 1.0 / std::complex<double>(1.0, wrc);
}

/// The id of the InputError that parsing `bytes` raises, "" if it parses.
std::string errorId(std::string_view bytes) {
  try {
    parseRaw(bytes, "raw-test");
  } catch (const nnadc::InputError& e) {
    return e.id();
  }
  return "";
}

std::string errorMessage(std::string_view bytes, std::string_view source) {
  try {
    parseRaw(bytes, source);
  } catch (const nnadc::InputError& e) {
    return e.what();
  }
  return "";
}

/// `text` with its first `from` replaced; the test fails if `from` is absent.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "missing '", from, "'");
  return text.replace(at, from.size(), to);
}

std::string littleEndian(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xffU);
  return out;
}

/// Parses `bytes`; any InputError must carry a raw-file id. Other exceptions fail the test.
void readOrRejectCleanly(std::string_view bytes) {
  try {
    parseRaw(bytes, "raw-test");
  } catch (const nnadc::InputError& e) {
    CHECK(std::string_view(e.id()).substr(0, 10) == "NNADC-RAW-");
  }
}

const std::string kDividerDeck =
    "rc divider dc sweep\n"
    "V1 in 0 1\n"
    "R1 in out 1k\n"
    "R2 out 0 3k\n"
    ".dc V1 0 2 0.25\n"
    ".end\n";

const std::string kLowPassDeck =
    "rc low pass ac\n"
    "V1 in 0 dc 0 ac 1\n"
    "R1 in out 1k\n"
    "C1 out 0 1u\n"
    ".ac dec 5 10 100k\n"
    ".end\n";

/// .op then .dc: two plots, small enough to mangle byte by byte.
const std::string kOpDcDeck =
    "op and dc\n"
    "V1 in 0 1\n"
    "R1 in out 1k\n"
    "R2 out 0 3k\n"
    ".op\n"
    ".dc V1 0 1 0.5\n"
    ".end\n";

/// A minimal valid ASCII file laid out as ngspice's batch mode writes it; line 14 holds "0.75".
const std::string kAsciiOk =
    "Title: hand written\n"
    "Date: Tue Nov 24 14:29:45  2026\n"
    "Plotname: DC transfer characteristic\n"
    "Flags: real\n"
    "No. Variables: 2\n"
    "No. Points: 2       \n"
    "Variables:\n"
    "\t0\tv(v-sweep)\tvoltage\n"
    "\t1\tv(out)\tvoltage\n"
    "Values:\n"
    "0\t\t0.0\n"
    "\t0.0\n"
    "1\t\t1.0\n"
    "\t0.75\n";

/// The binary twin of kAsciiOk with three points (v(out) = 0.75 v-sweep).
std::string binaryOk() {
  std::string out =
      "Title: hand written\n"
      "Plotname: DC transfer characteristic\n"
      "Flags: real\n"
      "No. Variables: 2\n"
      "No. Points: 3\n"
      "Variables:\n"
      "\t0\tv(v-sweep)\tvoltage\n"
      "\t1\tv(out)\tvoltage\n"
      "Binary:\n";
  for (const double sweep : {0.0, 1.0, 2.0})
    out += littleEndian(sweep) + littleEndian(0.75 * sweep);
  return out;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("DcSweepOfADividerReadsAlikeFromBinaryAndAsciiAndFollowsTheRatio") {
    const BatchRun run = runBatch("divider", kDividerDeck);
    // Binary is ngspice's default; SPICE_ASCIIRAWFILE=1 switches batch output to ASCII.
    CHECK(contains(run.binary_bytes, "\nBinary:\n"));
    CHECK_FALSE(contains(run.binary_bytes, "\nValues:\n"));
    CHECK(contains(run.ascii_bytes, "\nValues:\n"));
    checkSamePlots(run.binary, run.ascii);

    REQUIRE(run.binary.size() == 1);
    const Plot& plot = run.binary[0];
    CHECK(plot.name == "DC transfer characteristic");
    CHECK(plot.type == "DC transfer characteristic");
    CHECK(plot.title == "rc divider dc sweep");
    // The raw writer wraps voltages in v(...), the .dc scale too; the reader unwraps the scale to
    // "v-sweep", the name in-process ngspice uses.
    CHECK(names(plot) == std::vector<std::string>{"v-sweep", "v(in)", "v(out)", "i(v1)"});
    CHECK(plot.vectors[0].type == "voltage");
    CHECK(plot.vectors[3].type == "current");

    const Vector& sweep = plot.vectors[0];
    const Vector& out = vectorNamed(plot, "V(OUT)");
    const Vector& current = vectorNamed(plot, "i(v1)");
    REQUIRE(sweep.size() == 9);
    REQUIRE_FALSE(out.is_complex);
    for (std::size_t k = 0; k < sweep.size(); ++k) {
      const double v_in = 0.25 * static_cast<double>(k);
      CHECK(sweep.real[k] == doctest::Approx(v_in).epsilon(kLinearSolve));
      CHECK(out.real[k] ==
            doctest::Approx(v_in * kR2Ohm / (kR1Ohm + kR2Ohm)).epsilon(kLinearSolve));
      // ngspice's source current flows into the + terminal: negative while the source delivers.
      CHECK(current.real[k] == doctest::Approx(-v_in / (kR1Ohm + kR2Ohm)).epsilon(kLinearSolve));
    }
  }

  TEST_CASE("AcSweepOfAnRcLowPassMatchesTheAnalyticTransfer") {
    const BatchRun run = runBatch("lowpass", kLowPassDeck);
    checkSamePlots(run.binary, run.ascii);
    REQUIRE(run.binary.size() == 1);
    const Plot& plot = run.binary[0];
    CHECK(plot.name == "AC Analysis");
    CHECK(names(plot) == std::vector<std::string>{"frequency", "v(in)", "v(out)", "i(v1)"});

    const Vector& frequency = plot.vectors[0];
    CHECK(frequency.type == "frequency");
    // 4 decades at 5 points per decade, both ends included.
    constexpr std::size_t kPoints = 21;
    REQUIRE(frequency.size() == kPoints);
    // The file stores the frequency scale complex too (16 bytes per variable and point) ...
    const std::size_t data_start = run.binary_bytes.find("\nBinary:\n") + 9;
    CHECK(run.binary_bytes.size() - data_start == kPoints * plot.vectors.size() * 16);
    // ... but its imaginary part is uninitialised memory in batch mode, so it is read real.
    CHECK_FALSE(frequency.is_complex);

    // Repeated multiplication by 10^(1/5) accumulates ~20 roundings: far below 1e-12.
    const double ratio = std::pow(10.0, 1.0 / 5.0);
    CHECK(frequency.real.front() == doctest::Approx(10.0).epsilon(kLinearSolve));
    for (std::size_t k = 1; k < kPoints; ++k) {
      CHECK(frequency.real[k] / frequency.real[k - 1] ==
            doctest::Approx(ratio).epsilon(kLinearSolve));
    }

    const Vector& in = vectorNamed(plot, "v(in)");
    const Vector& out = vectorNamed(plot, "v(out)");
    const Vector& current = vectorNamed(plot, "i(v1)");
    REQUIRE(out.is_complex);
    for (std::size_t k = 0; k < kPoints; ++k) {
      const std::complex<double> h = lowPass(frequency.real[k]);
      CHECK(in.complex[k].real() == doctest::Approx(1.0).epsilon(kLinearSolve));
      CHECK(in.complex[k].imag() == doctest::Approx(0.0).epsilon(kLinearSolve));
      CHECK(out.complex[k].real() == doctest::Approx(h.real()).epsilon(kLinearSolve));
      CHECK(out.complex[k].imag() == doctest::Approx(h.imag()).epsilon(kLinearSolve));
      const std::complex<double> i_expected = -(1.0 - h) / kR1Ohm;
      CHECK(current.complex[k].real() == doctest::Approx(i_expected.real()).epsilon(kLinearSolve));
      CHECK(current.complex[k].imag() == doctest::Approx(i_expected.imag()).epsilon(kLinearSolve));
    }
  }

  TEST_CASE("BatchRunWritesOnePlotPerAnalysisInDeckOrder") {
    const BatchRun run = runBatch("op_tran",
                                  "op and tran\n"
                                  "V1 in 0 dc 1\n"
                                  "R1 in mid 1k\n"
                                  "R2 mid 0 3k\n"
                                  "R3 in out 1k\n"
                                  "C1 out 0 1u\n"
                                  ".ic v(out)=0\n"
                                  ".op\n"
                                  ".tran 20u 5m uic\n"
                                  ".end\n");
    checkSamePlots(run.binary, run.ascii);
    REQUIRE(run.binary.size() == 2);
    const Plot& op = run.binary[0];
    const Plot& tran = run.binary[1];
    CHECK(op.name == "Operating Point");
    CHECK(tran.name == "Transient Analysis");

    // An operating point has no scale: its first vector is the first node.
    CHECK(names(op) == std::vector<std::string>{"v(in)", "v(mid)", "v(out)", "i(v1)"});
    CHECK(op.vectors[0].size() == 1);
    CHECK(vectorNamed(op, "v(mid)").real[0] == doctest::Approx(0.75).epsilon(kLinearSolve));
    // The capacitor is open at DC, so no current flows through R3.
    CHECK(vectorNamed(op, "v(out)").real[0] == doctest::Approx(1.0).epsilon(kLinearSolve));
    CHECK(vectorNamed(op, "i(v1)").real[0] ==
          doctest::Approx(-1.0 / (kR1Ohm + kR2Ohm)).epsilon(kLinearSolve));

    const Vector& time = tran.vectors[0];
    CHECK(time.name == "time");
    CHECK(time.type == "time");
    REQUIRE(time.size() > 10);
    for (std::size_t k = 1; k < time.size(); ++k) CHECK(time.real[k] > time.real[k - 1]);
    CHECK(time.real.back() == doctest::Approx(5e-3).epsilon(kLinearSolve));
    const Vector& mid = vectorNamed(tran, "v(mid)");
    const Vector& out = vectorNamed(tran, "v(out)");
    const double tau_s = kR1Ohm * kC1Farad;
    for (std::size_t k = 0; k < time.size(); ++k) {
      CHECK(mid.real[k] == doctest::Approx(0.75).epsilon(kLinearSolve));
      CHECK(std::abs(out.real[k] - (1.0 - std::exp(-time.real[k] / tau_s))) < kTransientTolerance);
    }
  }

  TEST_CASE("WriteCommandWritesTheCurrentPlotOrOnePlotPerSourcePlot") {
    const fs::path dir = nnadc::test::scratchDir("raw_reader/write");
    nnadc::io::writeFileAtomic(dir / "deck.cir",
                               "write command\n"
                               "V1 in 0 dc 1 ac 1\n"
                               "R1 in out 1k\n"
                               "C1 out 0 1u\n"
                               ".control\n"
                               "dc V1 0 1 0.5\n"
                               "ac dec 1 10 1k\n"
                               "write current.raw all\n"
                               "write two.raw dc1.all ac1.all\n"
                               "set filetype=ascii\n"
                               "write two.txt dc1.all ac1.all\n"
                               "quit 0\n"
                               ".endc\n"
                               ".end\n");
    runNgspice(dir, "-u SPICE_ASCIIRAWFILE", "-b deck.cir");

    const std::vector<Plot> current = readRawFile(dir / "current.raw");
    REQUIRE(current.size() == 1);
    CHECK(current[0].name == "AC Analysis");

    const std::vector<Plot> binary = readRawFile(dir / "two.raw");
    const std::vector<Plot> ascii = readRawFile(dir / "two.txt");
    CHECK(contains(nnadc::io::readTextFile(dir / "two.txt"), "\nValues:\n"));
    checkSamePlots(binary, ascii);
    REQUIRE(binary.size() == 2);
    CHECK(binary[0].name == "DC transfer characteristic");
    CHECK(binary[1].name == "AC Analysis");
    checkSamePlots({binary[1]}, current);

    // The capacitor is open at DC: v(out) follows v(in).
    const Vector& sweep = binary[0].vectors[0];
    const Vector& dc_out = vectorNamed(binary[0], "v(out)");
    REQUIRE(sweep.size() == 3);
    for (std::size_t k = 0; k < sweep.size(); ++k) {
      CHECK(dc_out.real[k] == doctest::Approx(sweep.real[k]).epsilon(kLinearSolve));
    }
    const Vector& frequency = binary[1].vectors[0];
    const Vector& ac_out = vectorNamed(binary[1], "v(out)");
    REQUIRE(frequency.size() == 3);
    for (std::size_t k = 0; k < frequency.size(); ++k) {
      const std::complex<double> h = lowPass(frequency.real[k]);
      CHECK(ac_out.complex[k].real() == doctest::Approx(h.real()).epsilon(kLinearSolve));
      CHECK(ac_out.complex[k].imag() == doctest::Approx(h.imag()).epsilon(kLinearSolve));
    }

    // Unlike batch mode, `write` zeroes the imaginary half of the complex frequency scale.
    const std::string bytes = nnadc::io::readTextFile(dir / "two.raw");
    const std::size_t ac_data = bytes.rfind("\nBinary:\n") + 9;
    REQUIRE(ac_data + 16 <= bytes.size());
    CHECK(bytes.substr(ac_data + 8, 8) == littleEndian(0.0));
  }

  TEST_CASE("NgspiceOrdersVectorsScaleThenNodesThenBranchCurrents") {
    const BatchRun run = runBatch("order",
                                  "vector order\n"
                                  "V1 in 0 1\n"
                                  "R1 in out 1k\n"
                                  "R2 out b 1k\n"
                                  "V2 b 0 0.5\n"
                                  "L1 b c 1m\n"
                                  "R3 c 0 1k\n"
                                  ".dc V1 0 1 1\n"
                                  ".end\n");
    checkSamePlots(run.binary, run.ascii);
    REQUIRE(run.binary.size() == 1);
    // Golden order from ngspice 39: the scale, nodes in order of first appearance in the deck,
    // then branch currents grouped by device kind (inductors before sources) with the instances
    // of a kind in reverse deck order (ngspice prepends instances to its lists).
    CHECK(names(run.binary[0]) == std::vector<std::string>{"v-sweep", "v(in)", "v(out)", "v(b)",
                                                           "v(c)", "i(l1)", "i(v2)", "i(v1)"});
  }

  TEST_CASE("HeaderToleratesUnknownLinesCrlfAndSpice2StyleVariables") {
    const std::string text =
        "Title: Tolerant\r\n"
        "Date: today\r\n"
        "Command: ngspice-39\r\n"
        "Plotname: AC Analysis\r\n"
        "Flags: complex forward\r\n"
        "Option: reltol=1e-4\r\n"
        "\r\n"
        "No. Variables: 2\r\n"
        "No. Points: 2\r\n"
        "Dimensions: 2\r\n"
        "Something-New: ignored\r\n"
        "Variables: 0 FREQUENCY frequency grid=3\r\n"
        " 1 V(OUT) voltage\r\n"
        "Values:\r\n"
        " 0\t1.0e1,7.6e+70\r\n"
        "\t0.5,-0.5\r\n"
        "\r\n"
        " 1\t1.0e2,nan\r\n"
        "\t0.25,-inf\r\n";
    const std::vector<Plot> plots = parseRaw(text, "tolerant");
    REQUIRE(plots.size() == 1);
    CHECK(plots[0].title == "Tolerant");
    CHECK(plots[0].name == "AC Analysis");
    CHECK(names(plots[0]) == std::vector<std::string>{"frequency", "v(out)"});
    const Vector& frequency = plots[0].vectors[0];
    CHECK_FALSE(frequency.is_complex);
    CHECK(frequency.real == std::vector<double>{10.0, 100.0});
    const Vector& out = plots[0].vectors[1];
    CHECK(out.type == "voltage");
    REQUIRE(out.is_complex);
    CHECK(out.complex[0] == std::complex<double>(0.5, -0.5));
    CHECK(out.complex[1].real() == 0.25);
    CHECK(std::isinf(out.complex[1].imag()));
  }

  TEST_CASE("HandWrittenBinaryReadsLittleEndianDoublesAndComplexPairs") {
    const std::vector<Plot> real = parseRaw(binaryOk(), "real");
    REQUIRE(real.size() == 1);
    CHECK(real[0].vectors[1].real == std::vector<double>{0.0, 0.75, 1.5});

    std::string complex_file =
        "Title: c\n"
        "Plotname: AC Analysis\n"
        "Flags: complex\n"
        "No. Variables: 2\n"
        "No. Points: 2\n"
        "Variables:\n"
        "\t0\tfrequency\tfrequency\tgrid=3\n"
        "\t1\tv(out)\tvoltage\n"
        "Binary:\n";
    // The scale's imaginary half carries junk, as batch ngspice leaves it.
    for (const double f : {10.0, 100.0}) {
      complex_file += littleEndian(f) + littleEndian(1e300) + littleEndian(f / 100.0) +
                      littleEndian(-f / 1000.0);
    }
    // A second plot follows directly after the binary data, as ngspice writes it.
    complex_file += binaryOk();
    const std::vector<Plot> plots = parseRaw(complex_file, "complex");
    REQUIRE(plots.size() == 2);
    CHECK(plots[0].vectors[0].real == std::vector<double>{10.0, 100.0});
    CHECK(plots[0].vectors[1].complex ==
          std::vector<std::complex<double>>{{0.1, -0.01}, {1.0, -0.1}});
    CHECK(plots[1].vectors[1].real == std::vector<double>{0.0, 0.75, 1.5});
  }

  TEST_CASE("MalformedInputsRaiseTheirStableIds") {
    REQUIRE(errorId(kAsciiOk).empty());
    REQUIRE(errorId(binaryOk()).empty());
    SUBCASE("an empty or blank file has no plot") {
      CHECK(errorId("") == "NNADC-RAW-001");
      CHECK(errorId(" \n\r\n\t") == "NNADC-RAW-001");
    }
    SUBCASE("garbage is not a header") {
      CHECK(errorId("hello world\n") == "NNADC-RAW-002");
      CHECK(errorId(std::string("\x7f"
                                "ELF\x02\x01\x01\0\0\0:\n",
                                12)) == "NNADC-RAW-002");
      CHECK(errorId(replaced(kAsciiOk, "Date:", "garbage line\nDate:")) == "NNADC-RAW-002");
    }
    SUBCASE("a header without data is truncated") {
      CHECK(errorId(kAsciiOk.substr(0, kAsciiOk.find("Values:"))) == "NNADC-RAW-002");
      CHECK(errorId(replaced(kAsciiOk, "Values:", "Title: next plot")) == "NNADC-RAW-002");
    }
    SUBCASE("counts must be whole numbers in range") {
      CHECK(errorId(replaced(kAsciiOk, "Points: 2", "Points: two")) == "NNADC-RAW-003");
      CHECK(errorId(replaced(kAsciiOk, "Points: 2", "Points: -1")) == "NNADC-RAW-003");
      CHECK(errorId(replaced(kAsciiOk, "Variables: 2", "Variables: 0")) == "NNADC-RAW-003");
      CHECK(errorId(replaced(kAsciiOk, "Variables: 2", "Variables: 2.5")) == "NNADC-RAW-003");
      CHECK(errorId(replaced(kAsciiOk, "No. Points: 2       \n", "")) == "NNADC-RAW-003");
      CHECK(errorId(replaced(kAsciiOk, "No. Variables: 2\n", "")) == "NNADC-RAW-003");
    }
    SUBCASE("the variables section must list each index in turn") {
      CHECK(errorId(replaced(kAsciiOk, "\t1\tv(out)", "\t2\tv(out)")) == "NNADC-RAW-004");
      CHECK(errorId(replaced(kAsciiOk, "\t1\tv(out)\tvoltage", "\t1")) == "NNADC-RAW-004");
      // One variable more than listed: "Values:" is read where variable 2 should be.
      CHECK(errorId(replaced(kAsciiOk, "Variables: 2", "Variables: 3")) == "NNADC-RAW-004");
      CHECK(errorId(replaced(kAsciiOk,
                             "Variables:\n\t0\tv(v-sweep)\tvoltage\n\t1\tv(out)\tvoltage\n", "")) ==
            "NNADC-RAW-004");
    }
    SUBCASE("binary data shorter than the counts say is truncated") {
      const std::string ok = binaryOk();
      CHECK(errorId(ok.substr(0, ok.size() - 3)) == "NNADC-RAW-005");
      CHECK(errorId(ok.substr(0, ok.find("Binary:\n") + 8)) == "NNADC-RAW-005");
      CHECK(errorId(replaced(ok, "Points: 3", "Points: 4")) == "NNADC-RAW-005");
      CHECK(errorId(replaced(ok, "Points: 3", "Points: 9223372036854775807")) == "NNADC-RAW-005");
      CHECK(errorId(replaced(ok, "real", "complex")) == "NNADC-RAW-005");
      // Too few points declared: the rest of the data is read where a plot should start.
      CHECK(errorId(replaced(ok, "Points: 3", "Points: 2")) == "NNADC-RAW-002");
    }
    SUBCASE("ASCII values must be numbers at the right point") {
      CHECK(errorId(replaced(kAsciiOk, "0.75", "0.7x5")) == "NNADC-RAW-006");
      CHECK(errorId(replaced(kAsciiOk, "0.75", "0.75,0.1")) == "NNADC-RAW-006");
      CHECK(errorId(replaced(kAsciiOk, "Flags: real", "Flags: complex")) == "NNADC-RAW-006");
      CHECK(errorId(replaced(kAsciiOk, "1\t\t1.0", "7\t\t1.0")) == "NNADC-RAW-006");
      CHECK(errorId(replaced(kAsciiOk, "Points: 2", "Points: 3")) == "NNADC-RAW-006");
      CHECK(errorId(replaced(kAsciiOk, "Points: 2", "Points: 99999999999")) == "NNADC-RAW-006");
      CHECK(errorId(kAsciiOk.substr(0, kAsciiOk.size() - 5)) == "NNADC-RAW-006");
      // Too few points declared: the last point is read where a plot should start.
      CHECK(errorId(replaced(kAsciiOk, "Points: 2", "Points: 1")) == "NNADC-RAW-002");
    }
    SUBCASE("an unpadded file is refused rather than misread") {
      CHECK(errorId(replaced(kAsciiOk, "Flags: real", "Flags: real unpadded")) == "NNADC-RAW-007");
    }
  }

  TEST_CASE("ErrorMessagesNameTheSourceAndTheLineOrByteOffset") {
    const std::string ascii = errorMessage(replaced(kAsciiOk, "0.75", "0.7x5"), "dir/run.txt");
    CHECK(ascii ==
          "error[NNADC-RAW-006]: dir/run.txt:14: expected a real number for 'v(out)' at point 1 "
          "in plot 'DC transfer characteristic', found '0.7x5'");

    const std::string ok = binaryOk();
    const std::string binary = errorMessage(ok.substr(0, ok.size() - 3), "dir/run.raw");
    CHECK(contains(binary, "error[NNADC-RAW-005]: dir/run.raw: byte offset " +
                               std::to_string(ok.size() - 3) + ": truncated binary data"));
    CHECK(contains(binary, "expected 3 points of 16 bytes"));

    const std::string header = errorMessage(replaced(kAsciiOk, "Points: 2", "Points: x"), "f");
    CHECK(header ==
          "error[NNADC-RAW-003]: f:6: expected a whole number >= 0 after 'No. Points:', found 'x'");
  }

  TEST_CASE("ReadRawFileReportsAFileThatCannotBeRead") {
    const fs::path dir = nnadc::test::scratchDir("raw_reader/missing");
    try {
      readRawFile(dir / "absent.raw");
      FAIL("expected NNADC-IO-001");
    } catch (const nnadc::InputError& e) {
      CHECK(e.id() == "NNADC-IO-001");
    }
  }

  TEST_CASE("EveryTruncationOfARealFileIsReadOrRejectedCleanly") {
    const BatchRun run = runBatch("truncate", kOpDcDeck);
    REQUIRE(run.binary.size() == 2);
    for (const std::string* bytes : {&run.binary_bytes, &run.ascii_bytes}) {
      for (std::size_t n = 0; n < bytes->size(); ++n) {
        readOrRejectCleanly(std::string_view(*bytes).substr(0, n));
      }
    }
    // Cutting into the last plot's binary data is always caught, not read as fewer points.
    const std::size_t last_data = run.binary_bytes.rfind("\nBinary:\n") + 9;
    for (std::size_t n = last_data; n < run.binary_bytes.size(); ++n) {
      CHECK(errorId(std::string_view(run.binary_bytes).substr(0, n)) == "NNADC-RAW-005");
    }
  }

  TEST_CASE("CorruptedBytesAreReadOrRejectedCleanly") {
    const BatchRun run = runBatch("corrupt", kOpDcDeck);
    for (const std::string* bytes : {&run.binary_bytes, &run.ascii_bytes}) {
      for (std::size_t i = 0; i < bytes->size(); ++i) {
        for (const char c : {'x', '9', ':', ',', '-', '\n', ' ', '\0', '\xff'}) {
          std::string mangled = *bytes;
          mangled[i] = c;
          readOrRejectCleanly(mangled);
        }
      }
    }
  }
}
