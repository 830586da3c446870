#!/usr/bin/env bash
# Re-runs the initial-priority comparison of this folder: each run with initial_priority = actor (the default,
# the paper's) and with initial_priority = max (new sequences at the replay's maximum, the behaviour before):
#   configs/quickstart.conf     seeds 1-6 (the config's own stop_when_solved = true, budget 50,000)
#   configs/r2d2-tmaze-50.conf  seeds 1-3 (the config's own budget, 1,000,000 env steps, not stopped when solved)
# runtime = sync (the configs'), two runs at a time (a 2-core machine). Each run directory's config.conf,
# metrics.csv, summary.json and provenance.json are copied here under <setting>-<config>-seed<N>/ and table.md
# is rewritten from them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
./mnemo run --help > /dev/null # builds the jar once, before the runs start in parallel
runs=()
for setting in actor max; do
  for seed in 1 2 3 4 5 6; do runs+=("$setting quickstart $seed"); done
  for seed in 1 2 3; do runs+=("$setting r2d2-tmaze-50 $seed"); done
done
out=$(mktemp -d)
pids=()
for run in "${runs[@]}"; do
  read -r setting config seed <<< "$run"
  name="$setting-$config-seed$seed"
  ( ./mnemo run "configs/$config.conf" --set "initial_priority=$setting" --set "seed=$seed" --out "$out/$name" \
      > "$out/$name.log" 2>&1 ) &
  pids+=($!)
  if [ "${#pids[@]}" -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
for run in "${runs[@]}"; do
  read -r setting config seed <<< "$run"
  name="$setting-$config-seed$seed"
  rm -rf "${here:?}/$name"
  mkdir -p "$here/$name"
  cp "$out/$name"/config.conf "$out/$name"/metrics.csv "$out/$name"/summary.json "$out/$name"/provenance.json \
    "$here/$name/"
done
python3 "$here/table.py" "$here" > "$here/table.md"
echo "wrote $here/table.md"
