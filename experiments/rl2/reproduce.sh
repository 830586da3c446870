#!/usr/bin/env bash
# Re-runs RL² on the paper's settings that this folder reports (configs/rl2-bandits-n*-k*.conf and
# configs/rl2-mdps-n*.conf, seed 1, each at its committed budget), two at a time (a 2-core machine), copies each
# run directory (config.conf, metrics.csv, summary.json, events.jsonl, provenance.json, and its plots from
# `mnemo report`) under <config>-seed1/, and rewrites results.csv and table.md beside the baselines of
# experiments/bandit-baselines and experiments/mdp-baselines and the paper's column (Rl2Table).
# Wall time: see NOTES.md (each run's wall_seconds is in its summary.json). DRY_RUN=1 prints the commands.
# RL2_CONFIGS="rl2-bandits-n10-k5 ..." limits the runs.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/rl2
default_runs="rl2-bandits-n10-k5 rl2-bandits-n10-k10 rl2-bandits-n10-k50 rl2-bandits-n100-k5 rl2-bandits-n100-k5-ent05 rl2-bandits-n100-k10 rl2-bandits-n100-k10-ent05 rl2-mdps-n10 rl2-mdps-n10-ent05 rl2-mdps-n25-vl1 rl2-bandits-n500-k5 rl2-bandits-n100-k5-vl1 rl2-bandits-n100-k10-vl1"
read -r -a runs <<< "${RL2_CONFIGS:-$default_runs}"
out=$(scratch_dir)
build_once
for name in "${runs[@]}"; do
  background "$out/$name.log" ./mnemo run "configs/$name.conf" --out "$out/$name-seed1"
done
# Other seeds (config:seed; how much a seed moves the figure): seeds 2 and 3 of the first setting, and seed 2 of the
# annealed n = 10, k = 50 recipe (run from the start, its phase starting at 15M).
extra=()
if [ -z "${RL2_CONFIGS:-}" ]; then extra=(rl2-bandits-n10-k5:2 rl2-bandits-n10-k5:3 rl2-bandits-n10-k50-anneal:2); fi
for cs in "${extra[@]}"; do
  name="${cs%%:*}" seed="${cs##*:}"
  background "$out/$name-seed$seed.log" ./mnemo run "configs/$name.conf" --set seed="$seed" --out "$out/$name-seed$seed"
done
# The entropy-0.05 setting at n = 100, k = 5 continued to 14M and 30M env steps (constant schedule: the first 8M
# steps are the 8M run's).
long=()
if [ -z "${RL2_CONFIGS:-}" ]; then long=(14 30); fi
for m in "${long[@]}"; do
  background "$out/rl2-bandits-n100-k5-ent05-${m}M.log" ./mnemo run configs/rl2-bandits-n100-k5-ent05.conf \
    --set total_env_steps="${m}000000" --out "$out/rl2-bandits-n100-k5-ent05-${m}M-seed1"
done
# Seeds 2 and 3 of that 30M run, from the start (the setting reproduced at the edge of its interval: does it hold
# across seeds?).
seeds30=()
if [ -z "${RL2_CONFIGS:-}" ]; then seeds30=(2 3); fi
for seed in "${seeds30[@]}"; do
  background "$out/rl2-bandits-n100-k5-ent05-30M-seed$seed.log" ./mnemo run configs/rl2-bandits-n100-k5-ent05.conf \
    --set total_env_steps=30000000 --set seed="$seed" --out "$out/rl2-bandits-n100-k5-ent05-30M-seed$seed"
done
# The value's own lambda at MDP n = 10, to the 10.6M steps at which the lambda-0.3 run was stopped (constant
# schedule: the same parameters as the stopped run's), and the 3M probe with standardised advantages.
probes=()
if [ -z "${RL2_CONFIGS:-}" ]; then probes=(vl1); fi
for p in "${probes[@]}"; do
  background "$out/rl2-mdps-n10-vl1.log" ./mnemo run configs/rl2-mdps-n10-vl1.conf --set total_env_steps=10600000 \
    --out "$out/rl2-mdps-n10-vl1-seed1"
  background "$out/rl2-mdps-n10-advnorm-3M.log" ./mnemo run configs/rl2-mdps-n10.conf \
    --set normalize_advantages=true --set total_env_steps=3000000 --out "$out/rl2-mdps-n10-advnorm-3M"
