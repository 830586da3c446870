#!/usr/bin/env bash
# Regenerates results.csv and table.md of this folder: the bandit baselines on the RL² paper's nine (n, k)
# settings, 1000 instances each, seed 20161110, 2 threads, Gittins exact up to n = 100 and from a 250-price grid
# above, plus the fixed 500-pull look-ahead variant (every value from configs/bandit-baselines.conf). The same
# BanditTableEvaluation with the same settings as the committed table's
# `java ... BanditTableEvaluation --gittins-fixed-lookahead 500` (NOTES.md); through `mnemo run` the run also
# records its commit: its config.conf, provenance.json, summary.json, metrics.csv and events.jsonl are kept in
# run/. About 4 min on two free cores, 17 min on a shared machine. DRY_RUN=1 prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/bandit-baselines
out=$(scratch_dir)
step ./mnemo run configs/bandit-baselines.conf --out "$out/run"
if ! dry_run; then
  cp "$out/run/results.csv" "$out/run/table.md" "$here/"
  copy_run "$out/run" "$here/run" config.conf provenance.json summary.json metrics.csv events.jsonl
  echo "wrote $here/results.csv, $here/table.md and $here/run/"
fi
