#!/usr/bin/env bash
# Re-runs every run kept in this folder from its own committed config.conf (the fully resolved config of the run,
# whose first line names the config file and --set overrides it was made from), two at a time (a 2-core
# machine), with initial_priority = max: the runs predate actor-side initial priorities, now the default, and
# their config.conf files have no such key. Each new run directory's config.conf, summary.json, metrics.csv,
# provenance.json and eval_return.png replace the folder's. The first table of NOTES.md is written by hand from
# these summaries; the runs it marks "not committed" are not rerun. Wall time: the six runs took 3,908 s one by
# one on the shared machine (Medium alone 1,721 s); two at a time in this order, about 42 min at those speeds.
# DRY_RUN=1 prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/r2d2-configs
runs=(repeatprevious-medium tmaze-200 tmaze-100-seed2-1.5M tmaze-100 repeatprevious-easy cartpole-position)
out=$(scratch_dir)
build_once
for name in "${runs[@]}"; do
  background "$out/$name.log" ./mnemo run "$here/$name/config.conf" --set initial_priority=max --out "$out/$name"
done
wait_all
for name in "${runs[@]}"; do
  step_to /dev/null ./mnemo report "$out/$name"
  copy_run "$out/$name" "$here/$name" config.conf summary.json metrics.csv provenance.json
  dry_run || cp "$out/$name"/plots/eval_return.png "$here/$name/" 2>/dev/null || true
done
dry_run || echo "wrote ${runs[*]/#/$here/} (logs: $out)"
