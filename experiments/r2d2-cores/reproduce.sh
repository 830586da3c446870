#!/usr/bin/env bash
# Re-runs the recurrent-core comparison of this folder: each config with core = lstm and core = gru (the GRU
# configs differ from the LSTM ones in that key only), seed 1, runtime = sync, full budget. Two runs at a time
# (a 2-core machine), with initial_priority = max (the runs here predate the actor-side priority, now the
# default; experiments/r2d2-initial-priority compares the two); each run directory (config.conf, metrics.csv,
# summary.json, events.jsonl, provenance.json) is copied here under <config>/ with its eval_return.png, and
# table.md is rewritten from the summaries; then tmaze10.sh (T-Maze 10 with every core, tmaze-10/). DRY_RUN=1
# prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/r2d2-cores
runs=(r2d2-tmaze-50 r2d2-tmaze-50-gru r2d2-repeatprevious-easy r2d2-repeatprevious-easy-gru)
out=$(scratch_dir)
build_once
for name in "${runs[@]}"; do
  background "$out/$name.log" \
    ./mnemo run "configs/$name.conf" --set stop_when_solved=false --set initial_priority=max --out "$out/$name"
done
wait_all
for name in "${runs[@]}"; do
  copy_run "$out/$name" "$here/$name" config.conf metrics.csv summary.json events.jsonl provenance.json
  step_to /dev/null ./mnemo report "$out/$name"
  dry_run || cp "$out/$name"/plots/eval_return.png "$here/$name/" 2>/dev/null || true
done
step_to "$here/table.md" python3 "$here/table.py" "$here"
dry_run || echo "wrote $here/table.md and ${runs[*]}"
"$here/tmaze10.sh"
