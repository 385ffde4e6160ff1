#!/usr/bin/env bash
# Regenerates the stage-plan x residue-style table of docs/pipeline.md (issue 5): trains each
# recipe under training/ and training/variants/, evaluates it nominally and with every conductance
# * exp(N(0, 1%)) over 100 draws, and prints one markdown row per design. Needs build/nnadc and
# python3 (to read the JSON). Takes ~20 minutes on 2 cores, mostly the residue networks.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/nnadc_pipeline_table}"
mkdir -p "$out"
for recipe in training/adc14.json training/variants/*.json; do
  name="$(basename "$recipe" .json)"
  start=$(date +%s)
  ./build/nnadc train --config "$recipe" -o "$out/$name.design.json" --quiet
  seconds=$(( $(date +%s) - start ))
  ./build/nnadc eval --design "$out/$name.design.json" --variation-sigma 0.01 --draws 100 \
    -o "$out/$name.metrics.json" --quiet
  python3 - "$out/$name.design.json" "$out/$name.metrics.json" "$name" "$seconds" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))
cells = inverters = amplifiers = 0
plan = []
for i, s in enumerate(d["stages"]):
    nz = lambda rows: sum(1 for r in rows for c in r if c > 0)
    cells += nz(s["cells"]["hidden"]) + nz(s["cells"]["output"])
    inverters += 2 * s["hidden"] + s["code"]["outputs"]
    r = s.get("residue")
    if r is None:
        plan.append(f'{s["bits"]}')
    elif r["style"] == "amplifier":
        amplifiers += 1
        plan.append(f'{s["bits"]}A')
    else:
        cells += nz(r["network"]["cells"]["hidden"]) + nz(r["network"]["cells"]["output"])
        inverters += 2 * r["network"]["hidden"]
        plan.append(f'{s["bits"]}N')
v = m["variation"]
print(f'| {sys.argv[3]} | {"-".join(plan)} | {m["enob"]:.2f} | [{m["dnl_lsb_min"]:.2f}, {m["dnl_lsb_max"]:.2f}] | '
      f'{m["missing_codes"]} | {v["median_enob"]:.2f} | {v["min_enob"]:.2f} | {cells} | {inverters} | {amplifiers} | {sys.argv[4]} |')
PY
done
