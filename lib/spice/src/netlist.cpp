#include "nnadc/spice/netlist.h"

#include "nnadc/core/text.h"

namespace nnadc::spice {

void Netlist::comment(const std::string& text) { cards_.push_back("* " + text); }

void Netlist::card(const std::string& text) { cards_.push_back(text); }

std::string Netlist::text() const {
  std::string out = "* " + title_ + "\n";
  for (const std::string& c : cards_) {
    out += c;
    if (out.empty() || out.back() != '\n') out += '\n';
  }
  out += ".end\n";
  return out;
}

std::string spiceNumber(double value) { return formatDouble(value); }

}  // namespace nnadc::spice
