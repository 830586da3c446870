#!/usr/bin/env bash
# T-Maze 10 (configs/quickstart.conf, initial_priority = max as when the committed runs were made) with every
# recurrent core: seeds 1-3 from the stored state (stop when solved, 150k budget) and seed 1 from zero states
# (the paper's ablation, 30k budget), one run at a time. Each run directory (config.conf, metrics.csv,
# summary.json, events.jsonl, provenance.json) is copied to tmaze-10/<core>-seed<N>[-zero-state]/ and
# tmaze-10/table.md is rewritten from the summaries. DRY_RUN=1 prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/r2d2-cores
out=$(scratch_dir)
dry_run || { rm -rf "$here/tmaze-10"; mkdir -p "$here/tmaze-10"; }
for core in lstm gru ln_gru elman; do
  for seed in 1 2 3; do
    name="$core-seed$seed"
    step_to /dev/null ./mnemo run configs/quickstart.conf --set core="$core" --set seed="$seed" \
      --set total_env_steps=150000 --set initial_priority=max --out "$out/$name"
    copy_run "$out/$name" "$here/tmaze-10/$name" config.conf metrics.csv summary.json events.jsonl provenance.json
  done
  name="$core-seed1-zero-state"
  step_to /dev/null ./mnemo run configs/quickstart.conf --set core="$core" --set stored_state=false \
    --set total_env_steps=30000 --set initial_priority=max --out "$out/$name"
  copy_run "$out/$name" "$here/tmaze-10/$name" config.conf metrics.csv summary.json events.jsonl provenance.json
done
step_to "$here/tmaze-10/table.md" python3 "$here/tmaze10-table.py" "$here/tmaze-10"
dry_run || echo "wrote $here/tmaze-10/table.md"
