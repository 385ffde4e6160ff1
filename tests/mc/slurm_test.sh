#!/usr/bin/env bash
# nnadc mc --slurm on a real single-node Slurm cluster (tests/mc/slurm_cluster.sh): a 4-task job
# array and its dependent merge job must give per-die tables byte-identical to a local,
# unsharded run of the same campaign. Fails (never skips) when the cluster cannot start.
# Usage: slurm_test.sh NNADC SOURCE_DIR SCRATCH_DIR
set -euo pipefail
nnadc="$(realpath "$1")"
src="$(realpath "$2")"
scratch="$3"
here="$(dirname "$(realpath "$0")")"
# shellcheck source=tests/mc/slurm_cluster.sh
source "$here/slurm_cluster.sh"

fail() {
  echo "mc_slurm: FAIL: $*" >&2
  exit 1
}

rm -rf "$scratch"
mkdir -p "$scratch"
scratch="$(realpath "$scratch")"
# The cluster's own files live in a short /tmp path: munged's socket path must stay under the
# 108-byte limit of a Unix socket whatever the build folder is.
cluster="$(mktemp -d /tmp/nnadc-slurm.XXXXXX)"
cleanup() {
  slurm_cluster_stop "$cluster"
  rm -rf "$cluster"
}
trap cleanup EXIT

slurm_cluster_start "$cluster" || fail "the single-node Slurm cluster did not start"

campaign=(--design "$src/training/adc14.design.json" --recipe "$src/examples/mc/variation.json"
  --spec "$src/examples/mc/spec.json" --dies 24 --seed 11)

echo "mc_slurm: local unsharded run" >&2
"$nnadc" mc "${campaign[@]}" --workers 1 --quiet -o "$scratch/local" ||
  fail "the local campaign failed"

echo "mc_slurm: writing the job array (4 shards) and the merge job" >&2
"$nnadc" mc "${campaign[@]}" --slurm --slurm-shards 4 --slurm-cpus 1 --quiet \
  -o "$scratch/cluster" || fail "nnadc mc --slurm failed"
for f in array.sbatch merge.sbatch submit.sh; do
  [[ -f "$scratch/cluster/slurm/$f" ]] || fail "nnadc mc --slurm did not write slurm/$f"
done

echo "mc_slurm: submitting" >&2
(cd "$scratch" && bash "$scratch/cluster/slurm/submit.sh") >"$scratch/submit.out" 2>&1 ||
  { cat "$scratch/submit.out" >&2; fail "submit.sh failed"; }
cat "$scratch/submit.out" >&2

# Wait for the queue to drain (array tasks, then the merge), at most 10 minutes.
deadline=$((SECONDS + 600))
while [[ -n "$(squeue -h 2>/dev/null)" ]]; do
  if ((SECONDS > deadline)); then
    squeue >&2 || true
    slurm_cluster_dump_logs "$cluster"
    fail "the jobs did not finish in 10 minutes"
  fi
  sleep 1
done

for f in "$scratch"/cluster/slurm/*.log; do
  [[ -f "$f" ]] && { echo "---- $f" >&2; tail -n 5 "$f" >&2; }
done
tasks="$(ls -d "$scratch"/cluster/shard-* 2>/dev/null | wc -l)"
[[ "$tasks" -eq 4 ]] || fail "expected 4 shard folders from the array tasks, found $tasks"
for f in dies.csv dies.json; do
  [[ -f "$scratch/cluster/$f" ]] || fail "the merge job did not write $f"
  cmp "$scratch/local/$f" "$scratch/cluster/$f" ||
    fail "$f of the Slurm run differs from the local run"
done
echo "mc_slurm: 4 array tasks + merge on Slurm == local run (dies.csv, dies.json identical)" >&2
