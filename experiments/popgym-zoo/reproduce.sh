#!/usr/bin/env bash
# Re-runs the POPGym-style table of memory cores (configs/sweeps/popgym-zoo.conf: every POPGym Easy task Mnemo
# ships x every core x 3 seeds, R2D2) from scratch into a fresh directory, then replaces easy/ here with each
# run's record (config.conf, metrics.csv, summary.json, events.jsonl, provenance.json: not its checkpoints) and
# the sweep's summary and table (report/table.md, table.csv, heatmap.png, curves/). DRY_RUN=1 prints the commands.
# About 3 hours of wall time on 2 cores (the sweep runs 2 at a time; its table gives each cell's wall time).
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/popgym-zoo
out=$(scratch_dir)
build_once
step ./mnemo sweep configs/sweeps/popgym-zoo.conf --out "$out/easy"
if ! dry_run; then
  rm -rf "${here:?}/easy"
  mkdir -p "$here/easy"
  cp "$out/easy/sweep-summary.json" "$here/easy/"
  cp -r "$out/easy/report" "$here/easy/"
  (cd "$out/easy" && find . -mindepth 3 -maxdepth 3 -type d -name 'seed-*' ! -name '*.attempt-*') | while read -r run; do
    copy_run "$out/easy/$run" "$here/easy/$run" config.conf metrics.csv summary.json events.jsonl provenance.json
  done
fi
