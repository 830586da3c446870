#!/bin/bash
# Usage: experiments/envs-bench/host-probe/run.sh [ID] [JVMS] [ROUNDS]  (from the repository root, after
# `mvn -o -q install -DskipTests`). Each JVM prints its rounds; the first two rounds are warm-up.
set -euo pipefail
id=${1:-imaze}; jvms=${2:-8}; rounds=${3:-12}
out=$(mktemp -d)
javac -d "$out" -cp envs/target/classes experiments/envs-bench/host-probe/HostProbe.java
for k in $(seq 1 "$jvms"); do
  echo "== JVM $k ($(date -u +%H:%M:%S) UTC)"
  java -XX:+UseParallelGC -cp "envs/target/classes:$out" HostProbe "$id" "$rounds"
done
