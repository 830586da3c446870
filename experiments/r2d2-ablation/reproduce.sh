#!/usr/bin/env bash
# Regenerates this folder's stored-state / burn-in ablation (NOTES.md): preset long (4 seeds x 4 variants, here:
# results.csv, runs.csv, table.md, plot.png) and preset short (5 seeds x 4 variants, short-sequences/), the two
# presets side by side (a 2-core machine), each training its runs one after another in child JVMs.
# R2d2Ablation is not a `mnemo` subcommand: it runs from the CLI's jar (./mnemo builds it). Its configs are in
# the code (R2d2Ablation.config) and already set initial_priority = max, as when the committed runs were made.
# JDK_JAVA_OPTIONS hands the Vector API module to the child JVMs too (without it their kernels fall back to
# plain loops). About 12 min per preset on the shared machine. DRY_RUN=1 prints the commands and runs nothing.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/r2d2-ablation
out=$(scratch_dir)
build_once
if ! dry_run; then
  . bin/openblas-env.sh
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" JDK_JAVA_OPTIONS="--add-modules jdk.incubator.vector"
fi
ablation=(java -cp experiments/target/mnemo-experiments.jar dev.mnemo.learners.r2d2.ablation.R2d2Ablation)
background "$out/long.log" "${ablation[@]}" --out "$out/long" --seeds 4
background "$out/short.log" "${ablation[@]}" --preset short --out "$out/short" --seeds 5
wait_all
if ! dry_run; then
  cp "$out/long"/{results.csv,runs.csv,table.md,plot.png} "$here/"
  cp "$out/short"/{results.csv,runs.csv,table.md,plot.png} "$here/short-sequences/"
  echo "wrote $here/{results.csv,runs.csv,table.md,plot.png} and $here/short-sequences/ (logs: $out)"
fi
