#!/usr/bin/env bash
# The paper-shape learner soak on the current (all-Java) engine: `./mnemo bench r2d2 soak 20000` (batch 64,
# burn-in 40 + trace 80 + n 5, LSTM 128, System.gc() every 50 updates) into soak-paper-20000-java.txt, after a
# first line naming the commit and the date (the benchmark's own header records neither). The committed
# soak-paper-20000.txt and soak-small-20000.txt are the earlier ND4J-era engine's and are left as they are
# (NOTES.md). Not yet run: at the bench's 110-125 ms of CPU per update about 40 min on a free core, longer on a
# shared one. DRY_RUN=1 prints the command and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/r2d2-soak
file="$here/soak-paper-20000-java.txt"
build_once
if dry_run; then
  echo "./mnemo bench r2d2 soak 20000 > $file"
  exit 0
fi
tmp=$(mktemp)
echo "# commit $(source_commit), $(date -u +%Y-%m-%dT%H:%M:%SZ), OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}: ./mnemo bench r2d2 soak 20000" > "$tmp"
./mnemo bench r2d2 soak 20000 >> "$tmp"
mv "$tmp" "$file"
echo "wrote $file"
