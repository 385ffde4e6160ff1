#include "nnadc/sim/ngspice.h"

#include <ngspice/sharedspice.h>

#include <fcntl.h>
#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::sim {

namespace {

// ngspice's callbacks are plain C functions; they report into this process-wide state. Access
// is single-threaded by construction: ngspice runs synchronously in the caller's thread (we never
// use bg_run), and only one NgspiceSimulator may be alive.
struct Global {
  std::atomic<bool> alive{false};
  std::atomic<bool> ever_created{false};
  bool initialised = false;
  bool exit_requested = false;  // ngspice asked to quit or hit a fatal error: instance unusable
  int exit_status = 0;
  std::string exit_reason;  // what ngspice printed on stderr just before it asked to exit
  std::vector<std::string> lines;
  Logger* logger = nullptr;
};

Global& global() {
  static Global g;
  return g;
}

int onOutput(char* text, int /*id*/, void* /*user*/) {
  Global& g = global();
  std::string line = text != nullptr ? text : "";
  if (g.logger != nullptr) g.logger->debug(line);
  g.lines.push_back(std::move(line));
  return 0;
}

int onStatus(char* /*text*/, int /*id*/, void* /*user*/) { return 0; }

int onExit(int status, NG_BOOL /*immediate*/, NG_BOOL /*quit*/, int /*id*/, void* /*user*/) {
  // Called on `quit` or on a fatal ngspice error. The library stays loaded (it is linked, not
  // dlopen'ed), so we only remember that its state can no longer be trusted.
  // ngspice prints its reason (a garbage card, a file that is not a model library, an include
  // it cannot read, memory it cannot get) just before; keep it, as "status 1" alone says nothing.
  Global& g = global();
  g.exit_requested = true;
  g.exit_status = status;
  constexpr std::size_t kLinesBack = 40;  // the reason is among the last lines printed
  constexpr int kReasonLines = 4;
  std::vector<std::string> reason;
  for (std::size_t i = g.lines.size(); i > 0 && g.lines.size() - i < kLinesBack; --i) {
    const std::string& line = g.lines[i - 1];
    if (!line.starts_with("stderr")) continue;
    const std::string text(trim(std::string_view(line).substr(6)));
    // ngspice's own epilogue says nothing about the cause.
    if (text.find("cannot recover and awaits to be detached") != std::string::npos) continue;
    if (!text.empty()) reason.insert(reason.begin(), text);
    if (reason.size() == kReasonLines) break;
  }
  g.exit_reason.clear();
  for (const std::string& r : reason) g.exit_reason += (g.exit_reason.empty() ? "" : " | ") + r;
  return 0;
}

int onBackground(NG_BOOL /*running*/, int /*id*/, void* /*user*/) { return 0; }

// ngspice parses and prints numbers with the C library in the current locale; in a locale with a
// decimal comma "1.5" would read as 1. The guard switches this thread to "C" for one call and
// restores whatever the caller had, without touching the process-wide locale.
class CLocaleGuard {
 public:
  CLocaleGuard() : c_locale_(newlocale(LC_ALL_MASK, "C", nullptr)) {
    if (c_locale_ != nullptr) previous_ = uselocale(c_locale_);
  }
  ~CLocaleGuard() {
    if (c_locale_ != nullptr) {
      uselocale(previous_);
      freelocale(c_locale_);
    }
  }
  CLocaleGuard(const CLocaleGuard&) = delete;
  CLocaleGuard& operator=(const CLocaleGuard&) = delete;

