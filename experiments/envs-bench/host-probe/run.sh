#!/bin/bash
# Usage: experiments/envs-bench/host-probe/run.sh [ID] [JVMS] [ROUNDS]  (from the repository root, after
# `mvn -o -q install -DskipTests`). Each JVM prints its rounds; the first two rounds are warm-up. Each JVM runs with
# the launcher's --add-modules jdk.incubator.vector; JAVA_FLAGS, if set, are added to its flags (e.g.
# JAVA_FLAGS=-XX:LoopUnrollLimit=0); CLASSES, if set, replaces envs/target/classes (ab.sh sets it to another
# revision's build).
set -euo pipefail
id=${1:-imaze}; jvms=${2:-8}; rounds=${3:-12}
classes=${CLASSES:-envs/target/classes}
out=$(mktemp -d)
javac -d "$out" -cp "$classes" experiments/envs-bench/host-probe/HostProbe.java
for k in $(seq 1 "$jvms"); do
  echo "== JVM $k ($(date -u +%H:%M:%S) UTC)"
  # shellcheck disable=SC2086
  java -XX:+UseParallelGC --add-modules jdk.incubator.vector ${JAVA_FLAGS:-} -cp "$classes:$out" \
    HostProbe "$id" "$rounds"
done
