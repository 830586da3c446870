#!/bin/bash
# A/B of two revisions of the envs module in fresh JVMs, taking turns (A, B, A, B, ...) so that the host's slow
# periods fall on both: experiments/envs-bench/host-probe/ab.sh REV_A REV_B ID PAIRS [ROUNDS], from the repository
# root. Each revision's envs sources are compiled apart (compile-envs.sh: git archive + javac); each JVM
# runs HostProbe (vector, one env, canary per round). Read only rounds whose canary is near the run's fastest.
set -euo pipefail
a=$1; b=$2; id=$3; pairs=$4; rounds=${5:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for rev in "$a" "$b"; do
  experiments/envs-bench/host-probe/compile-envs.sh "$rev" "$work/$rev"
done
echo "# ab.sh $a $b $id $pairs $rounds at $(git rev-parse --short HEAD), $(date -u '+%F %H:%M') UTC"
for p in $(seq 1 "$pairs"); do
  for rev in "$a" "$b"; do
    echo "=== pair $p, revision $rev"
    CLASSES="$work/$rev/classes" experiments/envs-bench/host-probe/run.sh "$id" 1 "$rounds" | grep -v '^== JVM'
  done
done