 private:
  locale_t c_locale_;
  locale_t previous_ = LC_GLOBAL_LOCALE;
};

// libngspice 39 sources a user init file at ngSpice_Init: `.spiceinit` in the working directory,
// else `.spiceinit` in the home directory of the passwd entry (getpwuid, not $HOME). Such a file
// is a program (`option temp=150` silently changes every result, `shell ...` runs commands), and
// ngspice 39 has no call to skip it (ngSpice_nospiceinit arrived later). So initialise ngspice in
// a private directory holding an empty `.spiceinit`: ngspice reads that one and stops looking.
// The working directory is restored at once, so a deck's relative `.include` paths still resolve
// from where the user ran nnadc.
void initialiseWithoutUserInit() {
  const auto fail = [](const std::string& what) {
    throw SimulationError("NNADC-SIM-009",
                          "cannot prepare a private start-up directory for ngspice (" + what +
                              "); refusing to let ngspice read a user .spiceinit");
  };
  const char* tmp = std::getenv("TMPDIR");
  std::string dir =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/nnadc-ngspice-init-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) fail(dir + ": " + std::strerror(errno));
  const std::string init = dir + "/.spiceinit";
  const int previous = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool ok = false;
  {
    std::ofstream(init)
        << "* nnadc: an empty .spiceinit, so that ngspice reads no user init file\n";
    ok = previous >= 0 && std::filesystem::exists(init) && ::chdir(dir.c_str()) == 0;
  }
  if (ok) {
    const CLocaleGuard locale;
    ngSpice_Init(onOutput, onStatus, onExit, nullptr, nullptr, onBackground, nullptr);
  }
  const bool restored = previous >= 0 && ::fchdir(previous) == 0;
  if (previous >= 0) ::close(previous);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!ok) fail("cannot enter " + dir);
  if (!restored)
    fail(std::string("cannot return to the working directory: ") + std::strerror(errno));
}

// ngspice reports failure only as text: its API returns 0 for a deck that failed to parse and for
// a transient that aborted. These patterns are the messages ngspice 39 prints in those cases.
bool isErrorLine(std::string_view line) {
  if (!startsWith(line, "stderr")) return false;
  const std::string lower = toLower(line);
  static const char* const kPatterns[] = {
      "error",                    // "Error: unknown subckt", "Error on line 2", ...
      "aborted",                  // "run simulation(s) aborted"
      "timestep too small",       // transient non-convergence
      "could not find a valid",   // unknown model
      "iteration limit reached",  // dc/op non-convergence
      "no convergence",
      "too few parameters",  // subcircuit instance with a missing port
      "interrupted due to error",
  };
  for (const char* pattern : kPatterns) {
    // "Warning: singular matrix" alone is not listed: ngspice prints it while gmin stepping
    // still recovers; a failure that survives recovery ends in "aborted"/"Error" anyway.
    if (lower.find(pattern) != std::string::npos) return true;
  }
  return false;
}

std::string stripStream(std::string_view line) {
  if (startsWith(line, "stderr ")) return std::string(line.substr(7));
  if (startsWith(line, "stdout ")) return std::string(line.substr(7));
  return std::string(line);
}

// Builds the message of a SimulationError from ngspice's output: the error lines and the line
// after each (ngspice prints the offending card on the next line).
std::string errorSummary(const std::vector<std::string>& lines, std::size_t from) {
  std::string message;
  int shown = 0;
  for (std::size_t i = from; i < lines.size() && shown < 8; ++i) {
    if (!startsWith(lines[i], "stderr")) continue;
    if (!message.empty()) message += " | ";
    message += stripStream(lines[i]);
    ++shown;
  }
  return message;
}

bool hasError(const std::vector<std::string>& lines, std::size_t from) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (isErrorLine(lines[i])) return true;
  }
  return false;
}

std::vector<std::string> cStringArray(char** array) {
  std::vector<std::string> out;
  for (int i = 0; array != nullptr && array[i] != nullptr; ++i) out.emplace_back(array[i]);
  return out;
}

// ngspice's vector type codes (ngspice/sim.h, enum simulation_types).
std::string vectorTypeName(int type) {
  switch (type) {
    case 1:
      return "time";
    case 2:
      return "frequency";
    case 3:
      return "voltage";
    case 4:
      return "current";
    default:
      return "";
  }
}

// In-process names ("b", "v1#branch") differ from the raw-file names ngspice writes ("v(b)",
// "i(v1)"); use the raw-file form everywhere so a deck's vectors have one name in nnadc.
std::string canonicalName(const std::string& name, const std::string& type) {
  if (name.find('(') != std::string::npos) return name;
  constexpr std::string_view kBranch = "#branch";
  if (name.ends_with(kBranch)) return "i(" + name.substr(0, name.size() - kBranch.size()) + ")";
  if (type == "voltage" && !name.ends_with("-sweep")) return "v(" + name + ")";
  return name;
}

bool isScale(const Vector& v) {
  return v.type == "time" || v.type == "frequency" || v.name.ends_with("-sweep") ||
         v.name == "sweep";
}

