#!/bin/bash
# Scratch variants of the envs module against their base, in fresh JVMs taking turns: from the repository root,
#   experiments/envs-bench/host-probe/variants.sh REV ID PAIRS ROUNDS PATCH...
# compiles REV's envs sources (compile-envs.sh, as ab.sh does) and, for each PATCH, a copy with that patch applied,
# then runs PAIRS passes of HostProbe over ID (base first, then each variant; ROUNDS rounds per JVM). Read it with
# summarise.py. A variant is an experiment, not a proposal: most measure what removing some work would gain.
set -euo pipefail
rev=$1; id=$2; pairs=$3; rounds=$4; shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names=(base)
experiments/envs-bench/host-probe/compile-envs.sh "$rev" "$work/base"
for patch in "$@"; do
  name=$(basename "$patch" .patch)
  names+=("$name")
  experiments/envs-bench/host-probe/compile-envs.sh "$rev" "$work/$name" "$patch"
done
echo "# variants.sh $rev $id $pairs $rounds $* at $(git rev-parse --short HEAD), $(date -u '+%F %H:%M') UTC"
for p in $(seq 1 "$pairs"); do
  for name in "${names[@]}"; do
    echo "=== pair $p, $name"
    CLASSES="$work/$name/classes" experiments/envs-bench/host-probe/run.sh "$id" 1 "$rounds" 2>/dev/null \
      | grep -v '^== JVM'
  done
done
