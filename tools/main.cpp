// nnadc: command-line front end. Every subcommand lives in its own cmd_*.cpp file; app.cpp
// registers them.
#include <clocale>
#include <string>
#include <vector>

#include "app.h"

int main(int argc, char** argv) {
  // Numbers in decks, raw files and JSON are always written with '.' decimals.
  std::setlocale(LC_ALL, "C");
  return nnadc::cli::runApp(std::vector<std::string>(argv, argv + argc));
}
