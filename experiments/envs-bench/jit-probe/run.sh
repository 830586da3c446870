#!/usr/bin/env bash
# Six fresh JVMs per case, each stepping one env for 3 s of warm-up and 7 x 0.5 s of measurement (median printed):
# how much one JVM's compilation order moves a VectorEnv's rate, and whether C2 inlined Env.stepInto into the
# VectorEnv's loop in each JVM (from -XX:+LogCompilation, read by inline_tree.py). Usage, from the repository root
# after `mvn -q install -DskipTests`: experiments/envs-bench/jit-probe/run.sh > experiments/envs-bench/jit-probe/out.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/../../../envs/target/mnemo-envs-0.1.0-SNAPSHOT.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
javac -cp "$jar" -d "$work" "$here/Probe.java"
cp="$jar:$work"
echo "# $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), java $(java -version 2>&1 | head -1)"
for id in metafetch bandit; do
  for mode in single vector; do
    for run in 1 2 3 4 5 6; do
      log="$work/$id-$mode-$run.log"
      rate=$(java -XX:+UseParallelGC -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile="$log" \
        -cp "$cp" Probe "$id" "$mode" 2>&1 >/dev/null)
      inl=""
      if [ "$mode" = vector ]; then
        inl=" | C2's last compile of VectorEnv.step: $(python3 "$here/inline_tree.py" "$log" 'VectorEnv step')"
      fi
      echo "$rate$inl"
    done
  done
  for run in 1 2 3 4 5 6; do
    echo "$(java -XX:+UseParallelGC -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,*::stepInto -cp "$cp" \
      Probe "$id" vector 2>&1 >/dev/null) | -XX:CompileCommand=dontinline,*::stepInto"
  done
done
