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