void checkCommandLength(std::string_view text) {
  if (text.size() > NgspiceSimulator::kMaxCommandLength) {
    throw SimulationError("NNADC-SIM-004",
                          "ngspice command of " + std::to_string(text.size()) +
                              " characters refused: ngspice truncates commands longer than " +
                              std::to_string(NgspiceSimulator::kMaxCommandLength) + " characters");
  }
}

}  // namespace

const Vector* RunResult::find(std::string_view vector_name) const {
  for (const Plot& plot : plots) {
    if (const Vector* v = plot.find(vector_name)) return v;
  }
  return nullptr;
}

void NgspiceSimulator::Options::validate() const {
  if (threads < 1 || threads > 1024) {
    throw InputError("NNADC-SIM-007",
                     "ngspice threads must be in [1, 1024], got " + std::to_string(threads));
  }
}

NgspiceSimulator::NgspiceSimulator() : NgspiceSimulator(Options{}) {}

NgspiceSimulator::NgspiceSimulator(const Options& options) : options_(options) {
  options_.validate();
  Global& g = global();
  bool expected = false;
  if (!g.alive.compare_exchange_strong(expected, true)) {
    throw SimulationError("NNADC-SIM-005",
                          "an ngspice instance already exists in this process; ngspice is not "
                          "re-entrant (use WorkerPool for parallel runs)");
  }
  g.ever_created = true;
  g.logger = options_.logger;
  if (!g.initialised) {
    initialiseWithoutUserInit();
    g.initialised = true;
  }
  try {
    checkUsable();
    command("set num_threads=" + std::to_string(options_.threads));
  } catch (...) {
    g.alive = false;
    throw;
  }
}

NgspiceSimulator::~NgspiceSimulator() {
  Global& g = global();
  g.logger = nullptr;
  g.alive = false;
}

bool NgspiceSimulator::everCreated() { return global().ever_created; }

void NgspiceSimulator::checkUsable() const {
  const Global& g = global();
  if (g.exit_requested) {
    throw SimulationError("NNADC-SIM-006",
                          "ngspice requested exit (status " + std::to_string(g.exit_status) + ")" +
                              (g.exit_reason.empty() ? std::string() : ": " + g.exit_reason) +
                              "; its state is no longer usable in this process");
  }
}

std::vector<std::string> NgspiceSimulator::command(std::string_view text) {
  checkUsable();
  checkCommandLength(text);
  Global& g = global();
  const std::size_t from = g.lines.size();
  std::string buffer(text);
  {
    const CLocaleGuard locale;
    ngSpice_Command(buffer.data());
  }
  std::vector<std::string> produced(g.lines.begin() + static_cast<std::ptrdiff_t>(from),
                                    g.lines.end());
  g.lines.resize(from);
  checkUsable();
  if (hasError(produced, 0)) {
    throw SimulationError("NNADC-SIM-001", "ngspice command '" + std::string(text) +
                                               "' failed: " + errorSummary(produced, 0));
  }
  return produced;
}

std::string NgspiceSimulator::version() {
  for (const std::string& line : command("version -s")) {
    const auto pos = line.find("ngspice-");
    if (pos != std::string::npos) {
      std::string v = line.substr(pos);
      const auto end = v.find_first_of(" \t:");
      return end == std::string::npos ? v : v.substr(0, end);
    }
  }
  return "ngspice";
}

