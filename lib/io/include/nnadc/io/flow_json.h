#pragma once
/// The folder `nnadc flow` writes: every step's artefact (vtc.json, recipe.json, design.json,
/// behavioural.json, netlists/, static.json, static_sine.json, transient.json, buildable.json) in
/// the format of the subcommand of the same name, and summary.json / summary.md quoting them (and
/// report.html, nnadc report of the folder). A folder never holds a mix of runs: the run is built
/// in
/// `<dir>.incomplete` and renamed into place once its summary is written (docs/reliability.md,
/// "Outputs").
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "nnadc/adc/design.h"
#include "nnadc/core/error.h"
#include "nnadc/core/log.h"
#include "nnadc/eval/bench.h"
#include "nnadc/eval/buildable.h"
#include "nnadc/eval/evaluate.h"
#include "nnadc/eval/train.h"
#include "nnadc/io/design_json.h"
#include "nnadc/io/json.h"
#include "nnadc/mc/variation.h"
#include "nnadc/sim/characterize.h"

namespace nnadc::io {

struct FlowOptions {
  sim::CharacterizeOptions characterize;  ///< the shipped card's default inverter
  eval::BenchOptions bench;               ///< points, samples, fs, timeout of the SPICE benches
  eval::EvalOptions eval;                 ///< behavioural records (eval's defaults)
  mc::VariationOptions variation;         ///< behavioural Monte-Carlo (pipelines)
  bool run_variation = true;
  bool skip_transient = false;
  /// The buildable converter (transistor-level residue path, docs/buildable.md): its clocked
  /// transient with noise at bench.deck.fs_hz, the flow's headline for a design it builds
  /// (eval::measureBuildable). Its record length (>= 64: the metrics' minimum) and the
  /// foreground calibration it combines the decisions with: a `sim --bench buildable --calibrate N`
  /// result of the same design and deck options (empty: the design's own table, labelled
  /// uncalibrated).
  bool skip_buildable = false;
  int buildable_samples = 64;
  std::string buildable_calibration;
  double require_agreement = 0.0;  ///< exit 1 below this fraction of identical static codes
  FlowOptions();
  /// Throws InputError naming the field (the library's ranges: deck, bench, Monte-Carlo).
  void validate() const;
  /// The buildable deck's options these flow options ask for (--buildable-samples, --fs), before
  /// the noise is drawn; not validated.
  [[nodiscard]] spice::BuildableOptions buildableDeck() const;
};

/// One SPICE bench of the flow: "static" (ramp), "static sine" (pipelines), "transient".
struct FlowBench {
  std::string label;
  std::string file;  ///< static.json, static_sine.json, transient.json
  eval::BenchOptions options;
};
std::vector<FlowBench> flowBenches(const adc::Design& design, const FlowOptions& options);

/// The flow's buildable bench: nullopt when skipped or when the design is not one the buildable
/// deck builds (`why`, if given, says which); else its deck options (noise on, drawn from `seed`).
std::optional<spice::BuildableOptions> flowBuildable(const adc::Design& design,
                                                     const FlowOptions& options, std::uint64_t seed,
                                                     std::string* why = nullptr);

/// One standard error of a record's ENOB when its error is noise: the noise power is the sum of
/// N/2 - 2 FFT bins (each chi-square with 2 degrees of freedom), whose relative standard
/// deviation 1 / sqrt(N/2 - 2) is 10 log10(e) / 6.02 = 0.721 / sqrt(N/2 - 2) bits of ENOB
/// (0.13 bit at N = 64, 0.032 at 1024). Distortion is the same in every record and narrows it.
double enobStandardErrorBits(std::size_t samples);

class FlowWriter {
 public:
  /// Checks `dir` and creates the build folder `<dir>.incomplete` (with netlists/). `dir` may be
  /// new, empty, or a previous flow's folder (replaced as a whole by writeSummary); anything
  /// else (`-`, a file, a folder holding other files) is refused with InputError NNADC-IO-005,
  /// untouched. A leftover `<dir>.incomplete` of a failed run is removed. NNADC-IO-001 if the
  /// build folder cannot be created.
  FlowWriter(std::filesystem::path dir, Logger& logger);
  /// A run that did not reach writeSummary keeps its partial folder and says so (a warning).
  ~FlowWriter();
  FlowWriter(const FlowWriter&) = delete;
  FlowWriter& operator=(const FlowWriter&) = delete;

