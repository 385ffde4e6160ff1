#pragma once
/// Checks of a user's deck before it reaches ngspice (`nnadc sim --deck`). A deck is a program:
/// ngspice runs the commands of its `.control` blocks, `shell` (any command line) among them.
#include <string>

#include "nnadc/sim/simulator.h"

namespace nnadc::sim {

/// Throws InputError NNADC-NET-022 naming `deck_name` if the deck holds no line other than blanks
/// and `*` comments.
void requireNonEmptyDeck(const std::string& deck, const std::string& deck_name);

/// Throws InputError NNADC-NET-021 naming `deck_name` and the line (1-based) of the first line of
/// a `.control` block that uses the word `shell` (as a command, or in an alias or loop that
/// could run one), or naming the first such `request.commands` entry. It reads the deck's own
/// text: a file the deck `.include`s or `source`s is not read.
void refuseShellCommands(const RunRequest& request, const std::string& deck_name);

}  // namespace nnadc::sim
