#!/bin/bash
# Alternates `bench ald` between two builds, ROUNDS times each, printing the peak, the training pass and the whole
# updates of every run. Each build is a directory holding mnemo-experiments.jar and its lib/ (copy
# experiments/target/mnemo-experiments.jar and experiments/target/lib after `mvn -o -q package -DskipTests`, then put
# the agents jar of the revision under test into lib/). Usage: ab-ald.sh OLD_DIR NEW_DIR ROUNDS [bench args...]
set -euo pipefail
old=$1; new=$2; rounds=$3; shift 3
for r in $(seq 1 "$rounds"); do
  for v in "$old" "$new"; do
    echo "== $v round $r $(date +%T)"
    OMP_NUM_THREADS=1 java -Xmx8g -XX:+UseParallelGC --add-modules jdk.incubator.vector -jar "$v/mnemo-experiments.jar" \
      bench ald samediff=false "$@" 2>&1 | grep -E "peak:|Java engine|whole update"
  done
done