  /// Runs one step, timing it and naming it in the errors it throws.
  template <typename F>
  auto step(const std::string& name, F f) -> decltype(f()) {
    logger_.info("flow: " + name);
    const auto start = std::chrono::steady_clock::now();
    try {
      if constexpr (std::is_void_v<decltype(f())>) {
        f();
        record(name, start);
      } else {
        auto result = f();
        record(name, start);
        return result;
      }
    } catch (const InputError& e) {
      throw InputError(e.id(), "flow step '" + name + "': " + e.message() + partialNote());
    } catch (const SimulationError& e) {
      throw SimulationError(e.id(), "flow step '" + name + "': " + e.message() + partialNote());
    }
  }

  void writeJson(const std::string& name, const Json& json);
  void writeVtc(const sim::CharacterizeOptions& options, const sim::Characterization& c);
  void writeDesign(const adc::Design& design, const Recipe& recipe,
                   const eval::TrainSummary& trained);
  /// A reused design: the file copied as it is; a warning when it was trained on another
  /// inverter than the one characterised here.
  void copyDesign(const std::filesystem::path& file, const adc::Design& design, const Vtc& vtc);
  void writeBehavioural(const adc::Design& design, const FlowOptions& options);
  void writeNetlists(const adc::Design& design, const FlowOptions& options);
  void writeBench(const FlowBench& bench, const eval::BenchSummary& summary);
  /// Why the flow did not simulate the buildable converter (summary.json's buildable.skipped).
  void skipBuildable(std::string why) { buildable_skipped_ = std::move(why); }
  /// buildable.json (the `sim --bench buildable` result) and its deck, netlists/buildable.cir (the
  /// ngspice deck simulated), .scs (Spectre) and .xyce.cir; `calibration_file` is the calibration
  /// it used ("" = none).
  void writeBuildable(const adc::Design& design, const eval::BuildableSummary& summary,
                      const std::string& calibration_file);
  /// A last step on the finished build folder before it is renamed into place (the flow's
  /// report.html, which lib/report writes: io does not depend on it): (build folder, final
  /// folder).
  using FinishStep =
      std::function<void(const std::filesystem::path&, const std::filesystem::path&)>;
  /// summary.json and summary.md, then `finish` (if any), then the finished folder is renamed
  /// into place (a previous flow folder there is moved aside and deleted); returns the summary.
  Json writeSummary(const std::string& design_name, bool trained, const FlowOptions& options,
                    const Json& config, const FinishStep& finish = {});

 private:
  void record(const std::string& name, std::chrono::steady_clock::time_point start);
  /// Where an artefact is named (in the JSON written) once the run is in place.
  [[nodiscard]] std::string path(const std::string& name) const;
  /// Where it is written while the run is built.
  [[nodiscard]] std::string buildPath(const std::string& name) const;
  /// "; its partial results are in '<dir>.incomplete'" (the first time it is asked).
  std::string partialNote();
  void commit();

  std::filesystem::path dir_;
  std::filesystem::path build_dir_;  ///< <dir>.incomplete
  bool committed_ = false;
  bool reported_ = false;
  Logger& logger_;
  std::chrono::steady_clock::time_point start_;
  std::string ngspice_version_;
  Json timings_ = Json::object();
  Json behavioural_ = Json::object();
  Json benches_ = Json::object();  ///< bench label -> its result
  std::string buildable_calibration_;
  std::string buildable_skipped_ = "not run";
  bool pipeline_ = false;
};

/// The one line `nnadc flow` prints.
std::string flowSummaryLine(const Json& summary, const std::string& folder);
/// "99.93%"
std::string percent(double fraction);

}  // namespace nnadc::io