done
wait_all
# n = 100, k = 10 with the value's own lambda continued with 2 learner threads: to 20M env steps, then a copy of that
# run resumed to 50M (constant schedule: the resumed run continues the 20M run's updates), after the runs above
# (each takes both cores). And MDP n = 10 with the reproduction's batch and step size, 2 learner threads, stopped at
# the env steps its committed summary.json records (it was stopped by hand; --set total_env_steps repeats that).
# The env steps of a committed run (runs stopped by hand are repeated to the same step with --set total_env_steps).
committed_steps() { python3 -c "import json; print(json.load(open('$here/$1-seed1/summary.json'))['env_steps'])"; }
cont=()
if [ -z "${RL2_CONFIGS:-}" ]; then cont=(k10 mdp gae09 mdp200m); fi
for c in "${cont[@]}"; do
  case "$c" in
    k10)
      step_to "$out/rl2-bandits-n100-k10-vl1-20M.log" ./mnemo run configs/rl2-bandits-n100-k10-vl1.conf \
        --set total_env_steps=20000000 --set learner_threads=2 --out "$out/rl2-bandits-n100-k10-vl1-20M-seed1"
      dry_run || cp -a "$out/rl2-bandits-n100-k10-vl1-20M-seed1" "$out/rl2-bandits-n100-k10-vl1-50M-seed1"
      step_to "$out/rl2-bandits-n100-k10-vl1-50M.log" ./mnemo run --resume "$out/rl2-bandits-n100-k10-vl1-50M-seed1" \
        --set total_env_steps=50000000
      runs+=(rl2-bandits-n100-k10-vl1-20M rl2-bandits-n100-k10-vl1-50M) ;;
    mdp)
      step_to "$out/rl2-mdps-n10-vl1-240k.log" ./mnemo run configs/rl2-mdps-n10-vl1-240k.conf --set learner_threads=2 \
        --set total_env_steps="${MDP_240K_STEPS:-$(committed_steps rl2-mdps-n10-vl1-240k)}" \
        --out "$out/rl2-mdps-n10-vl1-240k-seed1"
      runs+=(rl2-mdps-n10-vl1-240k) ;;
    gae09)
      # MDP n = 10, value lambda 1, with GAE's lambda 0.9 for the advantages: a 5M probe, then a copy resumed to 20M.
      step_to "$out/rl2-mdps-n10-vl1-gae09-5M.log" ./mnemo run configs/rl2-mdps-n10-vl1.conf --set gae_lambda=0.9 \
        --set total_env_steps=5000000 --set learner_threads=2 --set eval_interval=5 \
        --out "$out/rl2-mdps-n10-vl1-gae09-5M"
      dry_run || cp -a "$out/rl2-mdps-n10-vl1-gae09-5M" "$out/rl2-mdps-n10-vl1-gae09-20M-seed1"
      step_to "$out/rl2-mdps-n10-vl1-gae09-20M.log" ./mnemo run --resume "$out/rl2-mdps-n10-vl1-gae09-20M-seed1" \
        --set total_env_steps=20000000
      runs+=(rl2-mdps-n10-vl1-gae09-20M) ;;
    mdp200m)
      # MDP n = 10 on the 200M budget: one learner thread to 100.9M env steps, then (resumed there with
      # --set learner_threads=2, as the committed run was: its events.jsonl records the override) to the env steps
      # its summary.json records. A stop at total_env_steps leaves the checkpoint a stop by hand does.
      step_to "$out/rl2-mdps-n10-vl1-relu-mb20-200M.log" ./mnemo run configs/rl2-mdps-n10-vl1-relu-mb20-200M.conf \
        --set total_env_steps=100900000 --out "$out/rl2-mdps-n10-vl1-relu-mb20-200M-seed1"
      step_to "$out/rl2-mdps-n10-vl1-relu-mb20-200M-resumed.log" ./mnemo run \
        --resume "$out/rl2-mdps-n10-vl1-relu-mb20-200M-seed1" --set learner_threads=2 \
        --set total_env_steps="$(committed_steps rl2-mdps-n10-vl1-relu-mb20-200M)"
      runs+=(rl2-mdps-n10-vl1-relu-mb20-200M) ;;
  esac
