// The report page: sections per result, figures traced to their JSON, plots drawn by gnuplot.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "nnadc/core/version.h"
#include "nnadc/eval/bench.h"
#include "nnadc/io/file.h"
#include "nnadc/metrics/code_density.h"
#include "nnadc/metrics/spectrum.h"
#include "nnadc/report/gnuplot.h"
#include "nnadc/report/report.h"

namespace nnadc::report {

namespace {

using io::Json;

/// Published converters the FoM plot sets a design among. Source: ../shared/PAPERS.md, which
/// quotes the Murmann ADC survey (the survey itself is not shipped); 2 records and the Schreier
/// envelope, the same figures as lib/eval's kSurvey* constants.
struct SurveyPoint {
  const char* name;
  double fs_hz;
  double walden_j;
  double schreier_db;
};
constexpr SurveyPoint kSurvey[] = {
    {"pipelined SAR", 50e6, eval::kSurveyBestPipelinedSarWaldenJ, 182.3},
    {"pure pipeline", 1e9, eval::kSurveyBestPipelineWaldenJ, 173.3},
};

/// A spectrum bin below this is drawn at it: the plot's floor [dBFS].
constexpr double kSpectrumFloorDbfs = -200.0;
/// Two-sided 95 % normal quantile, for the Wilson yield interval.
constexpr double kZ95 = 1.959964;
/// Worst Monte-Carlo dies listed.
constexpr std::size_t kWorstDies = 3;
/// Histogram bins of Monte-Carlo figures.
constexpr int kHistogramBins = 20;

std::string escape(const std::string& s) {
  std::string o;
  for (const char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

/// A gnuplot string literal in double quotes (enhanced text: no escapes needed for our labels).
std::string gq(const std::string& s) {
  std::string o = "\"";
  for (const char c : s) {
    if (c == '\n') {
      o += "\\n";  // gnuplot's escape for a line break in a double-quoted string
      continue;
    }
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

/// Shortest round-trip spelling (a scale factor the test multiplies by).
std::string exact(double v) {
  std::ostringstream s;
  s << std::setprecision(17) << v;
  return s.str();
}

const Json* fileOf(const Result& r, const std::string& role) {
  const auto it = r.files.find(role);
  return it == r.files.end() ? nullptr : &it->second.second;
}

Json at(const Json& j, const std::string& ptr) {
  const Json::json_pointer p(ptr);
  return j.contains(p) ? j.at(p) : Json();
}

/// Builds one result's section: its figures table, its plots and notes.
class Section {
 public:
  Section(const Result& r, std::vector<Plot>& plots, int index)
      : r_(r), plots_(plots), index_(index) {}

  /// A figure cell: the value from the JSON (times `scale`), traced by data attributes.
  std::string fig(const std::string& role, const std::string& ptr, int digits, double scale = 1.0) {
    const Json* f = fileOf(r_, role);
    if (f == nullptr) return "n/a";
    const Json v = at(*f, ptr);
    const std::string attrs = " class=\"fig\" data-file=\"" + escape(r_.files.at(role).first) +
                              "\" data-ptr=\"" + escape(ptr) + "\" data-scale=\"" + exact(scale) +
                              "\" data-digits=\"" + std::to_string(digits) + "\"";
    if (v.is_number()) {
      return "<span" + attrs + ">" + fixed(v.get<double>() * scale, digits) + "</span>";
    }
    return "<span" + attrs + " data-null=\"1\">n/a</span>";
  }

  void row(const std::string& label, const std::string& cells) {
    table_ << "<tr><th>" << escape(label) << "</th>" << cells << "</tr>\n";
  }
  std::string td(const std::string& role, const std::string& ptr, int digits, double scale = 1.0,
                 const std::string& unit = "") {
    return "<td>" + fig(role, ptr, digits, scale) + (unit.empty() ? "" : " " + unit) + "</td>";
  }

  /// Adds a plot; `figures` is the HTML printed beside it.
  void plot(Plot p, const std::string& caption, const std::string& figures) {
    p.id = "p" + std::to_string(index_) + "_" + std::to_string(plots_.size());
    blocks_.push_back({plots_.size(), caption, figures});
    plots_.push_back(std::move(p));
  }
  void note(const std::string& html) { blocks_.push_back({kNoPlot, "", html}); }

  std::string table() const { return table_.str(); }
  struct Block {
    std::size_t plot;
    std::string caption;
    std::string html;
  };
  static constexpr std::size_t kNoPlot = static_cast<std::size_t>(-1);
  const std::vector<Block>& blocks() const { return blocks_; }
  const Result& result() const { return r_; }

 private:
  const Result& r_;
  std::vector<Plot>& plots_;
  int index_;
  std::ostringstream table_;
  std::vector<Block> blocks_;
};

std::vector<std::int64_t> codesOf(const Json& j, const char* key = "codes") {
  std::vector<std::int64_t> c;
  if (!j.contains(key) || !j[key].is_array()) return c;
  c.reserve(j[key].size());
  for (const Json& v : j[key]) c.push_back(v.get<std::int64_t>());
  return c;
}

// -- plots ------------------------------------------------------------------------------------

void spectrumPlot(Section& s, const std::string& role, const std::string& what) {
  const Json* j = fileOf(s.result(), role);
  if (j == nullptr || !at(*j, "/sndr_db").is_number()) return;
  const std::vector<std::int64_t> codes = codesOf(*j);
  const int bits = j->value("bits", 0);
  if (codes.size() < 16 || bits <= 0) return;
  std::vector<double> record(codes.begin(), codes.end());
  metrics::SpectrumOptions o;
  o.full_scale_amplitude = std::ldexp(1.0, bits) / 2.0;
  o.keep_spectrum = true;
  const Json fs = at(*j, "/fs_hz");
  const bool hz = fs.is_number();
  if (hz) o.fs_hz = fs.get<double>();
  const metrics::SpectrumResult sp = metrics::analyzeSpectrum(record, o);
  const double n = static_cast<double>(sp.samples);
  const double fs_scale = hz ? *o.fs_hz / n / 1e6 : 1.0 / n;  // bin -> MHz or cycles/sample
  const double full_scale_power = *o.full_scale_amplitude * *o.full_scale_amplitude / 2.0;
  auto dbfs = [&](double p) {
    return p > 0 ? std::max(kSpectrumFloorDbfs, 10.0 * std::log10(p / full_scale_power))
                 : kSpectrumFloorDbfs;
  };
  std::ostringstream spec;
  std::ostringstream marks;
  for (std::size_t k = 1; k < sp.power.size(); ++k) {
    spec << static_cast<double>(k) * fs_scale << ' ' << dbfs(sp.power[k]) << '\n';
  }
  const double fund_db = dbfs(sp.power[sp.signal_bin]);
  std::ostringstream fund;
  fund << static_cast<double>(sp.signal_bin) * fs_scale << ' ' << fund_db << " \"f_{in}\"\n";
  for (const metrics::Harmonic& h : sp.harmonics) {
    if (!h.counted || h.peak_bin >= sp.power.size()) continue;
    marks << static_cast<double>(h.peak_bin) * fs_scale << ' ' << dbfs(sp.power[h.peak_bin])
          << " \"H" << h.order << "\"\n";
  }
  const std::string sndr = fixed(at(*j, "/sndr_db").get<double>(), 2);
  const std::string sfdr =
      at(*j, "/sfdr_db").is_number() ? fixed(at(*j, "/sfdr_db").get<double>(), 2) : "n/a";
  const std::string thd =
      at(*j, "/thd_db").is_number() ? fixed(at(*j, "/thd_db").get<double>(), 2) : "n/a";
  Plot p;
  p.data = {{"spec.dat", spec.str()}, {"fund.dat", fund.str()}, {"harm.dat", marks.str()}};
  p.script = "set title " +
             gq("Output spectrum, " + what + " (" + std::to_string(codes.size()) +
                " samples, window: " + std::string(metrics::windowName(sp.window)) + ")") +
             "\nset xlabel " + gq(hz ? "frequency [MHz]" : "frequency [cycles/sample]") +
             "\nset ylabel \"power [dBFS]\"\nset grid\nset yrange [" +
             fixed(std::max(kSpectrumFloorDbfs, -20.0 * std::ceil(6.02 * bits / 20.0) - 80), 0) +
             ":10]\nset key bottom right box opaque\n" + "set label 1 " +
             gq("SNDR " + sndr + " dB\nSFDR " + sfdr + " dB\nTHD " + thd + " dB") +
             " at graph 0.30, graph 0.90 front boxed\n" +
             "plot @FILE(spec.dat)@ using 1:2 with lines lc rgb '#1f77b4' title 'spectrum', "
             "@FILE(fund.dat)@ using 1:2 with points pt 7 ps 1.3 lc rgb '#2ca02c' title "
             "'fundamental', @FILE(fund.dat)@ using 1:2:3 with labels offset 2.5,0 notitle, "
             "@FILE(harm.dat)@ using 1:2 with points pt 9 ps 1.2 lc rgb '#d62728' title "
             "'harmonics 2-9', @FILE(harm.dat)@ using 1:2:3 with labels offset 0,1 notitle\n";
  const std::string figs = "SNDR " + s.fig(role, "/sndr_db", 2) + " dB, SFDR " +
                           s.fig(role, "/sfdr_db", 2) + " dB, THD " + s.fig(role, "/thd_db", 2) +
                           " dB, ENOB " + s.fig(role, "/enob", 2) + " bits";
  s.plot(std::move(p), "Output spectrum (" + what + ")", figs);
}

/// At most this many vertices per curve: longer curves keep each bucket's min and max.
constexpr std::size_t kMaxCurvePoints = 2048;

/// "x y" lines of (first_x + i, y[i]); beyond kMaxCurvePoints, each bucket of codes contributes
/// its minimum and maximum in code order, so every extreme stays visible.
std::string curve(std::int64_t first_x, const std::vector<double>& y) {
  std::ostringstream d;
  const std::size_t bucket = (y.size() + kMaxCurvePoints / 2 - 1) / (kMaxCurvePoints / 2);
  for (std::size_t b = 0; b < y.size(); b += std::max<std::size_t>(bucket, 1)) {
    const std::size_t e = std::min(y.size(), b + std::max<std::size_t>(bucket, 1));
    const auto [lo, hi] = std::minmax_element(y.begin() + static_cast<std::ptrdiff_t>(b),
                                              y.begin() + static_cast<std::ptrdiff_t>(e));
    auto put = [&](auto it) { d << first_x + (it - y.begin()) << ' ' << *it << '\n'; };
    if (lo - y.begin() <= hi - y.begin()) {
      put(lo);
      if (hi != lo) put(hi);
    } else {
      put(hi);
      put(lo);
    }
  }
  return d.str();
}

/// The record behind a result's DNL/INL: its codes, or (flow's behavioural ramp) the histogram's
/// [count, codes] runs, expanded to the ramp they came from (code density uses only the
/// histogram).
std::vector<std::int64_t> linearityRecord(const Json& j) {
  const Json runs = at(j, "/ramp/histogram_runs");
  if (!runs.is_array()) return codesOf(j);
  std::vector<std::int64_t> codes;
  std::int64_t code = 0;
  for (const Json& run : runs) {
    for (std::size_t k = 0; k < run.at(1).get<std::size_t>(); ++k, ++code) {
      codes.insert(codes.end(), run.at(0).get<std::size_t>(), code);
    }
  }
  return codes;
}

void linearityPlot(Section& s, const std::string& role, const std::string& what) {
  const Json* j = fileOf(s.result(), role);
  if (j == nullptr || !at(*j, "/dnl_lsb_max").is_number()) return;
  const std::vector<std::int64_t> codes = linearityRecord(*j);
  const int bits = j->value("bits", 0);
  if (codes.size() < 16 || bits <= 0) return;
  metrics::CodeDensityOptions o;
  o.bits = bits;
  o.record = at(*j, "/ramp/histogram_runs").is_array() || j->value("record", "ramp") != "sine"
                 ? metrics::RecordKind::kRamp
                 : metrics::RecordKind::kSine;
  const metrics::CodeDensityResult cd = metrics::analyzeCodeDensity(codes, o);
  std::ostringstream missing;
  for (const std::int64_t c : cd.missing_codes) missing << c << " -1\n";
  if (cd.missing_codes.empty()) missing << "NaN NaN\n";
  Plot p;
  p.height_px = 460;
  p.data = {{"dnl.dat", curve(cd.first_code, cd.dnl_lsb)},
            {"inl.dat", curve(cd.first_code, cd.inl_best_fit_lsb)},
            {"miss.dat", missing.str()}};
  p.script = "set multiplot layout 2,1 title " +
             gq("Static linearity by code density, " + what + " (" + std::to_string(codes.size()) +
                " samples, " + fixed(cd.mean_count_per_code, 1) + " per code)") +
             "\nset grid\nset key top right box opaque\nset xlabel \"output code\"\n"
             "set offsets 0,0,0.05,0.05\n"
             "set ylabel \"DNL [LSB]\"\nplot @FILE(dnl.dat)@ using 1:2 with lines lc rgb "
             "'#1f77b4' title 'DNL (min/max per code bucket)', @FILE(miss.dat)@ using 1:2 with "
             "points pt 2 lc rgb '#d62728' title 'missing codes (at -1)'\nset ylabel \"INL "
             "[LSB]\"\nplot @FILE(inl.dat)@ using 1:2 with lines lc rgb '#ff7f0e' title 'INL "
             "(best-fit line)'\nunset multiplot\n";
  std::string figs = "DNL " + s.fig(role, "/dnl_lsb_min", 3) + " .. " +
                     s.fig(role, "/dnl_lsb_max", 3) + " LSB, INL " +
                     s.fig(role, "/inl_lsb_min", 3) + " .. " + s.fig(role, "/inl_lsb_max", 3) +
                     " LSB, missing codes " + s.fig(role, "/missing_codes", 0);
  if (cd.mean_count_per_code < metrics::kMinMeanCountPerCode) {
    figs += " (few samples per code: DNL is coarse)";
  }
  s.plot(std::move(p), "DNL and INL vs code (" + what + ")", figs);
}

void codeDifferencePlot(Section& s) {
  std::ostringstream script;
  std::vector<std::pair<std::string, std::string>> data;
  std::string figs;
  std::string plots;
  for (const auto& [role, label] : {std::pair<std::string, std::string>{"static", "static ramp"},
                                    {"static_sine", "static sine"}}) {
    const Json* j = fileOf(s.result(), role);
    if (j == nullptr || !j->contains("behavioural_codes")) continue;
    const std::vector<std::int64_t> spice = codesOf(*j);
    const std::vector<std::int64_t> model = codesOf(*j, "behavioural_codes");
    if (spice.size() != model.size() || spice.empty()) continue;
    std::vector<double> diff(spice.size());
    for (std::size_t i = 0; i < spice.size(); ++i) {
      diff[i] = static_cast<double>(spice[i] - model[i]);
    }
    const std::string file = role + ".diff";
    data.emplace_back(file, curve(0, diff));
    // The static ramp steps evenly over the input range; the static sine's samples are shown
    // by sample index scaled to [0, 1).
    plots += std::string(plots.empty() ? "plot " : ", ") + "@FILE(" + file + ")@ using ($1/" +
             std::to_string(spice.size()) + ".0):2 with lines lw 1.5 title " +
             gq("SPICE - model, " + label);
    figs += std::string(figs.empty() ? "" : "; ") + label + ": agreement " +
            s.fig(role, "/agreement", 4, 100.0) + " %, " + s.fig(role, "/differing_codes", 0) +
            " codes differ, at most by " + s.fig(role, "/max_code_difference", 0) + " LSB";
  }
  if (data.empty()) return;
  Plot p;
  p.data = data;
  p.script =
      "set title \"SPICE code minus behavioural-model code\"\nset grid\nset xlabel \"input "
      "(fraction of the record: ramp position or sine sample)\"\nset ylabel \"code difference "
      "[LSB]\"\nset yrange [*:*]\nset offsets 0,0,0.5,0.5\nset key top right box opaque\n" +
      plots + "\n";
  s.plot(std::move(p), "Behavioural vs SPICE code difference vs input", figs);
}

void stagePlot(Section& s) {
  const Json* j = fileOf(s.result(), "behavioural");
  if (j == nullptr) return;
  const Json stages = at(*j, "/stage_trace/stages");
  if (!stages.is_array() || stages.empty()) return;
  const std::size_t n = stages.size();
  const std::size_t cols = std::min<std::size_t>(4, n);
  const std::size_t rows = (n + cols - 1) / cols;
  Plot p;
  p.width_px = 960;
  p.height_px = static_cast<int>(330 * rows + 40);
  std::string script =
      "set multiplot layout " + std::to_string(rows) + "," + std::to_string(cols) +
      " title \"Per stage: sub-ADC decision and residue vs the stage's input "
      "(behavioural model, nominal cells)\"\nset grid\nset key outside "
      "bottom center horizontal font ',8'\nset xlabel \"stage input [V]\" font ',9'\nset ylabel "
      "\"residue [V]\" font ',9'\nset y2label \"decision\" font ',9'\nset "
      "ytics nomirror font ',8'\nset y2tics 1 font ',8'\nset xtics 0.2 font ',8'\n";
  std::size_t mismatches = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const Json& st = stages[k];
    const Json& vin = st["input_v"];
    const Json& dec = st["decision"];
    const Json& res = st["residue_v"];
    std::vector<std::size_t> order(vin.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return vin[a].get<double>() < vin[b].get<double>();
    });
    std::ostringstream d;
    for (const std::size_t i : order) {
      d << vin[i].get<double>() << ' ' << dec[i].get<int>() << ' '
        << (i < res.size() ? res[i].get<double>() : std::nan("")) << '\n';
    }
    const std::string file = "stage" + std::to_string(k) + ".dat";
    p.data.emplace_back(file, d.str());
    // SPICE: the decisions that differ from the model's (benches record only those), at the
    // model's input to the stage.
    std::ostringstream mm;
    for (const char* role : {"static", "static_sine"}) {
      const Json* bench = fileOf(s.result(), role);
      const Json list = bench != nullptr ? at(*bench, "/stage_decision_mismatches") : Json();
      for (const Json& m : list.is_array() ? list : Json::array()) {
        if (m.value("stage", std::size_t{0}) != k) continue;
        mm << m.value("stage_input_v", 0.0) << ' ' << m.value("spice", 0) << '\n';
        ++mismatches;
      }
    }
    const std::string mm_file = "spice" + std::to_string(k) + ".dat";
    p.data.emplace_back(mm_file, mm.str().empty() ? std::string("NaN NaN\n") : mm.str());
    const bool last = k + 1 == n;
    if (last) {  // no residue: the decision on the left axis
      script += "unset y2tics\nunset y2label\nset ylabel \"decision\" font ',9'\n";
    }
    script += "set title " +
              gq(last && n > 1 ? "flash (last stage)" : "stage " + std::to_string(k + 1)) +
              " font ',10'\nplot " +
              (last ? std::string()
                    : "@FILE(" + file +
                          ")@ using 1:3 axes x1y1 with lines lc rgb '#1f77b4' "
                          "title 'residue', ") +
              "@FILE(" + file + ")@ using 1:2 axes x1y" + (last ? "1" : "2") +
              " with steps lc rgb '#d62728' title 'decision', @FILE(" + mm_file +
              ")@ using 1:2 axes x1y" + (last ? "1" : "2") +
              " with points pt 2 ps 1.2 lc rgb '#000000' title 'SPICE decision where it "
              "differs'\n";
  }
  p.script = script + "unset multiplot\n";
  std::string agree;
  const Json* stat = fileOf(s.result(), "static");
  const Json sda = stat != nullptr ? at(*stat, "/stage_decision_agreement") : Json();
  for (std::size_t k = 0; sda.is_array() && k < sda.size(); ++k) {
    agree += std::string(agree.empty() ? "" : ", ") + std::to_string(k + 1) + ": " +
             s.fig("static", "/stage_decision_agreement/" + std::to_string(k), 2, 100.0) + " %";
  }
  s.plot(
      std::move(p), "Per-stage sub-ADC decisions and residues vs input",
      "Lines: the behavioural model over a ramp. Crosses: the " + std::to_string(mismatches) +
          " SPICE stage decisions (static ramp and static sine benches) that differ from the "
          "model's on the same input (the benches record only those), drawn at the model's "
          "input to that stage." +
          (agree.empty()
               ? std::string()
               : " SPICE static ramp, stage decisions as the model's, per stage: " + agree + "."));
}

// The ideal parts of the bench's deck, ", "-joined (bench results list them as ideal_elements,
// "b_res<i>: residue amplifiers ..."; the part after the colon), or "" when it had none.
std::string idealParts(const Result& r, const std::string& role) {
  const Json* j = fileOf(r, role);
  if (j == nullptr) return "";
  const Json ideal = at(*j, "/ideal_elements");
  if (!ideal.is_array()) return "";
  std::string what;
  for (const Json& e : ideal) {
    const std::string text = e.get<std::string>();
    const auto colon = text.find(": ");
    what +=
        (what.empty() ? "" : ", ") + (colon == std::string::npos ? text : text.substr(colon + 2));
  }
  return what;
}

// " - reference: ideal ..." for a row computed with ideal parts, else "".
std::string referenceLabel(const Result& r, const std::string& role) {
  const std::string parts = idealParts(r, role);
  return parts.empty() ? "" : " - reference: ideal " + parts;
}

// The buildable converter's power per stage, stacked by kind of block (each entry's `kind` and
// `stage`, as spice::buildableSupplies defines them; the shared vcm/vcmi references, stage null,
// as a last bar).
void buildablePowerPlot(Section& s, const Json& per_block) {
  std::map<int, std::array<double, 4>> rows;  // stage index; kSharedRow last
  constexpr int kSharedRow = std::numeric_limits<int>::max();
  for (const Json& b : per_block) {
    const std::string kind = b.value("kind", "");
    const std::size_t column = kind == "sub_adc"     ? 0
                               : kind == "amplifier" ? 1
                               : kind == "switches"  ? 2
                                                     : 3;
    const auto stage = b.find("stage");
    const int row = stage != b.end() && stage->is_number_integer() ? stage->get<int>() : kSharedRow;
    rows[row][column] += 1e6 * b.value("power_w", 0.0);
  }
  std::ostringstream d;
  for (const auto& [row, w] : rows) {
    const std::string label = row == kSharedRow ? "vcm refs" : "stage " + std::to_string(row + 1);
    d << '"' << label << "\" " << w[0] << ' ' << w[1] << ' ' << w[2] << ' ' << w[3] << '\n';
  }
  Plot p;
  p.height_px = 340;
  p.data = {{"power.dat", d.str()}};
  p.script =
      "set title \"Power per stage and block, SPICE buildable converter (every simulated "
      "transistor)\"\nset style data histograms\nset style histogram rowstacked\nset style fill "
      "solid 0.8 border -1\nset boxwidth 0.6\nset grid ytics\nset yrange [0:*]\nset ylabel "
      "\"power [µW]\"\nset key top right box opaque\nplot @FILE(power.dat)@ using 2:xtic(1) "
      "title 'NN sub-ADC (inverters + RRAM)' lc rgb '#9467bd', '' using 3 title 'amplifier (OTA, "
      "CMFB, bias)' lc rgb '#1f77b4', '' using 4 title 'bootstrapped switches' lc rgb '#2ca02c', "
      "'' using 5 title 'references' lc rgb '#ff7f0e'\n";
  s.plot(std::move(p), "Power per stage and block (buildable converter)",
         "total " + s.fig("buildable", "/power_w", 3, 1e3) +
             " mW, every simulated transistor; the ideal elements (input, references, clocks, "
             "latches and decoders) are not counted");
}

void powerPlot(Section& s) {
  if (const Json* b = fileOf(s.result(), "buildable");
      b != nullptr && b->contains("power_per_block") && (*b)["power_per_block"].is_array() &&
      !(*b)["power_per_block"].empty()) {
    buildablePowerPlot(s, (*b)["power_per_block"]);
  }
  const std::string role = fileOf(s.result(), "transient") != nullptr ? "transient" : "static";
  const Json* j = fileOf(s.result(), role);
  if (j == nullptr || !j->contains("power_per_stage_w") || (*j)["power_per_stage_w"].empty()) {
    return;
  }
  const std::string reference = referenceLabel(s.result(), role).empty()
                                    ? std::string()
                                    : " - reference: the ideal parts draw none";
  const Json& per = (*j)["power_per_stage_w"];
  std::ostringstream d;
  for (std::size_t i = 0; i < per.size(); ++i) {
    const bool last = i + 1 == per.size() && per.size() > 1;
    d << i << " \"" << (last ? "flash" : "stage " + std::to_string(i + 1)) << "\" "
      << per[i].get<double>() * 1e6 << '\n';
  }
  Plot p;
  p.height_px = 320;
  p.data = {{"power.dat", d.str()}};
  p.script =
      "set title " +
      gq("Power per stage, SPICE " + role + " (NN sub-ADC: inverters + RRAM)" + reference) +
      "\nset style fill solid 0.7 border -1\nset boxwidth 0.6\nset grid ytics\nset yrange "
      "[0:*]\nset offsets 0.5,0.5,graph 0.3,0\nset xlabel \"block\"\nset ylabel \"power [µW]\"\n"
      "set key top right box opaque\n"
      "plot @FILE(power.dat)@ using 1:3:xtic(2) with boxes lc rgb '#9467bd' title 'NN sub-ADC "
      "(inverters + RRAM)', '' using 1:3:(sprintf('%.0f',$3)) with labels offset 0,0.7 "
      "notitle\n";
  std::string figs = "total " + s.fig(role, "/power_w", 3, 1e3) + " mW";
  if (j->contains("power_note")) figs += "; " + escape((*j)["power_note"].get<std::string>());
  s.plot(std::move(p), "Power per stage and block" + reference, figs);
}

void fomPlot(Section& s) {
  // The buildable converter is the design's point; the ideal-amplifier transient a reference.
  const auto point = [&](const std::string& role) -> std::string {
    const Json* j = fileOf(s.result(), role);
    if (j == nullptr || !at(*j, "/fom_walden_j").is_number() || !at(*j, "/fs_hz").is_number() ||
        !at(*j, "/fom_schreier_db").is_number()) {
      return "";
    }
    std::ostringstream row;
    row << at(*j, "/fs_hz").get<double>() << ' ' << at(*j, "/fom_walden_j").get<double>() * 1e15
        << ' ' << at(*j, "/fom_schreier_db").get<double>() << '\n';
    return row.str();
  };
  const std::string built = point("buildable");
  const std::string tran = point("transient");
  if (built.empty() && tran.empty()) return;
  std::ostringstream survey;
  for (const SurveyPoint& sp : kSurvey) {
    survey << sp.fs_hz << ' ' << sp.walden_j * 1e15 << ' ' << sp.schreier_db << " \"" << sp.name
           << "\"\n";
  }
  const std::string ideal = idealParts(s.result(), "transient");
  const bool reference = !ideal.empty() || !built.empty();
  const std::string tran_title =
      reference ? "reference: ideal amplifiers (their power not counted)" : "this design";
  Plot p;
  p.width_px = 900;
  p.height_px = 380;
  p.data = {{"survey.dat", survey.str()}};
  std::string self_walden;
  std::string self_schreier;
  if (!built.empty()) {
    p.data.emplace_back("built.dat", built);
    self_walden +=
        ", @FILE(built.dat)@ using 1:2 with points pt 7 ps 1.6 lc rgb '#d62728' title "
        "'this design (buildable, SPICE)'";
    self_schreier +=
        ", @FILE(built.dat)@ using 1:3 with points pt 7 ps 1.6 lc rgb '#d62728' "
        "title 'this design (buildable, SPICE)'";
  }
  if (!tran.empty()) {
    p.data.emplace_back("tran.dat", tran);
    self_walden += ", @FILE(tran.dat)@ using 1:2 with points pt 6 ps 1.6 lc rgb '#7f7f7f' title " +
                   gq(tran_title);
    self_schreier +=
        ", @FILE(tran.dat)@ using 1:3 with points pt 6 ps 1.6 lc rgb '#7f7f7f' "
        "title " +
        gq(tran_title);
  }
  p.script =
      "set multiplot layout 1,2 title \"Figures of merit among published converters (best "
      "pipelined SAR: 73.9 dB, 50 MS/s, 360 µW; best pure pipeline: 28 nm, 1 GS/s, 68.2 dB; "
      "PAPERS.md)\"\nset logscale x\nset grid\n"
      "set xrange [1e6:1e10]\nset xlabel \"sample rate f_s [Hz]\"\nset key top right box "
      "opaque font ',9'\nset format x '10^{%L}'\n"
      "set logscale y\nset ylabel \"Walden FoM [fJ/conv-step]\"\nset yrange [0.5:1000]\n"
      "plot " +
      fixed(eval::kSurveyBestPipelinedSarWaldenJ * 1e15, 2) +
      " with lines dt 2 lc rgb '#7f7f7f' title 'survey best (Walden)', @FILE(survey.dat)@ using "
      "1:2 with points pt 5 lc rgb '#1f77b4' title 'survey records', @FILE(survey.dat)@ using "
      "1:2:4 with labels font ',8' offset 0,-1 notitle" +
      self_walden +
      "\nunset logscale y\nset ylabel \"Schreier FoM [dB]\"\nset yrange [120:195]\nplot " +
      fixed(eval::kSurveySchreierEnvelopeDb, 1) +
      " with lines dt 2 lc rgb '#7f7f7f' title 'survey envelope (186.7 dB)', @FILE(survey.dat)@ "
      "using 1:3 with points pt 5 lc rgb '#1f77b4' title 'survey records', @FILE(survey.dat)@ "
      "using 1:3:4 with labels font ',8' offset 0,-1 notitle" +
      self_schreier + "\nunset multiplot\n";
  std::string figs;
  if (!built.empty()) {
    figs += "Buildable converter (SPICE, every simulated transistor, noise on): Walden " +
            s.fig("buildable", "/fom_walden_j", 2, 1e15) + " fJ/conv-step, Schreier " +
            s.fig("buildable", "/fom_schreier_db", 1) + " dB at " +
            s.fig("buildable", "/fs_hz", 1, 1e-6) + " MS/s. ";
  }
  if (!tran.empty()) {
    figs += std::string(reference ? "Reference (ideal-amplifier transient, not a buildable "
                                    "figure: its power leaves out its ideal parts" +
                                        (ideal.empty() ? std::string() : " " + ideal) + "): "
                                  : "") +
            "Walden " + s.fig("transient", "/fom_walden_j", 2, 1e15) + " fJ/conv-step, Schreier " +
            s.fig("transient", "/fom_schreier_db", 1) + " dB at " +
            s.fig("transient", "/fs_hz", 1, 1e-6) + " MS/s. ";
  }
  figs +=
      "Survey: best pipelined SAR 1.78 fJ / 182.3 dB, best pure pipeline 7.28 fJ / 173.3 dB, "
      "Schreier envelope 186.7 dB (PAPERS.md quoting the Murmann ADC survey).";
  s.plot(std::move(p), "FoM among published converters", figs);
}

/// A histogram of per-die ENOB with the spec as a dashed line (eval --draws and mc campaigns).
Plot enobHistogram(const std::vector<double>& enob, double spec, const std::string& title) {
  const auto [lo_it, hi_it] = std::minmax_element(enob.begin(), enob.end());
  const double lo = std::min(*lo_it, spec) - 0.05;
  const double hi = *hi_it + 0.05;
  const double width = (hi - lo) / kHistogramBins;
  std::vector<int> counts(kHistogramBins, 0);
  for (const double e : enob) {
    const int b = std::clamp(static_cast<int>((e - lo) / width), 0, kHistogramBins - 1);
    ++counts[static_cast<std::size_t>(b)];
  }
  std::ostringstream d;
  for (int b = 0; b < kHistogramBins; ++b) {
    d << lo + (b + 0.5) * width << ' ' << counts[static_cast<std::size_t>(b)] << '\n';
  }
  Plot p;
  p.height_px = 320;
  p.data = {{"mc.dat", d.str()}};
  p.script = "set title " + gq(title) + "\nset style fill solid 0.6 border -1\nset boxwidth " +
             fixed(width * 0.9, 6) +
             "\nset grid\nset xlabel \"ENOB [bits]\"\nset ylabel \"dies\"\nset yrange [0:*]\n"
             "set xrange [" +
             fixed(lo, 3) + ":" + fixed(hi, 3) + "]\nset arrow 1 from " + fixed(spec, 3) +
             ", graph 0 to " + fixed(spec, 3) +
             ", graph 1 nohead lw 2 dt 2 lc rgb '#d62728'\nset key top left box opaque\n"
             "plot @FILE(mc.dat)@ using 1:2 with boxes lc rgb '#1f77b4' title 'dies per bin', "
             "NaN with lines lw 2 dt 2 lc rgb '#d62728' title " +
             gq("spec: ENOB >= " + fixed(spec, 2) + " bits") + "\n";
  return p;
}

void monteCarloPlot(Section& s, const ReportOptions& options) {
  const Json* j = fileOf(s.result(), "behavioural");
  if (j == nullptr || !j->contains("variation")) return;
  const Json& v = (*j)["variation"];
  std::vector<double> enob;
  for (const Json& e : v.value("enob", Json::array())) enob.push_back(e.get<double>());
  if (enob.empty()) return;
  const int bits = j->value("bits", 0);
  const double spec = bits - options.enob_spec_margin_bits;
  const auto n = static_cast<double>(enob.size());
  const auto pass = static_cast<double>(
      std::count_if(enob.begin(), enob.end(), [&](double e) { return e >= spec; }));
  // Wilson score interval (95 %): well-behaved at yields of 0 and 1, unlike the normal one.
  const double y = pass / n;
  const double z2 = kZ95 * kZ95;
  const double centre = (y + z2 / (2 * n)) / (1 + z2 / n);
  const double half = kZ95 * std::sqrt(y * (1 - y) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  Plot p = enobHistogram(enob, spec,
                         "Monte-Carlo ENOB, " + std::to_string(enob.size()) + " dies, RRAM sigma " +
                             fixed(v.value("sigma", 0.0) * 100, 1) + " %");
  std::vector<std::size_t> order(enob.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return enob[a] < enob[b]; });
  std::string worst;
  for (std::size_t k = 0; k < std::min(kWorstDies, order.size()); ++k) {
    const std::size_t i = order[k];
    worst += std::string(worst.empty() ? "" : ", ") + "die " + std::to_string(i) + " (seed " +
             std::to_string(v.value("seed", 0ULL) + i) +
             "): " + s.fig("behavioural", "/variation/enob/" + std::to_string(i), 3);
  }
  const std::string figs =
      "median " + s.fig("behavioural", "/variation/median_enob", 3) + ", 10th percentile " +
      s.fig("behavioural", "/variation/p10_enob", 3) + ", min " +
      s.fig("behavioural", "/variation/min_enob", 3) + " bits; yield (ENOB &ge; " + fixed(spec, 2) +
      ") " + fixed(100 * y, 1) + " % (" + fixed(pass, 0) + "/" + fixed(n, 0) +
      ", 95 % Wilson interval " + fixed(100 * std::max(0.0, centre - half), 1) + "-" +
      fixed(100 * std::min(1.0, centre + half), 1) + " %); worst dies: " + worst +
      ". The behavioural study records ENOB per die only: a campaign (nnadc mc) records every "
      "metric per die against a spec.";
  s.plot(std::move(p), "Monte-Carlo: ENOB histogram, yield, worst dies", figs);
}

/// An `nnadc mc` campaign: its ENOB histogram against the spec, the yield with the interval the
/// campaign computed, and its worst dies with their seeds.
void campaignPlot(Section& s) {
  const Json* j = fileOf(s.result(), "mc");
  if (j == nullptr) return;
  std::vector<double> enob;
  for (const Json& e :
       at(*j, "/histogram_data/enob").is_array() ? at(*j, "/histogram_data/enob") : Json::array()) {
    enob.push_back(e.get<double>());
  }
  if (enob.empty()) return;
  const Json spec_min = at(*j, "/spec/criteria/enob/min");
  const double spec =
      spec_min.is_number() ? spec_min.get<double>() : *std::min_element(enob.begin(), enob.end());
  Plot p = enobHistogram(enob, spec,
                         "Monte-Carlo campaign ENOB, " + std::to_string(enob.size()) + " dies");
  std::string worst;
  for (const Json& w : j->value("worst_dies", Json::array())) {
    worst += std::string(worst.empty() ? "" : ", ") + "die " + std::to_string(w.value("die", 0)) +
             " (seed " + std::to_string(w.value("seed", 0ULL)) + ", " +
             (w.value("pass", false) ? "pass" : "fail") + ")";
  }
  const std::string figs =
      "yield " + s.fig("mc", "/yield", 1, 100.0) + " % (" + s.fig("mc", "/passed", 0) + "/" +
      s.fig("mc", "/dies", 0) + ", " + s.fig("mc", "/confidence", 0, 100.0) +
      " % Wilson interval " + s.fig("mc", "/yield_wilson/0", 1, 100.0) + "-" +
      s.fig("mc", "/yield_wilson/1", 1, 100.0) + " %, Clopper-Pearson " +
      s.fig("mc", "/yield_clopper_pearson/0", 1, 100.0) + "-" +
      s.fig("mc", "/yield_clopper_pearson/1", 1, 100.0) + " %); median ENOB " +
      s.fig("mc", "/statistics/enob/median", 3) + ", 5th percentile " +
      s.fig("mc", "/statistics/enob/p5", 3) + " bits; worst dies: " + worst + ".";
  s.plot(std::move(p), "Monte-Carlo campaign: ENOB histogram, yield, worst dies", figs);
}

void trainingPlot(Section& s) {
  const Json* j = fileOf(s.result(), "design");
  if (j == nullptr) return;
  const Json h = at(*j, "/training/history");
  if (!h.is_array() || h.empty()) {
    if (j->contains("training")) {
      s.note(
          "<p class=\"note\">Training curves: this design's file records no per-iteration "
          "history (pipeline training records per-stage results only).</p>");
    }
    return;
  }
  std::ostringstream d;
  for (const Json& e : h) {
    d << e.value("iteration", 0) << ' ' << e.value("loss", 0.0) << ' ' << e.value("ramp_enob", 0.0)
      << '\n';
  }
  Plot p;
  p.data = {{"train.dat", d.str()}};
  p.script =
      "set title \"Training\"\nset grid\nset xlabel \"iteration\"\nset ylabel \"loss\"\nset "
      "logscale y\nset y2label \"ramp ENOB [bits]\"\nset y2tics\nset ytics nomirror\nset key "
      "center right box opaque\nplot @FILE(train.dat)@ using 1:2 with lines lc rgb '#1f77b4' "
      "title 'loss', '' using 1:3 axes x1y2 with lines lc rgb '#d62728' title 'ramp ENOB'\n";
  s.plot(std::move(p), "Training curves (loss and ENOB vs iteration)",
         "trained ramp ENOB " + s.fig("design", "/training/trained_ramp_enob", 3) +
             " bits, refined " + s.fig("design", "/training/refined_ramp_enob", 3) + " bits");
}

void axtrainPlot(Section& s) {
  const Json* j = fileOf(s.result(), "axtrain");
  if (j == nullptr || !j->contains("models")) return;
  const Json& models = (*j)["models"];
  std::vector<std::string> modes;
  for (const Json& m : models) {
    for (const Json& r : m.value("modes", Json::array())) {
      const std::string mode = r.value("mode", "");
      if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
    }
  }
  if (modes.empty()) return;
  std::vector<std::pair<std::string, std::string>> data;
  std::string plots;
  std::string figs;
  for (std::size_t k = 0; k < modes.size(); ++k) {
    std::ostringstream d;
    for (std::size_t i = 0; i < models.size(); ++i) {
      for (std::size_t r = 0; r < models[i].value("modes", Json::array()).size(); ++r) {
        const Json& mr = models[i]["modes"][r];
        if (mr.value("mode", "") != modes[k]) continue;
        d << static_cast<double>(i) +
                 0.08 * (static_cast<double>(k) - static_cast<double>(modes.size() - 1) / 2)
          << ' ' << 100 * mr.value("hw_accuracy_mean", 0.0) << ' '
          << 100 * mr.value("hw_accuracy_std", 0.0) << " \"" << models[i].value("model", "?")
          << "\"\n";
        figs += std::string(figs.empty() ? "" : ", ") + models[i].value("model", "?") + " " +
                modes[k] + " " +
                s.fig("axtrain",
                      "/models/" + std::to_string(i) + "/modes/" + std::to_string(r) +
                          "/hw_accuracy_mean",
                      2, 100.0) +
                " %";
      }
    }
    const std::string file = "ax" + std::to_string(k) + ".dat";
    data.emplace_back(file, d.str());
    plots += std::string(plots.empty() ? "plot " : ", ") + "@FILE(" + file + ")@ using 1:2:3" +
             (k == 0 ? ":xtic(4)" : "") + " with yerrorbars pt 7 ps 1.3 title " + gq(modes[k]);
  }
  Plot p;
  p.data = data;
  p.script =
      "set title \"AxTrain: accuracy on approximate hardware per error model and mode\"\n"
      "set grid\nset xlabel \"error model (error level)\"\nset ylabel \"accuracy "
      "[%] (mean +- std over draws)\"\nset xrange [-0.5:" +
      std::to_string(models.size()) + "-0.5]\nset key bottom left box opaque\n" + plots + "\n";
  s.plot(std::move(p), "Accuracy vs error level per mode",
         "baseline (exact) " + s.fig("axtrain", "/baseline_accuracy", 2, 100.0) + " %; " + figs);
}

// -- sections ---------------------------------------------------------------------------------

void figureTable(Section& s) {
  const Result& r = s.result();
  if (fileOf(r, "mc") != nullptr) {
    s.row("Monte-Carlo dies / yield / Wilson interval / median ENOB",
          s.td("mc", "/dies", 0) + s.td("mc", "/yield", 1, 100.0, "%") + "<td>" +
              s.fig("mc", "/yield_wilson/0", 1, 100.0) + "-" +
              s.fig("mc", "/yield_wilson/1", 1, 100.0) + " %</td>" +
              s.td("mc", "/statistics/enob/median", 3, 1, "bits"));
  }
  if (fileOf(r, "buildable") != nullptr) {
    const bool calibrated = at(*fileOf(r, "buildable"), "/calibrated") == Json(true);
    s.row(std::string("SPICE buildable converter (transistor-level residue path, noise on") +
              (calibrated ? ", SPICE-calibrated" : ", uncalibrated") + "): ENOB / SNDR / SFDR",
          s.td("buildable", "/enob", 3, 1, "bits") + s.td("buildable", "/sndr_db", 2, 1, "dB") +
              s.td("buildable", "/sfdr_db", 2, 1, "dB"));
    s.row("SPICE buildable converter: power (every simulated transistor) / Walden / Schreier",
          s.td("buildable", "/power_w", 3, 1e3, "mW") +
              s.td("buildable", "/fom_walden_j", 2, 1e15, "fJ/conv-step") +
              s.td("buildable", "/fom_schreier_db", 1, 1, "dB"));
    s.row("SPICE buildable converter: ENOB with the design's table / model ENOB (same noise)",
          (calibrated ? s.td("buildable", "/uncalibrated_enob", 3, 1, "bits")
                      : s.td("buildable", "/enob", 3, 1, "bits")) +
              s.td("buildable", "/behavioural_enob", 3, 1, "bits"));
  }
  if (fileOf(r, "behavioural") != nullptr) {
    s.row("behavioural ENOB (sine) / SNDR / SFDR", s.td("behavioural", "/enob", 3, 1, "bits") +
                                                       s.td("behavioural", "/sndr_db", 2, 1, "dB") +
                                                       s.td("behavioural", "/sfdr_db", 2, 1, "dB"));
    s.row("behavioural DNL max / INL max / missing codes",
          s.td("behavioural", "/dnl_lsb_max", 3, 1, "LSB") +
              s.td("behavioural", "/inl_lsb_max", 3, 1, "LSB") +
              s.td("behavioural", "/missing_codes", 0));
  }
  if (fileOf(r, "static") != nullptr) {
    s.row("SPICE static ramp: ENOB / model ENOB / agreement" + referenceLabel(r, "static"),
          s.td("static", "/ramp_enob", 3, 1, "bits") +
              s.td("static", "/behavioural_ramp_enob", 3, 1, "bits") +
              s.td("static", "/agreement", 2, 100.0, "%"));
  }
  if (fileOf(r, "static_sine") != nullptr) {
    s.row("SPICE static sine: ENOB / model ENOB / SFDR" + referenceLabel(r, "static_sine"),
          s.td("static_sine", "/enob", 3, 1, "bits") +
              s.td("static_sine", "/behavioural_enob", 3, 1, "bits") +
              s.td("static_sine", "/sfdr_db", 2, 1, "dB"));
  }
  if (fileOf(r, "transient") != nullptr) {
    s.row("SPICE transient: ENOB / SNDR / SFDR" + referenceLabel(r, "transient"),
          s.td("transient", "/enob", 3, 1, "bits") + s.td("transient", "/sndr_db", 2, 1, "dB") +
              s.td("transient", "/sfdr_db", 2, 1, "dB"));
    s.row("SPICE transient: power / Walden / Schreier" +
              (referenceLabel(r, "transient").empty()
                   ? std::string()
                   : " - reference: power of the NN sub-ADCs only; the ideal parts draw none"),
          s.td("transient", "/power_w", 3, 1e3, "mW") +
              s.td("transient", "/fom_walden_j", 2, 1e15, "fJ/conv-step") +
              s.td("transient", "/fom_schreier_db", 1, 1, "dB"));
  }
  if (fileOf(r, "metrics") != nullptr) {
    s.row("ENOB / SNDR / SFDR", s.td("metrics", "/enob", 3, 1, "bits") +
                                    s.td("metrics", "/sndr_db", 2, 1, "dB") +
                                    s.td("metrics", "/sfdr_db", 2, 1, "dB"));
    s.row("DNL max / INL max / missing codes", s.td("metrics", "/dnl_lsb_max", 3, 1, "LSB") +
                                                   s.td("metrics", "/inl_lsb_max", 3, 1, "LSB") +
                                                   s.td("metrics", "/missing_codes", 0));
  }
  if (fileOf(r, "axtrain") != nullptr) {
    s.row("baseline accuracy (exact hardware)", s.td("axtrain", "/baseline_accuracy", 2, 100, "%"));
  }
}

void buildSection(Section& s, const ReportOptions& options) {
  figureTable(s);
  spectrumPlot(s, "buildable", "SPICE buildable converter (noise on)");
  spectrumPlot(s, "transient",
               referenceLabel(s.result(), "transient").empty()
                   ? "SPICE transient"
                   : "SPICE transient (reference: ideal parts, listed above)");
  spectrumPlot(s, "static_sine", "SPICE static sine");
  linearityPlot(s, "behavioural", "behavioural ramp");
  linearityPlot(s, "static", "SPICE static ramp");
  spectrumPlot(s, "metrics", "code record");
  linearityPlot(s, "metrics", "code record");
  codeDifferencePlot(s);
  stagePlot(s);
  powerPlot(s);
  fomPlot(s);
  monteCarloPlot(s, options);
  campaignPlot(s);
  trainingPlot(s);
  axtrainPlot(s);
}

constexpr const char* kStyle = R"(body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;
max-width:960px;color:#222}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left}th{background:#f4f4f4;font-weight:normal}figure{margin:1.5em 0}
figcaption{font-weight:bold;margin-bottom:4px}.figs{margin:4px 0 0;font-size:.95em}
.note{color:#555;font-style:italic}code{background:#f4f4f4}svg{max-width:100%;height:auto})";

/// The page's one script: records script errors and counts drawn plots as attributes on <html>,
/// which a headless browser's --dump-dom shows (tests/cli/report_test.cpp reads them). A plot is
/// drawn when gnuplot's data groups (id gnuplot_plot_*) hold a line of several vertices (a path
/// longer than a legend sample's) or points beyond a legend sample: axes alone do not count.
constexpr const char* kScript = R"(window.onerror=function(m){var h=document.documentElement;
h.setAttribute('data-script-errors',(h.getAttribute('data-script-errors')||'')+m+';');};
document.addEventListener('DOMContentLoaded',function(){var s=document.querySelectorAll(
'figure svg'),n=0;s.forEach(function(v){var g=v.querySelectorAll('[id*="gnuplot_plot_"]'),
line=false,pts=0;g.forEach(function(e){e.querySelectorAll('path').forEach(function(p){
if((p.getAttribute('d')||'').length>60)line=true;});pts+=e.querySelectorAll('use').length;});
if(line||pts>=2)n++;});var h=document.documentElement;h.setAttribute('data-plots',s.length);
h.setAttribute('data-plots-drawn',n);h.setAttribute('data-loaded','1');});)";

}  // namespace

std::string renderReport(const std::vector<Result>& results, const ReportOptions& options) {
  std::vector<Plot> plots;
  std::vector<std::unique_ptr<Section>> sections;
  for (std::size_t i = 0; i < results.size(); ++i) {
    sections.push_back(std::make_unique<Section>(results[i], plots, static_cast<int>(i)));
    buildSection(*sections.back(), options);
  }
  const std::vector<std::string> svgs = renderSvgs(plots);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
       << escape(options.title) << "</title>\n<style>" << kStyle << "</style>\n<script>" << kScript
       << "</script>\n</head><body>\n<h1>" << escape(options.title) << "</h1>\n"
       << "<p>nnadc " << kToolVersion << "; " << results.size()
       << " result(s). Figures are quoted from the result files named; plots are drawn from the "
          "records they hold.</p>\n";
  for (const auto& sp : sections) {
    const Section& s = *sp;
    html << "<section data-kind=\"" << s.result().kind << "\"><h2>" << escape(s.result().kind)
         << ": <code>" << escape(s.result().path.string()) << "</code></h2>\n";
    const std::string table = s.table();
    if (!table.empty()) html << "<table>\n" << table << "</table>\n";
    for (const Section::Block& b : s.blocks()) {
      if (b.plot == Section::kNoPlot) {
        html << b.html << '\n';
        continue;
      }
      // Each SVG's ids are made unique in the page (gnuplot names them alike in every plot).
      std::string svg = svgs[b.plot];
      const std::string prefix = plots[b.plot].id + "_";
      for (const std::string_view key : {"id='", "href='#", "id=\"", "href=\"#"}) {
        std::size_t pos = 0;
        while ((pos = svg.find(key, pos)) != std::string::npos) {
          svg.insert(pos + key.size(), prefix);
          pos += key.size() + prefix.size();
        }
      }
      html << "<figure id=\"" << plots[b.plot].id << "\"><figcaption>" << escape(b.caption)
           << "</figcaption>\n"
           << svg << "\n<p class=\"figs\">" << b.html << "</p></figure>\n";
    }
    html << "</section>\n";
  }
  html << "</body></html>\n";
  return html.str();
}

std::size_t writeReport(const std::vector<std::filesystem::path>& inputs,
                        const std::filesystem::path& output, const ReportOptions& options) {
  std::vector<Result> results;
  results.reserve(inputs.size());
  for (const auto& p : inputs) results.push_back(readResult(p));
  const std::string page = renderReport(results, options);
  io::writeOutput(output, page);
  return page.size();
}

std::size_t writeFlowReport(const std::filesystem::path& build_dir,
                            const std::filesystem::path& shown_as) {
  Result r = readResult(build_dir);
  r.path = shown_as;
  ReportOptions options;
  options.title = "nnadc flow report";
  const std::string page = renderReport({r}, options);
  io::writeFileAtomic(build_dir / "report.html", page);
  return page.size();
}

}  // namespace nnadc::report
