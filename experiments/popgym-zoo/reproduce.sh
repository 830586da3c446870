#!/usr/bin/env bash
# Re-runs the POPGym-style table of memory cores from scratch into a fresh directory: the Easy level
# (configs/sweeps/popgym-zoo.conf: the 10 POPGym tasks Mnemo ships x 11 cores x 3 seeds, R2D2) and the Medium level
# (configs/sweeps/popgym-zoo-medium.conf: the same tasks at Medium, the cores its grid names). Then replaces easy/ and
# medium/ here with each run's record (config.conf, metrics.csv, summary.json, events.jsonl, provenance.json: not
# its checkpoints) and each sweep's summary and table (report/table.md, table.csv, heatmap.png, curves/).
# DRY_RUN=1 prints the commands. Easy: about 3.7 hours of wall time on 2 cores (7.4 h of run time, 2 runs at a time;
# the table gives each cell's wall time); Medium with GRU, LSTM and the mlp: about 31 minutes (3,318 s of run time).
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/popgym-zoo
out=$(scratch_dir)
build_once
step ./mnemo sweep configs/sweeps/popgym-zoo.conf --out "$out/easy"
step ./mnemo sweep configs/sweeps/popgym-zoo-medium.conf --out "$out/medium"
for level in easy medium; do copy_sweep "$out/$level" "$here/$level"; done
