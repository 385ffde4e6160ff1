#include "nnadc/io/metrics_json.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/file.h"
#include "nnadc/metrics/power.h"
#include "nnadc/metrics/record.h"

namespace nnadc::io {

namespace {

/// Largest double magnitude below which every integer is exact (2^53).
constexpr double kMaxExactInteger = 9007199254740992.0;

/// `value` with `digits` decimals, as printf "%.*f" writes it; "n/a" where no figure applies
/// (NaN, e.g. the DNL of a 1-bit record, as the JSON's null).
std::string fixed(double value, int digits) {
  if (std::isnan(value)) return "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

Json number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json number(const std::optional<double>& value) { return value ? number(*value) : Json(nullptr); }

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

/// Converts one numeric token to a code; `where` names it ("'f.csv' line 3").
std::int64_t toCode(std::string_view token, const std::string& where) {
  if (const auto integer = parseInteger(token)) return *integer;
  const auto value = parseDouble(token);
  if (!value) {
    throw InputError("NNADC-MET-007", where + ": " + quoted(trim(token)) + " is not a number");
  }
  if (!std::isfinite(*value)) {
    throw InputError("NNADC-MET-002", where + ": " + quoted(trim(token)) + " is not finite");
  }
  if (std::trunc(*value) != *value || std::abs(*value) >= kMaxExactInteger) {
    throw InputError("NNADC-MET-015",
                     where + ": " + quoted(trim(token)) + " is not an integer code");
  }
  return static_cast<std::int64_t>(*value);
}

void checkRange(std::int64_t code, std::optional<int> bits, const std::string& where) {
  if (!bits) return;
  const std::int64_t limit = std::int64_t{1} << *bits;
  if (code < 0 || code >= limit) {
    throw InputError("NNADC-MET-003", where + ": code " + std::to_string(code) +
                                          " is outside [0, " + std::to_string(limit) + ") for " +
                                          std::to_string(*bits) + " bits");
  }
}

std::vector<std::int64_t> parseJsonCodes(std::string_view text, const std::string& source,
                                         std::optional<int> bits) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError("NNADC-IO-003", "'" + source + "' is not valid JSON at byte " +
                                         std::to_string(e.byte) + ": " + e.what());
  }
  if (root.is_object() && root.contains("codes")) root = root["codes"];
  if (!root.is_array()) {
    throw InputError("NNADC-MET-008", "'" + source + "' holds a JSON " + root.type_name() +
                                          "; expected an array of integer codes");
  }
  std::vector<std::int64_t> codes;
  codes.reserve(root.size());
  for (std::size_t i = 0; i < root.size(); ++i) {
    const Json& element = root[i];
    const std::string where = "'" + source + "' element " + std::to_string(i);
    std::int64_t code = 0;
    if (element.is_number_integer()) {
      if (element.is_number_unsigned() &&
          element.get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw InputError("NNADC-MET-015", where + " is too large for a code");
      }
      code = element.get<std::int64_t>();
    } else if (element.is_number_float()) {
      code = toCode(element.dump(), where);
    } else {
      throw InputError("NNADC-MET-008", where + " is a " + std::string(element.type_name()) +
                                            "; expected an integer code");
    }
    checkRange(code, bits, where);
    codes.push_back(code);
  }
  return codes;
}

// Calls fn(line, where) for every non-blank line not starting with '#', trimmed; `where` names
// the source and the 1-based line number for error messages.
template <typename Fn>
void forEachDataLine(std::string_view text, const std::string& source, Fn&& fn) {
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    fn(line, "'" + source + "' line " + std::to_string(line_number));
  }
}

std::vector<std::int64_t> parseCsvCodes(std::string_view text, const std::string& source,
                                        std::optional<int> bits) {
  std::vector<std::int64_t> codes;
  forEachDataLine(text, source, [&](std::string_view line, const std::string& where) {
    const std::int64_t code = toCode(line, where);
    checkRange(code, bits, where);
    codes.push_back(code);
  });
  return codes;
}

