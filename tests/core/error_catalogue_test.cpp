// docs/errors.md against the sources, both ways (issue 11; OpenROAD's messages glossary check):
// every error id the code can raise has a catalogue row, and every row names an id still raised.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../test_paths.h"

namespace {

namespace fs = std::filesystem;

const std::regex kIdPattern("NNADC-[A-Z]+-[0-9]{3}");

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The text of each line of C++ source with comments blanked out; string and character literals
/// are kept, since ids are raised as literals. Raw strings R"d(...)d" and digit separators
/// (10'000) are recognised so that their quotes do not start a literal.
std::vector<std::string> codeLines(const std::string& text) {
  enum class State { kCode, kLineComment, kBlockComment, kString, kChar, kRawString };
  std::vector<std::string> lines(1);
  State state = State::kCode;
  std::string raw_end;  // ")delim\"" closing the current raw string
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\n') {
      lines.emplace_back();
      if (state == State::kLineComment) state = State::kCode;
      continue;
    }
    switch (state) {
      case State::kCode:
        if (c == '/' && next == '/') {
          state = State::kLineComment;
          continue;
        }
        if (c == '/' && next == '*') {
          state = State::kBlockComment;
          ++i;
          continue;
        }
        if (c == 'R' && next == '"') {
          const std::size_t open = text.find('(', i + 2);
          if (open != std::string::npos) {
            raw_end = ")" + text.substr(i + 2, open - i - 2) + "\"";
            lines.back() += text.substr(i, open + 1 - i);
            i = open;
            state = State::kRawString;
            continue;
          }
        }
        if (c == '"') state = State::kString;
        if (c == '\'' && (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
          state = State::kChar;
        }
        lines.back() += c;
        break;
      case State::kLineComment:
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state = State::kCode;
          ++i;
        }
        break;
      case State::kString:
      case State::kChar:
        lines.back() += c;
        if (c == '\\' && next != '\n') {
          lines.back() += next;
          ++i;
        } else if ((state == State::kString && c == '"') || (state == State::kChar && c == '\'')) {
          state = State::kCode;
        }
        break;
      case State::kRawString:
        if (text.compare(i, raw_end.size(), raw_end) == 0) {
          lines.back() += raw_end;
          i += raw_end.size() - 1;
          state = State::kCode;
        } else {
          lines.back() += c;
        }
        break;
    }
  }
  return lines;
}

/// Every id in the code (not the comments) of `text`, with the 1-based line it is on.
std::vector<std::pair<std::string, int>> idsInCode(const std::string& text) {
  std::vector<std::pair<std::string, int>> ids;
  const std::vector<std::string> lines = codeLines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::sregex_iterator m(lines[i].begin(), lines[i].end(), kIdPattern), end; m != end; ++m) {
      ids.emplace_back(m->str(), static_cast<int>(i) + 1);
    }
  }
  return ids;
}

/// id -> "file:line" of each place in lib/ and tools/ (*.cpp, *.h) that names it in code.
std::map<std::string, std::vector<std::string>> idsInSources() {
  const fs::path root = nnadc::test::sourceDir();
  std::map<std::string, std::vector<std::string>> sites;
  for (const char* dir : {"lib", "tools"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const fs::path& path = entry.path();
      if (!entry.is_regular_file() || (path.extension() != ".cpp" && path.extension() != ".h")) {
        continue;
      }
      const std::string where = path.lexically_relative(root).generic_string();
      for (const auto& [id, line] : idsInCode(readText(path))) {
        sites[id].push_back(where + ":" + std::to_string(line));
      }
    }
  }
  return sites;
}

