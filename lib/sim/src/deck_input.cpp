#include "nnadc/sim/deck_input.h"

#include <sstream>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::sim {

namespace {

// True when a whitespace-separated word of `line` is `shell` (any case). Words, not just the
// command: `alias sh shell` and `foreach ... shell` hide it behind another first word.
bool mentionsShell(std::string_view line) {
  std::istringstream words{std::string(line)};
  std::string word;
  while (words >> word) {
    if (toLower(word) == "shell") return true;
  }
  return false;
}

}  // namespace

void requireNonEmptyDeck(const std::string& deck, const std::string& deck_name) {
  std::istringstream lines(deck);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string_view t = trim(line);
    if (!t.empty() && t.front() != '*') return;
  }
  throw InputError("NNADC-NET-022", "deck '" + deck_name +
                                        "' is empty (no line other than blanks and comments); "
                                        "give a SPICE netlist with an analysis card");
}

void refuseShellCommands(const RunRequest& request, const std::string& deck_name) {
  std::istringstream lines(request.deck);
  std::string line;
  bool in_control = false;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string lower = toLower(trim(line));
    if (lower.starts_with(".control")) {
      in_control = true;
    } else if (lower.starts_with(".endc")) {
      in_control = false;
    } else if (in_control && mentionsShell(lower)) {
      throw InputError("NNADC-NET-021",
                       "deck '" + deck_name + "' line " + std::to_string(number) +
                           ": the .control block runs a shell command ('" +
                           std::string(trim(line)) +
                           "'); a deck is a program, pass --allow-shell to run it anyway");
    }
  }
  for (const std::string& command : request.commands) {
    if (mentionsShell(command)) {
      throw InputError("NNADC-NET-021",
                       "--command '" + command + "' (deck '" + deck_name +
                           "') runs a shell command; pass --allow-shell to run it anyway");
    }
  }
}

}  // namespace nnadc::sim
