#include "nnadc/spice/models.h"

#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::spice {

namespace {

std::filesystem::path executableDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("NNADC-NET-001", "model library '" + path.string() + "' cannot be read");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Extracts the body of `.lib <section>` ... `.endl` from a library file's text.
std::string libSection(const std::string& text, const std::string& section,
                       const std::filesystem::path& path) {
  std::istringstream in(text);
  std::string line;
  std::string body;
  bool inside = false;
  while (std::getline(in, line)) {
    const auto words = splitWhitespace(line);
    if (!inside && words.size() == 2 && toLower(words[0]) == ".lib" &&
        toLower(words[1]) == toLower(section)) {
      inside = true;
      continue;
    }
    if (inside && !words.empty() && toLower(words[0]) == ".endl") return body;
    if (inside) body += line + "\n";
  }
  throw InputError("NNADC-NET-003",
                   "model library '" + path.string() + "' has no section '" + section + "'");
}

}  // namespace

void ModelSource::validate() const {
  const auto path = isDefault() ? defaultModelLib() : lib_file;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError("NNADC-NET-001",
                     "model library '" + path.string() + "' does not exist (field model-lib)");
  }
  if (trim(nmos).empty() || trim(pmos).empty() || splitWhitespace(nmos).size() != 1 ||
      splitWhitespace(pmos).size() != 1) {
    throw InputError("NNADC-NET-002", "model names must be single words (fields nmos='" + nmos +
                                          "', pmos='" + pmos + "')");
  }
}

std::filesystem::path modelsDir() {
  if (const char* env = std::getenv("NNADC_MODELS_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::filesystem::path source = NNADC_MODELS_DIR;
  std::error_code ec;
  if (std::filesystem::is_directory(source, ec)) return source;
  return executableDir() / ".." / "share" / "nnadc" / "models";
}

std::filesystem::path defaultModelLib() { return modelsDir() / "cmos130.lib"; }

std::string modelCards(const ModelSource& source, bool inline_models) {
  source.validate();
  const auto path =
      std::filesystem::absolute(source.isDefault() ? defaultModelLib() : source.lib_file);
  if (inline_models) {
    const std::string text = readFile(path);
    const std::string body = source.section.empty() ? text : libSection(text, source.section, path);
    return "* models inlined from " + path.filename().string() +
           (source.section.empty() ? std::string() : " section " + source.section) + "\n" + body;
  }
  if (source.section.empty()) return ".include \"" + path.string() + "\"\n";
  return ".lib \"" + path.string() + "\" " + source.section + "\n";
}

}  // namespace nnadc::spice
