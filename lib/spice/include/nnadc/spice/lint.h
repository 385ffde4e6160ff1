#pragma once
/// A topology check of ngspice decks that ngspice itself does not make: a node that only one
/// device terminal touches, that no voltage source (V, E, H, B v=) sets, and that the deck does
/// not observe (.save/.print/.meas, or a vector printed in a .control block), is dangling (a hand
/// edit that deleted a resistor leaves an inverter gate floating, for example). ngspice still
/// converges, through the tiny gmin conductance it puts from every node to ground, and reports a
/// meaningless voltage with no message; this check names the node instead.
///
/// Understood: continuation lines, comments (`*` lines, `;` and ` $ ` tails), .control blocks,
/// .subckt scopes (ports count as connected from outside and are never reported), the element
/// letters R C L V I D Q J M B E G F H S W K X, behavioural expressions (v(a) and v(a, b) count as
/// uses of a and b), E/G sources in VALUE/TABLE/POLY form. Node "0" is ground.
#include <string>
#include <vector>

namespace nnadc::spice {

struct DanglingNode {
  std::string node;
  std::string scope;  ///< "" = top level, else the subcircuit's name
  int line = 0;       ///< 1-based line of the element that touches it
};

/// The dangling nodes of an ngspice deck (text), in order of appearance.
std::vector<DanglingNode> danglingNodes(const std::string& deck);

/// Throws InputError NNADC-NET-020 naming `deck_name` and the first dangling nodes (the deck ran,
/// so the message says so: their voltages are meaningless and nothing was written).
void requireNoDanglingNodes(const std::string& deck, const std::string& deck_name);

}  // namespace nnadc::spice
