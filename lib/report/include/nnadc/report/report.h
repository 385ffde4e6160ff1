#pragma once
/// `nnadc report`: one self-contained HTML page (every style and script inline, plots as inline
/// SVG drawn by gnuplot; it opens offline) from any mix of nnadc results: a `flow` folder, `eval`
/// (with its Monte-Carlo variation block), `sim --design`, `metrics`, `train` (a design) and
/// `axtrain` outputs.
///
/// Each input is read into a Result of one kind, chosen by the `provenance.command` every result
/// records (a folder: the flow's summary.json). Kinds are registered by name in one table
/// (resultKinds()), so a new result type, e.g. a future `nnadc mc` campaign folder, is one reader
/// and one renderer added there.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "nnadc/io/json.h"

namespace nnadc::report {

/// One input: the files of one result by the role they play.
struct Result {
  std::string kind;            ///< "flow", "eval", "sim", "metrics", "train", "axtrain"
  std::filesystem::path path;  ///< as given
  /// role -> (file name as the page cites it, its JSON). Roles: summary, behavioural, static,
  /// static_sine, transient, design, metrics, axtrain.
  std::map<std::string, std::pair<std::string, io::Json>> files;
};

/// The result kinds nnadc can report, by provenance command.
const std::vector<std::string>& resultKinds();

/// Reads one input. Throws InputError naming the path: NNADC-IO-001 unreadable, NNADC-IO-003
/// truncated or invalid JSON, NNADC-REP-001 a JSON file that is no nnadc result of a known kind,
/// NNADC-REP-002 a folder without a flow's summary.json.
Result readResult(const std::filesystem::path& path);

struct ReportOptions {
  std::string title = "nnadc report";
  /// Monte-Carlo yield: a die passes when its ENOB reaches the design's bits minus this [bits].
  double enob_spec_margin_bits = 0.5;
};

/// The page. Every figure printed is a <span class="fig"> whose data-file (relative to its
/// input: a flow folder's file name, or the input file's name), data-ptr (JSON pointer),
/// data-scale and data-digits say where it comes from, so a test can check the page against the
/// JSON. Throws NNADC-REP-003/004 (gnuplot).
std::string renderReport(const std::vector<Result>& results, const ReportOptions& options);

/// Reads every input, renders, and writes `output` atomically (nothing is written when any input
/// or gnuplot fails). Returns the page size in bytes.
std::size_t writeReport(const std::vector<std::filesystem::path>& inputs,
                        const std::filesystem::path& output, const ReportOptions& options);

/// `nnadc flow`'s report.html: the flow folder being built (`build_dir`, io::FlowWriter's
/// `<out>.incomplete`) is read and reported as `shown_as` (the folder it becomes), and the page is
/// written into it, so it is part of the folder that is swapped in whole.
std::size_t writeFlowReport(const std::filesystem::path& build_dir,
                            const std::filesystem::path& shown_as);

}  // namespace nnadc::report