done
# The GRU cell and its width at MDP n = 10 and n = 25, the cell at n = 100 and 500 pulls, and the size of each update's
# step (no gradient clip, step size 1e-3, 20 minibatches per epoch) at MDPs n = 10 and 25 and on three bandit settings
# (two at a time; one learner thread each, the 20-minibatch MDP n = 25 config two). Some were stopped by hand: each runs to the env steps its summary.json records.
# The *-anneal configs (an annealing phase after the run they include; committed as that run resumed with the
# phase's keys, which the schedule's start makes step for step the fresh run of the config) run from the start here.
cells=()
if [ -z "${RL2_CONFIGS:-}" ]; then cells=(rl2-mdps-n10-vl1-keep1 rl2-mdps-n10-vl1-relu rl2-mdps-n10-vl1-c256 rl2-bandits-n500-k5-relu rl2-mdps-n25-relu rl2-bandits-n100-k10-relu rl2-bandits-n500-k10-relu rl2-mdps-n10-vl1-relu-noclip rl2-mdps-n10-vl1-relu-lr1e3 rl2-mdps-n10-vl1-relu-mb20 rl2-bandits-n500-k5-mb20 rl2-bandits-n10-k50-mb20 rl2-bandits-n100-k10-relu-mb20 rl2-mdps-n25-relu-mb20 rl2-bandits-n10-k50-15M rl2-mdps-n10-vl1-relu-mb20-long rl2-bandits-n100-k10-relu-mb20-gamma1 rl2-mdps-n10-vl1-relu-mb20-gamma1 rl2-bandits-n100-k50-relu-mb20 rl2-bandits-n100-k10-relu-mb20-anneal rl2-bandits-n100-k10-relu-mb20-anneal-lr rl2-bandits-n10-k50-anneal rl2-bandits-n100-k50-relu-mb20-anneal rl2-mdps-n10-vl1-relu-mb20-anneal rl2-bandits-n500-k5-mb20-anneal rl2-bandits-n500-k5-mb20-gamma1 rl2-mdps-n10-vl1-relu-mb20-lr1e3 rl2-mdps-n25-relu-mb20-long rl2-mdps-n50-relu-mb20 rl2-bandits-n500-k50-mb20 rl2-mdps-n75-relu-mb20 rl2-mdps-n100-relu-mb20 rl2-bandits-n500-k10-mb20 rl2-bandits-n100-k50-mb20-anneal); fi
for name in "${cells[@]}"; do
  background "$out/$name.log" ./mnemo run "configs/$name.conf" --set total_env_steps="$(committed_steps "$name")" \
    --out "$out/$name-seed1"
  runs+=("$name")
done
wait_all
# Bandits n = 500, k = 5 continued (constant schedule): a copy of the 10M run above, resumed to the env steps its
# committed summary.json records (30M), as the committed run was.
if [ -z "${RL2_CONFIGS:-}" ]; then
  dry_run || cp -a "$out/rl2-bandits-n500-k5-mb20-seed1" "$out/rl2-bandits-n500-k5-mb20-30M-seed1"
  step_to "$out/rl2-bandits-n500-k5-mb20-30M.log" ./mnemo run --resume "$out/rl2-bandits-n500-k5-mb20-30M-seed1" \
    --set total_env_steps="$(committed_steps rl2-bandits-n500-k5-mb20-30M)"
  runs+=(rl2-bandits-n500-k5-mb20-30M)
