#!/bin/bash
# Compiles one revision's envs module apart, for ab.sh and variants.sh: from the repository root,
#   experiments/envs-bench/host-probe/compile-envs.sh REV DIR [PATCH]
# extracts REV's envs/src/main/java into DIR/src (git archive), applies PATCH there if given, and compiles it into
# DIR/classes (javac: the module needs the JDK only, with the Vector API the launcher adds).
set -euo pipefail
rev=$1; dir=$2; patch=${3:-}
mkdir -p "$dir/src" "$dir/classes"
git archive "$rev" envs/src/main/java | tar -x -C "$dir/src"
if [ -n "$patch" ]; then
  patch=$(realpath "$patch")
  (cd "$dir/src" && git apply "$patch")
fi
find "$dir/src" -name '*.java' > "$dir/sources.txt"
javac -nowarn --add-modules jdk.incubator.vector -d "$dir/classes" @"$dir/sources.txt"