struct CatalogueRow {
  std::string id;
  std::string meaning;
  std::string exit_code;
  int line = 0;  ///< in docs/errors.md
};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// The rows of the `id | meaning | exit code` table in docs/errors.md.
std::vector<CatalogueRow> catalogueRows() {
  std::istringstream in(readText(nnadc::test::sourceDir() / "docs" / "errors.md"));
  std::vector<CatalogueRow> rows;
  std::string line;
  bool in_table = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.rfind('|', 0) != 0) {
      in_table = false;
      continue;
    }
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(trim(cell));
    if (cells.size() == 3 && cells[0] == "id" && cells[1] == "meaning" && cells[2] == "exit code") {
      in_table = true;
      continue;
    }
    if (!in_table || cells.empty() || cells[0].rfind("---", 0) == 0) continue;
    REQUIRE_MESSAGE(cells.size() == 3, "docs/errors.md:" << number << " is not a 3-column row");
    std::string id = cells[0];
    id.erase(std::remove(id.begin(), id.end(), '`'), id.end());
    rows.push_back({id, cells[1], cells[2], number});
  }
  return rows;
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("CommentsThatMentionAnIdDoNotCountAsRaisingIt") {
    const std::string source =
        "/// Throws NNADC-AAA-001.\n"
        "throw InputError(\"NNADC-AAA-002\", \"x\");  // not NNADC-AAA-003\n"
        "/* NNADC-AAA-004\n"
        "   NNADC-AAA-005 */ fail(\"NNADC-AAA-006\");\n"
        "std::fprintf(stderr, \"error[NNADC-AAA-007]: // kept\");\n"
        "const char q = '\"'; int n = 10'000; // NNADC-AAA-008\n"
        "std::regex r(R\"(\"//)\"); s = \"NNADC-AAA-009\";\n";
    const std::vector<std::pair<std::string, int>> expected = {
        {"NNADC-AAA-002", 2}, {"NNADC-AAA-006", 4}, {"NNADC-AAA-007", 5}, {"NNADC-AAA-009", 7}};
    CHECK(idsInCode(source) == expected);
  }

  TEST_CASE("EveryErrorIdRaisedInTheSourcesHasACatalogueRow") {
    std::set<std::string> catalogued;
    for (const CatalogueRow& row : catalogueRows()) catalogued.insert(row.id);
    const auto sites = idsInSources();
    REQUIRE_MESSAGE(!sites.empty(), "no error ids found under lib/ and tools/");
    std::string missing;
    for (const auto& [id, where] : sites) {
      if (catalogued.count(id) != 0) continue;
      missing += "\n  " + id + " at";
      for (const std::string& w : where) missing += " " + w;
    }
    CHECK_MESSAGE(missing.empty(),
                  "ids raised in the sources but missing from docs/errors.md:" << missing);
  }

  TEST_CASE("EveryCatalogueRowNamesAnIdTheSourcesRaise") {
    const auto sites = idsInSources();
    std::string stale;
    for (const CatalogueRow& row : catalogueRows()) {
      if (sites.count(row.id) == 0) {
        stale += "\n  " + row.id + " (docs/errors.md:" + std::to_string(row.line) + ")";
      }
    }
    CHECK_MESSAGE(
        stale.empty(),
        "rows of docs/errors.md whose id no source under lib/ or tools/ raises:" << stale);
  }

  TEST_CASE("CatalogueRowsAreUniqueSortedWellFormedAndCarryAnExitCode") {
    const std::vector<CatalogueRow> rows = catalogueRows();
    REQUIRE_MESSAGE(!rows.empty(), "docs/errors.md has no 'id | meaning | exit code' table");
    // One of CLI.md's failure codes (1-3) or 4 for internal errors; an id
    // raised with two kinds lists both, "2 or 3".
    const std::regex exit_code("[1-4]( or [1-4])*");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const CatalogueRow& row = rows[i];
      INFO("docs/errors.md:" << row.line << ": " << row.id);
      CHECK(std::regex_match(row.id, kIdPattern));
      CHECK_MESSAGE(seen.insert(row.id).second, "duplicate row");
      CHECK_MESSAGE((i == 0 || !(row.id < rows[i - 1].id)), "rows are not sorted by id");
      CHECK_MESSAGE(!row.meaning.empty(), "empty meaning");
      CHECK_MESSAGE(std::regex_match(row.exit_code, exit_code),
                    "exit code '" << row.exit_code << "' is not 1, 2, 3, 4 or 'A or B'");
    }
  }
}
