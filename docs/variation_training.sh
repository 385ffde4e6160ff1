#!/usr/bin/env bash
# Regenerates docs/montecarlo.md's "Training against the campaign" table: the shipped 14-bit plan
# trained plain and with AxTrain passive / active / both against examples/mc/variation.json (and
# with the yield score), for
# several training seeds, each judged by the same 1000-die campaign (same dies, same spec).
# Usage: [MODES="plain passive ..."] docs/variation_training.sh [BUILD_DIR] [OUT_DIR] [SEEDS...]
# (from the repository root; a mode names training/variants/adc14_axtrain_<mode>.json, plain the
# shipped plan's adc14_plain.json)
set -euo pipefail
build=${1:-build}
out=${2:-variation_training}
shift 2 2>/dev/null || true
seeds=("$@")
[[ ${#seeds[@]} -gt 0 ]] || seeds=(1 2 3)
mkdir -p "$out"
for seed in "${seeds[@]}"; do
  for mode in ${MODES:-plain passive active both plain_yield passive_yield}; do
    name="$mode-seed$seed"
    src=training/variants/adc14_axtrain_$mode.json
    [[ $mode == plain ]] && src=training/variants/adc14_plain.json
    cfg="$out/$name.recipe.json"
    # The variant with its seed; paths inside stay relative to training/variants.
    python3 - "$src" "$cfg" "$seed" "$PWD/training/variants" <<'PY'
import json, os, sys
src, cfg, seed, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
d = json.load(open(src))
d["seed"] = seed
d["vtc"] = os.path.normpath(os.path.join(base, d["vtc"]))
v = d["training"].get("variation")
if v:
    v["recipe"] = os.path.normpath(os.path.join(base, v["recipe"]))
json.dump(d, open(cfg, "w"), indent=2)
PY
    if [[ ! -f $out/$name.design.json ]]; then
      /usr/bin/time -f "$name train %e s wall %U s user" "$build/nnadc" train --quiet \
        --config "$cfg" -o "$out/$name.design.json"
    fi
    if [[ ! -f $out/$name.mc/mc.json ]]; then
      "$build/nnadc" mc --quiet --design "$out/$name.design.json" \
        --recipe examples/mc/variation.json --spec examples/mc/spec.json --dies 1000 --seed 1 \
        --workers 2 -o "$out/$name.mc"
    fi
    python3 - "$out/$name.mc/mc.json" "$name" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
w = m["yield_wilson"]
print(f"{sys.argv[2]}: {m['passed']}/{m['dies']} Wilson [{100*w[0]:.1f}, {100*w[1]:.1f}] %")
PY
  done
done
# Summary: yield per mode and seed, and per mode the dies it passes and plain fails (and back),
# pooled over seeds, with McNemar's exact two-sided p (same dies, same seeds).
python3 - "$out" "${seeds[@]}" <<'PY'
import csv, math, os, sys
out, seeds = sys.argv[1], sys.argv[2:]
modes = os.environ.get("MODES", "plain passive active both plain_yield passive_yield").split()
def passes(name):
    path = os.path.join(out, name + ".mc", "dies.csv")
    if not os.path.exists(path):
        return None
    return [row["pass"] == "1" for row in csv.DictReader(open(path))]
def mcnemar(b, c):
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(0, min(b, c) + 1)) / 2 ** n
    return min(1.0, 2 * tail)
print("| mode | " + " | ".join(f"seed {s}" for s in seeds) + " | mean | vs plain: only this / only plain | McNemar p |")
print("|---" * (len(seeds) + 4) + "|")
for mode in modes:
    cells, total, n, only_this, only_plain = [], 0, 0, 0, 0
    for s in seeds:
        p = passes(f"{mode}-seed{s}")
        q = passes(f"plain-seed{s}")
        if p is None:
            cells.append("-")
            continue
        cells.append(f"{sum(p)}/{len(p)}")
        total += sum(p)
        n += len(p)
        if q is not None and mode != "plain":
            only_this += sum(a and not b for a, b in zip(p, q))
            only_plain += sum(b and not a for a, b in zip(p, q))
    mean = f"{100 * total / n:.1f} %" if n else "-"
    vs = "" if mode == "plain" or not n else f"{only_this} / {only_plain}"
    pv = "" if mode == "plain" or not n else f"{mcnemar(only_this, only_plain):.3g}"
    print(f"| {mode} | " + " | ".join(cells) + f" | {mean} | {vs} | {pv} |")
PY
