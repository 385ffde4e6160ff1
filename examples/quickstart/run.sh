#!/usr/bin/env bash
# Quick start: characterise the shipped inverter, train a small 3-bit stage on it, measure it
# behaviourally, emit its SPICE deck and check it in ngspice.
# Usage: examples/quickstart/run.sh [path/to/nnadc] [output folder]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nnadc="${1:-$here/../../build/nnadc}"
out="${2:-$here/out}"
mkdir -p "$out"
"$nnadc" characterize -o "$out/vtc.json" --quiet
sed "s#@VTC@#$out/vtc.json#" "$here/stage3.json" > "$out/stage3.json"
"$nnadc" train --config "$out/stage3.json" -o "$out/stage3.design.json"
"$nnadc" eval --design "$out/stage3.design.json" -o "$out/stage3.metrics.json" --require-enob 2.5
"$nnadc" emit --design "$out/stage3.design.json" --bench static --points 256 -o "$out/stage3.cir"
"$nnadc" sim --design "$out/stage3.design.json" --bench static --points 256 \
  -o "$out/stage3.spice.json"
echo "quickstart: results in $out" >&2