RunResult NgspiceSimulator::run(const RunRequest& request) {
  checkUsable();
  const auto start = std::chrono::steady_clock::now();
  Global& g = global();
  g.lines.clear();
  RunResult result;

  // Split the deck into lines for ngSpice_Circ; it requires a title first and `.end` last.
  std::vector<std::string> lines;
  {
    std::size_t pos = 0;
    const std::string& deck = request.deck;
    while (pos <= deck.size()) {
      const auto nl = deck.find('\n', pos);
      std::string line = deck.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
  }
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) throw SimulationError("NNADC-SIM-002", "empty deck");
  if (toLower(trim(lines.back())) != ".end") lines.emplace_back(".end");
  std::vector<char*> pointers;
  pointers.reserve(lines.size() + 1);
  for (std::string& line : lines) pointers.push_back(line.data());
  pointers.push_back(nullptr);

  // Always leave ngspice empty, whatever happens below, so the next run starts clean and memory
  // stays flat.
  struct Cleanup {
    ~Cleanup() {
      const CLocaleGuard locale;
      char destroy[] = "destroy all";
      char remove[] = "remcirc";
      ngSpice_Command(destroy);
      ngSpice_Command(remove);
    }
  } cleanup;

  const std::set<std::string> plots_before = [] {
    const CLocaleGuard locale;
    const auto names = cStringArray(ngSpice_AllPlots());
    return std::set<std::string>(names.begin(), names.end());
  }();

  {
    const CLocaleGuard locale;
    ngSpice_Circ(pointers.data());
  }
  checkUsable();
  if (hasError(g.lines, 0)) {
    throw SimulationError("NNADC-SIM-001",
                          "ngspice could not load the deck: " + errorSummary(g.lines, 0));
  }
  const std::size_t run_from = g.lines.size();
  const std::vector<std::string> commands =
      request.commands.empty() ? std::vector<std::string>{"run"} : request.commands;
  for (const std::string& text : commands) {
    checkCommandLength(text);
    std::string buffer = text;
    const CLocaleGuard locale;
    ngSpice_Command(buffer.data());
    checkUsable();
  }
  if (hasError(g.lines, run_from)) {
    throw SimulationError("NNADC-SIM-003",
                          "ngspice simulation failed: " + errorSummary(g.lines, run_from));
  }

  std::vector<std::string> new_plots;
  {
    const CLocaleGuard locale;
    for (const std::string& name : cStringArray(ngSpice_AllPlots())) {
      if (name != "const" && plots_before.count(name) == 0) new_plots.push_back(name);
    }
  }
  // ngSpice_AllPlots lists the newest first; report in the order the analyses ran.
  std::reverse(new_plots.begin(), new_plots.end());
  if (new_plots.empty()) {
    throw SimulationError("NNADC-SIM-002",
                          "ngspice produced no results (does the deck have an analysis card?)" +
                              (g.lines.empty() ? std::string() : ": " + errorSummary(g.lines, 0)));
  }

  std::vector<std::string> wanted;
  for (const std::string& name : request.vectors) {
    std::string lower = toLower(trim(name));
    const bool plain_node = lower.find('(') == std::string::npos && lower != "time" &&
                            lower != "frequency" && !lower.ends_with("-sweep");
    wanted.push_back(plain_node ? "v(" + lower + ")" : lower);
  }
  std::set<std::string> found;
  for (const std::string& plot_name : new_plots) {
    Plot plot;
    plot.name = plot_name;
    std::vector<std::string> vec_names;
    {
      const CLocaleGuard locale;
      vec_names = cStringArray(ngSpice_AllVecs(plot.name.data()));
    }
    std::reverse(vec_names.begin(), vec_names.end());
    for (const std::string& vec_name : vec_names) {
      Vector v;
      v.name = toLower(vec_name);
      std::string full = plot_name + "." + vec_name;
      pvector_info info = nullptr;
      {
        const CLocaleGuard locale;
        info = ngGet_Vec_Info(full.data());
      }
      if (info == nullptr) continue;
      v.type = vectorTypeName(info->v_type);
      v.name = canonicalName(v.name, v.type);
      const bool is_scale = isScale(v);
      if (!wanted.empty() && !is_scale &&
          std::find(wanted.begin(), wanted.end(), v.name) == wanted.end()) {
        continue;
      }
      // Copy out now: the pointers refer to ngspice memory freed by `destroy all`.
      const auto n = static_cast<std::size_t>(std::max(info->v_length, 0));
      if (info->v_realdata != nullptr) {
        v.real.assign(info->v_realdata, info->v_realdata + n);
      } else if (info->v_compdata != nullptr) {
        v.is_complex = true;
        v.complex.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          v.complex.emplace_back(info->v_compdata[i].cx_real, info->v_compdata[i].cx_imag);
        }
      }
      found.insert(v.name);
      if (is_scale) {
        plot.vectors.insert(plot.vectors.begin(), std::move(v));
      } else {
        plot.vectors.push_back(std::move(v));
      }
    }
    result.plots.push_back(std::move(plot));
  }
  for (const std::string& name : wanted) {
    if (found.count(name) == 0) {
      throw SimulationError(
          "NNADC-SIM-008", "vector '" + name + "' was not produced by the simulation (plots: " +
                               [&] {
                                 std::string s;
                                 for (const auto& p : new_plots) s += p + " ";
                                 return s;
                               }() +
                               ")");
    }
  }
  result.output = std::move(g.lines);
  g.lines.clear();
  result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace nnadc::sim
