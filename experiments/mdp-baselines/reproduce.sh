#!/usr/bin/env bash
# Regenerates results.csv, tuning.csv and table.md of this folder: the tabular MDP baselines on the RL² paper's
# random MDPs for n = 10, 25, 50, 75, 100 episodes, 1000 evaluation tasks (seed 20161110) with constants tuned on
# 250 separate tasks (tune_seed 1), 2 threads (every value from configs/mdp-baselines.conf and the kind's
# defaults). The run's config.conf, provenance.json, summary.json, metrics.csv and events.jsonl are kept in run/
# with the three tables. About 4-5 min on two cores. DRY_RUN=1 prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/mdp-baselines
out=$(scratch_dir)
step ./mnemo run configs/mdp-baselines.conf --out "$out/run"
if ! dry_run; then
  cp "$out/run/results.csv" "$out/run/tuning.csv" "$out/run/table.md" "$here/"
  copy_run "$out/run" "$here/run" config.conf provenance.json summary.json metrics.csv events.jsonl results.csv \
    tuning.csv table.md
  echo "wrote $here/results.csv, $here/tuning.csv, $here/table.md and $here/run/"
fi
