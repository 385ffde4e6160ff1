#!/usr/bin/env bash
# Element counts of a SPICE deck after ngspice's own subcircuit expansion (`listing e`), for the
# converter comparison in docs/buildable.md. Usage: docs/deck_counts.sh DECK.cir
# Prints MOSFETs, capacitors, resistors (RRAM cells and switch models), behavioural sources (B and
# E elements: ideal parts) and voltage sources. The deck's own .control block is replaced by one
# that only lists the expanded circuit, so nothing is simulated.
set -euo pipefail
deck=${1:?usage: docs/deck_counts.sh DECK.cir}
tmp=$(mktemp --suffix=.cir)
trap 'rm -f "$tmp"' EXIT
awk 'BEGIN { c = 0 } /^\.control/ { c = 1 } c == 0 && !/^\.end$/ { print } /^\.endc/ { c = 0 }' \
  "$deck" >"$tmp"
printf '.control\nlisting e\n.endc\n.end\n' >>"$tmp"
ngspice -b "$tmp" 2>/dev/null | awk '
  /^[ \t]*[0-9]+ *:/ { sub(/^[ \t]*[0-9]+ *: */, ""); l = tolower(substr($1, 1, 1))
    if (l == "m") m++; else if (l == "c") c++; else if (l == "r") r++
    else if (l == "b" || l == "e") b++; else if (l == "v") v++ }
  END { printf "mosfets %d capacitors %d resistors %d behavioural %d vsources %d\n", m, c, r, b, v }'