std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    const bool separator =
        i == line.size() || line[i] == ',' || line[i] == ';' || line[i] == ' ' || line[i] == '\t';
    if (!separator) continue;
    if (i > start) fields.push_back(line.substr(start, i - start));
    start = i + 1;
  }
  return fields;
}

Json harmonicsJson(const metrics::SpectrumResult& spectrum, const std::optional<double>& fs_hz) {
  Json list = Json::array();
  for (const metrics::Harmonic& h : spectrum.harmonics) {
    Json j;
    j["order"] = h.order;
    j["bin"] = h.peak_bin;
    j["frequency_hz"] =
        fs_hz ? number(h.bin / static_cast<double>(spectrum.samples) * *fs_hz) : Json(nullptr);
    j["dbc"] = number(h.dbc);
    j["counted"] = h.counted;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

std::vector<std::int64_t> parseCodeRecord(std::string_view text, const std::string& source,
                                          std::optional<int> bits) {
  if (bits) metrics::requireBits(*bits);
  const std::string_view body = trim(text);
  std::vector<std::int64_t> codes = (!body.empty() && (body.front() == '[' || body.front() == '{'))
                                        ? parseJsonCodes(body, source, bits)
                                        : parseCsvCodes(text, source, bits);
  if (codes.empty()) {
    throw InputError("NNADC-MET-001", "'" + source + "' holds no codes");
  }
  return codes;
}

std::vector<std::int64_t> readCodeRecord(const std::filesystem::path& path,
                                         std::optional<int> bits) {
  return parseCodeRecord(readTextFile(path), path.string(), bits);
}

SupplyWaveform parseSupplyWaveform(std::string_view text, const std::string& source) {
  SupplyWaveform waveform;
  std::size_t columns = 0;
  forEachDataLine(text, source, [&](std::string_view line, const std::string& where) {
    const std::vector<std::string_view> fields = splitFields(line);
    if (columns == 0) {
      columns = fields.size();
      if (columns < 1 || columns > 3) {
        throw InputError("NNADC-MET-010", where + " has " + std::to_string(columns) +
                                              " columns; expected current, time+current or " +
                                              "time+voltage+current");
      }
    } else if (fields.size() != columns) {
      throw InputError("NNADC-MET-010", where + " has " + std::to_string(fields.size()) +
                                            " columns but earlier lines have " +
                                            std::to_string(columns));
    }
    double values[3] = {};
    for (std::size_t c = 0; c < columns; ++c) {
      const auto value = parseDouble(fields[c]);
      if (!value) {
        throw InputError("NNADC-MET-007", where + ": " + quoted(fields[c]) + " is not a number");
      }
      values[c] = *value;
    }
    if (columns >= 2) waveform.time_s.push_back(values[0]);
    if (columns == 3) waveform.voltage_v.push_back(values[1]);
    waveform.current_a.push_back(values[columns - 1]);
  });
  if (waveform.current_a.size() < 2) {
    throw InputError("NNADC-MET-001", "'" + source + "' holds " +
                                          std::to_string(waveform.current_a.size()) +
                                          " waveform samples; at least 2 are needed");
  }
  return waveform;
}

SupplyWaveform readSupplyWaveform(const std::filesystem::path& path) {
  return parseSupplyWaveform(readTextFile(path), path.string());
}

Json metricsJson(const metrics::Analysis& analysis, bool tables) {
  const auto& spectrum = analysis.spectrum;
  const auto& density = analysis.code_density;
  const auto& fom = analysis.fom;
  const bool best_fit = analysis.inl_reference == metrics::InlReference::kBestFit;
  Json j = Json::object();
  // CLI.md contract fields, in its order.
  j["enob"] = spectrum ? number(spectrum->enob) : Json(nullptr);
  j["sndr_db"] = spectrum ? number(spectrum->sndr_db) : Json(nullptr);
  j["snr_db"] = spectrum ? number(spectrum->snr_db) : Json(nullptr);
  j["thd_db"] = spectrum ? number(spectrum->thd_db) : Json(nullptr);
  j["sfdr_db"] = spectrum ? number(spectrum->sfdr_db) : Json(nullptr);
  j["enob_sinefit"] = number(analysis.enob_sinefit);
  j["dnl_lsb_min"] = number(density.dnl_min_lsb);
  j["dnl_lsb_max"] = number(density.dnl_max_lsb);
  j["inl_lsb_min"] = number(best_fit ? density.inl_best_fit_min_lsb : density.inl_endpoint_min_lsb);
  j["inl_lsb_max"] = number(best_fit ? density.inl_best_fit_max_lsb : density.inl_endpoint_max_lsb);
  j["missing_codes"] = density.missing_codes.size();
  j["power_w"] = fom ? number(fom->power_w) : Json(nullptr);
  j["fs_hz"] = number(analysis.fs_hz);
  j["fom_walden_j"] = fom ? number(fom->walden_j) : Json(nullptr);
  j["fom_schreier_db"] = fom ? number(fom->schreier_db) : Json(nullptr);
  j["samples"] = analysis.samples;
  j["bits"] = analysis.bits;

  // Details.
  j["record"] = spectrum ? "sine" : "ramp";
  j["enob_fs"] = spectrum ? number(spectrum->enob_fs) : Json(nullptr);
  j["signal_dbfs"] = spectrum ? number(spectrum->signal_dbfs) : Json(nullptr);
  j["signal_amplitude_codes"] = spectrum ? number(spectrum->signal_amplitude) : Json(nullptr);
  j["signal_bin"] = spectrum ? Json(spectrum->signal_bin) : Json(nullptr);
  j["signal_bin_offset"] = spectrum ? number(spectrum->signal_bin_offset) : Json(nullptr);
  j["signal_frequency"] = spectrum ? number(spectrum->signal_frequency) : Json(nullptr);
  j["signal_frequency_hz"] = spectrum ? number(spectrum->signal_frequency_hz) : Json(nullptr);
  j["coherent"] = spectrum ? Json(spectrum->coherent) : Json(nullptr);
  j["window"] = spectrum ? Json(std::string(metrics::windowName(spectrum->window))) : Json(nullptr);
  j["window_auto"] = spectrum ? Json(spectrum->window_auto) : Json(nullptr);
  j["spur_bin"] = spectrum ? Json(spectrum->spur_bin) : Json(nullptr);
  j["spur_harmonic"] =
      spectrum && spectrum->spur_harmonic > 0 ? Json(spectrum->spur_harmonic) : Json(nullptr);
  j["harmonics"] = spectrum ? harmonicsJson(*spectrum, analysis.fs_hz) : Json(nullptr);
  if (analysis.sine_fit) {
    const metrics::SineFit& fit = *analysis.sine_fit;
    Json s;
    s["parameters"] = fit.parameters;
    s["amplitude_codes"] = number(fit.amplitude);
    s["offset_codes"] = number(fit.c);
    s["frequency"] = number(fit.frequency);
    s["frequency_hz"] = analysis.fs_hz ? number(fit.frequency * *analysis.fs_hz) : Json(nullptr);
    s["phase_rad"] = number(fit.phase_rad);
    s["rms_residual_codes"] = number(fit.rms_residual);
    s["iterations"] = fit.iterations;
    s["converged"] = fit.converged;
    j["sine_fit"] = std::move(s);
  } else {
    j["sine_fit"] = nullptr;
  }
  j["inl_reference"] = std::string(metrics::inlReferenceName(analysis.inl_reference));
  j["inl_best_fit_lsb_min"] = number(density.inl_best_fit_min_lsb);
  j["inl_best_fit_lsb_max"] = number(density.inl_best_fit_max_lsb);
  j["inl_endpoint_lsb_min"] = number(density.inl_endpoint_min_lsb);
  j["inl_endpoint_lsb_max"] = number(density.inl_endpoint_max_lsb);
  Json missing = Json::array();
  for (std::size_t i = 0; i < density.missing_codes.size() && i < kMaxListedMissingCodes; ++i) {
    missing.push_back(density.missing_codes[i]);
  }
  j["missing_code_list"] = std::move(missing);
  j["lowest_code"] = density.lowest_code;
  j["highest_code"] = density.highest_code;
  j["untested_codes"] = density.untested_codes;
  j["mean_count_per_code"] = number(density.mean_count_per_code);
  j["monotonic"] = density.monotonic ? Json(*density.monotonic) : Json(nullptr);
  j["energy_per_conversion_j"] = fom ? number(fom->energy_per_conversion_j) : Json(nullptr);
  j["fom_schreier_envelope_db"] = fom ? number(fom->schreier_envelope_db) : Json(nullptr);
  j["fom_schreier_envelope_distance_db"] = fom ? number(fom->envelope_distance_db) : Json(nullptr);
  j["warnings"] = analysis.warnings;
  if (tables) {
    j["first_code"] = density.first_code;
    Json dnl = Json::array();
    for (const double v : density.dnl_lsb) dnl.push_back(number(v));
    Json inl = Json::array();
    for (const double v : best_fit ? density.inl_best_fit_lsb : density.inl_endpoint_lsb) {
      inl.push_back(number(v));
    }
    j["dnl_lsb"] = std::move(dnl);
    j["inl_lsb"] = std::move(inl);
  }
  return j;
}

std::optional<double> supplyPowerW(const SupplyWaveform& waveform, std::optional<double> vdd_v) {
  if (!waveform.voltage_v.empty()) {
    return metrics::averagePowerW(waveform.voltage_v, waveform.current_a, waveform.time_s);
  }
  if (!vdd_v) return std::nullopt;
  return metrics::averagePowerW(*vdd_v, waveform.current_a, waveform.time_s);
}

Json metricsReportJson(const metrics::CheckedAnalysis& result, const std::string& input,
                       bool tables, const Provenance& provenance) {
  Json out = metricsJson(result.analysis, tables);
  out["input"] = input;
  Json checks = Json::array();
  if (const auto& c = result.checks.enob) {
    checks.push_back(
        {{"check", "enob"}, {"required", c->required}, {"value", c->value}, {"passed", c->passed}});
  }
  if (const auto& c = result.checks.no_missing_codes) {
    checks.push_back({{"check", "no_missing_codes"}, {"value", c->missing}, {"passed", c->passed}});
  }
  out["checks"] = std::move(checks);
  out["passed"] = result.checks.passed();
  out["provenance"] = provenanceJson(provenance);
  return out;
}

std::string metricsSummary(const metrics::CheckedAnalysis& result) {
  const metrics::Analysis& a = result.analysis;
  std::string line =
      "metrics: " + std::to_string(a.samples) + " samples, " + std::to_string(a.bits) + " bits";
  if (a.spectrum) {
    const auto& s = *a.spectrum;
    line += ", sine (" + std::string(s.coherent ? "coherent" : "not coherent") + ", window " +
            std::string(metrics::windowName(s.window)) + "): ENOB " + fixed(s.enob, 2) +
            " bits (SNDR " + fixed(s.sndr_db, 1) + " dB, SFDR " + fixed(s.sfdr_db, 1) + " dB)";
  } else {
    line += ", ramp:";
  }
  const auto& d = a.code_density;
  const bool best_fit = a.inl_reference == metrics::InlReference::kBestFit;
  line += ", DNL " + fixed(d.dnl_min_lsb, 2) + ".." + fixed(d.dnl_max_lsb, 2) + " LSB, INL " +
          fixed(best_fit ? d.inl_best_fit_min_lsb : d.inl_endpoint_min_lsb, 2) + ".." +
          fixed(best_fit ? d.inl_best_fit_max_lsb : d.inl_endpoint_max_lsb, 2) + " LSB, " +
          std::to_string(d.missing_codes.size()) + " missing codes";
  if (a.fom) {
    line += ", FoM " + fixed(a.fom->walden_j * 1e15, 2) + " fJ/step, " +
            fixed(a.fom->schreier_db, 1) + " dB";
  }
  if (const auto& c = result.checks.enob) {
    line += std::string("; ENOB >= ") + fixed(c->required, 2) + (c->passed ? ": ok" : ": FAIL");
  }
  if (const auto& c = result.checks.no_missing_codes) {
    line += std::string("; no missing codes") + (c->passed ? ": ok" : ": FAIL");
  }
  return line;
}

}  // namespace nnadc::io
