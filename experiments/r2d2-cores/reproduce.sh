#!/usr/bin/env bash
# Re-runs the recurrent-core comparison of this folder: each config with core = lstm and core = gru (the GRU
# configs differ from the LSTM ones in that key only), seed 1, runtime = sync, full budget. Two runs at a time
# (a 2-core machine), with initial_priority = max (the runs here predate the actor-side priority, now the
# default; experiments/r2d2-initial-priority compares the two); each run directory (config.conf, metrics.csv, summary.json, events.jsonl) is copied here
# under <config>/ with its eval_return.png, and table.md is rewritten from the summaries.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
runs=(r2d2-tmaze-50 r2d2-tmaze-50-gru r2d2-repeatprevious-easy r2d2-repeatprevious-easy-gru)
out=$(mktemp -d)
pids=()
for name in "${runs[@]}"; do
  ( ./mnemo run "configs/$name.conf" --set stop_when_solved=false --set initial_priority=max --out "$out/$name" \
      > "$out/$name.log" 2>&1 ) &
  pids+=($!)
  if [ "${#pids[@]}" -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
for name in "${runs[@]}"; do
  dir="$out/$name"
  rm -rf "${here:?}/$name"
  mkdir -p "$here/$name"
  cp "$dir"/config.conf "$dir"/metrics.csv "$dir"/summary.json "$dir"/events.jsonl "$dir"/provenance.json "$here/$name/"
  ./mnemo report "$dir" > /dev/null
  cp "$dir"/plots/eval_return.png "$here/$name/" 2>/dev/null || true
done
python3 "$here/table.py" "$here" > "$here/table.md"
echo "wrote $here/table.md"