fi
for p in "${probes[@]}"; do
  runs+=(rl2-mdps-n10-vl1)
  copy_run "$out/rl2-mdps-n10-advnorm-3M" "$here/attempts/rl2-mdps-n10-advnorm-3M" config.conf metrics.csv summary.json \
    events.jsonl provenance.json
done
for m in "${long[@]}"; do
  step_to /dev/null ./mnemo report "$out/rl2-bandits-n100-k5-ent05-${m}M-seed1"
  copy_run "$out/rl2-bandits-n100-k5-ent05-${m}M-seed1" "$here/rl2-bandits-n100-k5-ent05-${m}M-seed1" config.conf \
    metrics.csv summary.json events.jsonl provenance.json
  dry_run || cp -r "$out/rl2-bandits-n100-k5-ent05-${m}M-seed1/plots" "$here/rl2-bandits-n100-k5-ent05-${m}M-seed1/"
done
for seed in "${seeds30[@]}"; do
  step_to /dev/null ./mnemo report "$out/rl2-bandits-n100-k5-ent05-30M-seed$seed"
  copy_run "$out/rl2-bandits-n100-k5-ent05-30M-seed$seed" "$here/rl2-bandits-n100-k5-ent05-30M-seed$seed" config.conf \
    metrics.csv summary.json events.jsonl provenance.json
  run30="rl2-bandits-n100-k5-ent05-30M-seed$seed"
  dry_run || cp -r "$out/$run30/plots" "$here/$run30/"
done
for cs in "${extra[@]}"; do
  name="${cs%%:*}" seed="${cs##*:}"
  copy_run "$out/$name-seed$seed" "$here/$name-seed$seed" config.conf metrics.csv summary.json events.jsonl \
    provenance.json
done
for name in "${runs[@]}"; do
  step_to /dev/null ./mnemo report "$out/$name-seed1"
  copy_run "$out/$name-seed1" "$here/$name-seed1" config.conf metrics.csv summary.json events.jsonl \
    provenance.json
  dry_run || cp -r "$out/$name-seed1/plots" "$here/$name-seed1/" 2>/dev/null || true
done
# Every run's final parameters on 1000 fresh tasks (seed 1), sampled and played greedily (the table's "sampled and
# played greedily" section; the mean return of each inner episode of a trial, NOTES "Within a trial"): each run's
# eval/result-seed1-n1000.json and eval/result-greedy-seed1-n1000.json.
if [ -z "${RL2_CONFIGS:-}" ]; then
  for dir in "$here"/rl2-bandits-*-seed[0-9] "$here"/rl2-mdps-*-seed[0-9]; do
    [ -f "$dir/checkpoints/result.params" ] || continue # a run committed without its parameters
    step ./mnemo eval "$dir" --tasks 1000
    step ./mnemo eval "$dir" --tasks 1000 --greedy
  done
fi
# Every run on its baseline table's own tasks (bandits: and pull outcomes), RL² − each baseline task by task (the
# table's paired sections): each run's eval/result-baseline-tasks-seed1.json.
if [ -z "${RL2_CONFIGS:-}" ]; then
  for dir in "$here"/rl2-bandits-*-seed[0-9] "$here"/rl2-mdps-*-seed[0-9]; do
    [ -f "$dir/checkpoints/result.params" ] || continue # a run committed without its parameters
    case "$dir" in
      *rl2-bandits-*) table=configs/bandit-baselines.conf ;;
      *) table=configs/mdp-baselines.conf ;;
    esac
    step ./mnemo eval "$dir" --baseline-tasks "$table"
  done
fi
step java -cp experiments/target/mnemo-experiments.jar dev.mnemo.experiments.report.Rl2Table "$here" \
  experiments/bandit-baselines/results.csv experiments/mdp-baselines/results.csv "$here"
dry_run || echo "wrote $here/results.csv, $here/table.md and the run directories"
