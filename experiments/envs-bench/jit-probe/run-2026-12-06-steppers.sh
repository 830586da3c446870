#!/usr/bin/env bash
# The envs still below 1.0x after the steppers of 2026-12-06 (I-Maze, Meta-Fetch, the RL² bandit, CountRecall-Easy):
# one env and a VectorEnv of 64, each alone in eight fresh JVMs (Probe.java, random actions in a cycle of 2^22, as
# `bench envs` now), so that neither loop shares the JIT's profiles with the other; then the I-Maze's VectorEnv with
# C2 kept from inlining BaseEnv.checkSteps into the stepper's loop. Usage, from the repository root after
# `mvn -q install -DskipTests`:
#   experiments/envs-bench/jit-probe/run-2026-12-06-steppers.sh > experiments/envs-bench/jit-probe/out-2026-12-06-steppers.txt
# Read with care (experiments/envs-bench/NOTES.md, session 16): this probe times no canary, and the spread between its
# JVMs tracks the host's slow periods (../host-probe/); the dontinline flag's effect did not reproduce then.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/../../../envs/target/mnemo-envs-0.1.0-SNAPSHOT.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
javac -cp "$jar" -d "$work" "$here/Probe.java"
cp="$jar:$work"
echo "# $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), java $(java -version 2>&1 | head -1)"
for id in imaze metafetch bandit popgym/CountRecall-Easy; do
  for mode in single vector; do
    for run in 1 2 3 4 5 6 7 8; do
      java -XX:+UseParallelGC -cp "$cp" Probe "$id" "$mode" 22 2>&1 >/dev/null
    done
  done
done
for run in 1 2 3 4 5 6 7 8; do
  echo "$(java -XX:+UseParallelGC -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,dev.mnemo.envs.BaseEnv::checkSteps \
    -cp "$cp" Probe imaze vector 22 2>&1 >/dev/null) | -XX:CompileCommand=dontinline,dev.mnemo.envs.BaseEnv::checkSteps"
done
checks="-XX:CompileCommand=dontinline,dev.mnemo.envs.BaseEnv::checkSteps"
checks="$checks -XX:CompileCommand=dontinline,dev.mnemo.envs.wrappers.Wrapper::checkSteps"
for run in 1 2 3 4 5 6 7 8; do
  # shellcheck disable=SC2086
  echo "$(java -XX:+UseParallelGC -XX:CompileCommand=quiet $checks -cp "$cp" Probe bandit vector 22 2>&1 >/dev/null) | $checks"
done
