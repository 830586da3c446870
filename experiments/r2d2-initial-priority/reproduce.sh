#!/usr/bin/env bash
# Re-runs the initial-priority comparison of this folder: each run with initial_priority = actor (the default,
# the paper's) and with initial_priority = max (new sequences at the replay's maximum, the behaviour before):
#   configs/quickstart.conf     seeds 1-6 (the config's own stop_when_solved = true, budget 50,000)
#   configs/r2d2-tmaze-50.conf  seeds 1-3 (the config's own budget, 1,000,000 env steps, not stopped when solved)
# runtime = sync (the configs'), two runs at a time (a 2-core machine). Each run directory's config.conf,
# metrics.csv, summary.json and provenance.json are copied here under <setting>-<config>-seed<N>/ and table.md
# is rewritten from them. DRY_RUN=1 prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/r2d2-initial-priority
build_once
runs=()
for setting in actor max; do
  for seed in 1 2 3 4 5 6; do runs+=("$setting quickstart $seed"); done
  for seed in 1 2 3; do runs+=("$setting r2d2-tmaze-50 $seed"); done
done
out=$(scratch_dir)
for run in "${runs[@]}"; do
  read -r setting config seed <<< "$run"
  name="$setting-$config-seed$seed"
  background "$out/$name.log" ./mnemo run "configs/$config.conf" --set "initial_priority=$setting" \
    --set "seed=$seed" --out "$out/$name"
done
wait_all
for run in "${runs[@]}"; do
  read -r setting config seed <<< "$run"
  name="$setting-$config-seed$seed"
  copy_run "$out/$name" "$here/$name" config.conf metrics.csv summary.json provenance.json
done
step_to "$here/table.md" python3 "$here/table.py" "$here"
dry_run || echo "wrote $here/table.md and its ${#runs[@]} run directories"
