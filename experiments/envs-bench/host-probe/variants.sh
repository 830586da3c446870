#!/bin/bash
# Scratch variants of the envs module against their base, in fresh JVMs taking turns: from the repository root,
#   experiments/envs-bench/host-probe/variants.sh REV ID PAIRS ROUNDS PATCH...
# compiles REV's envs sources (git archive + javac, as ab.sh does) and, for each PATCH, a copy with that patch applied,
# then runs PAIRS passes of HostProbe over ID (base first, then each variant; ROUNDS rounds per JVM). Read it with
# summarise.py. A variant is an experiment, not a proposal: most measure what removing some work would gain.
set -euo pipefail
rev=$1; id=$2; pairs=$3; rounds=$4; shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names=(base)
mkdir -p "$work/base/src"
git archive "$rev" envs/src/main/java | tar -x -C "$work/base/src"
for patch in "$@"; do
  name=$(basename "$patch" .patch)
  names+=("$name")
  cp -r "$work/base/src" "$work/$name-src"
  mkdir -p "$work/$name"
  mv "$work/$name-src" "$work/$name/src"
  (cd "$work/$name/src" && git apply "$OLDPWD/$patch")
done
for name in "${names[@]}"; do
  find "$work/$name/src" -name '*.java' > "$work/$name/sources.txt"
  javac -nowarn --add-modules jdk.incubator.vector -d "$work/$name/classes" @"$work/$name/sources.txt"
done
echo "# variants.sh $rev $id $pairs $rounds $* at $(git rev-parse --short HEAD), $(date -u '+%F %H:%M') UTC"
for p in $(seq 1 "$pairs"); do
  for name in "${names[@]}"; do
    echo "=== pair $p, $name"
    CLASSES="$work/$name/classes" experiments/envs-bench/host-probe/run.sh "$id" 1 "$rounds" 2>/dev/null \
      | grep -v '^== JVM'
  done
done
