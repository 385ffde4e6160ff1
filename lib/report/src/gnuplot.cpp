#include "nnadc/report/gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "nnadc/core/error.h"
#include "nnadc/io/file.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace nnadc::report {

namespace fs = std::filesystem;

namespace {

/// The temp folder of one gnuplot run, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "nnadc-report-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw InputError("NNADC-IO-002", "cannot create a temp folder for gnuplot: " +
                                           std::string(std::strerror(errno)));
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// A gnuplot string literal (single quotes; gnuplot doubles an embedded quote).
std::string quote(const std::string& text) {
  std::string q = "'";
  for (const char c : text) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

/// Replaces every @FILE(name)@ in `script` by the quoted path of that data file (`prefix` + name:
/// each plot's files are its own, whatever names its author chose).
std::string resolveFiles(std::string script, const fs::path& dir, const std::string& prefix) {
  const std::string open = "@FILE(";
  std::size_t at = 0;
  while ((at = script.find(open, at)) != std::string::npos) {
    const std::size_t close = script.find(")@", at);
    if (close == std::string::npos) break;
    const std::string name = script.substr(at + open.size(), close - at - open.size());
    const std::string q = quote((dir / (prefix + name)).string());
    script.replace(at, close + 2 - at, q);
    at += q.size();
  }
  return script;
}

bool executable(const fs::path& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0; }

}  // namespace

fs::path findGnuplot() {
  if (const char* env = std::getenv("NNADC_GNUPLOT"); env != nullptr && *env != '\0') {
    if (executable(env)) return env;
    throw InputError("NNADC-REP-003",
                     "NNADC_GNUPLOT='" + std::string(env) + "' is not an executable program");
  }
#ifdef NNADC_GNUPLOT_EXECUTABLE
  if (executable(NNADC_GNUPLOT_EXECUTABLE)) return NNADC_GNUPLOT_EXECUTABLE;
#endif
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "gnuplot";
      if (executable(candidate)) return candidate;
    }
  }
  throw InputError("NNADC-REP-003",
                   "gnuplot is not installed (nnadc draws report plots with it): install the "
                   "Debian package 'gnuplot-nox' (bash .ci/deps does), or set NNADC_GNUPLOT");
}

std::vector<std::string> renderSvgs(const std::vector<Plot>& plots) {
  if (plots.empty()) return {};
  const fs::path gnuplot = findGnuplot();
  const TempDir tmp;
  std::ostringstream script;
  for (const Plot& p : plots) {
    const std::string prefix = p.id + "_";
    for (const auto& [name, table] : p.data) {
      io::writeFileAtomic(tmp.path() / (prefix + name), table);
    }
    // A fixed font and size: the SVG is identical on every machine with the same gnuplot.
    script << "reset\nset terminal svg size " << p.width_px << ',' << p.height_px
           << " dynamic enhanced font 'Helvetica,12' background '#ffffff'\n"
           << "set output " << quote((tmp.path() / (p.id + ".svg")).string()) << '\n'
           << resolveFiles(p.script, tmp.path(), prefix) << "\nunset output\n";
  }
  const fs::path script_file = tmp.path() / "report.gp";
  const fs::path err_file = tmp.path() / "gnuplot.err";
  io::writeFileAtomic(script_file, script.str());

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, err_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::string arg0 = gnuplot.string();
  std::string arg1 = script_file.string();
  std::vector<char*> argv = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, arg0.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw InputError("NNADC-REP-003",
                     "cannot run gnuplot '" + arg0 + "': " + std::string(std::strerror(rc)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string errors;
  std::error_code ec;
  if (fs::exists(err_file, ec)) errors = io::readTextFile(err_file);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw InputError("NNADC-REP-004", "gnuplot '" + arg0 + "' failed drawing the report plots: " +
                                          (errors.empty() ? "no message" : errors));
  }
  std::vector<std::string> svgs;
  for (const Plot& p : plots) {
    const fs::path svg_file = tmp.path() / (p.id + ".svg");
    if (!fs::exists(svg_file, ec)) {
      throw InputError("NNADC-REP-004", "gnuplot wrote no plot '" + p.id + "': " + errors);
    }
    std::string svg = io::readTextFile(svg_file);
    const std::size_t start = svg.find("<svg");
    svgs.push_back(start == std::string::npos ? svg : svg.substr(start));
  }
  return svgs;
}

}  // namespace nnadc::report
