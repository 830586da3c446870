#!/usr/bin/env bash
# Re-runs the first ALD comparison on I-Maze (corridor 8, then 24) and Meta-Fetch (5x5, 3 objects): configs/ald-imaze.conf (ALD: GTrXL learner
# distilled into the LSTM-32 actor), configs/ald-imaze-lstm-only.conf (the same LSTM trained by PPO itself),
# configs/ald-imaze-transformer-only.conf (the same GTrXL trained by PPO on its own episodes, acting with its
# key/value-cache kernel) and configs/ald-imaze-asymmetric.conf (the LSTM policy trained by PPO with the GTrXL as its
# value function), seed 1, and copies each run directory (config.conf, metrics.csv, summary.json, events.jsonl,
# provenance.json) here. The corridor-24 ALD run was stopped by hand at 563k env steps (SIGTERM); this script gives it a budget of
# 563,000 env steps instead. DRY_RUN=1 prints the commands.
. "$(dirname "$0")/../reproduce-lib.sh"
here=experiments/ald
out=$(scratch_dir)
build_once
background "$out/ald8.log" ./mnemo run configs/ald-imaze.conf --out "$out/ald-imaze-seed1"
background "$out/lstm8.log" ./mnemo run configs/ald-imaze-lstm-only.conf --out "$out/ald-imaze-lstm-only-seed1"
background "$out/ald24.log" ./mnemo run configs/ald-imaze.conf --set 'env="imaze?length=24&arm=1"' \
  --set total_env_steps=563000 --out "$out/ald-imaze24-seed1"
background "$out/lstm24.log" ./mnemo run configs/ald-imaze-lstm-only.conf --set 'env="imaze?length=24&arm=1"' \
  --set total_env_steps=3000000 --out "$out/ald-imaze24-lstm-only-seed1"
mf='env="metafetch?size=5&objects=3&maxSteps=100"'
background "$out/aldmf.log" ./mnemo run configs/ald-imaze.conf --set "$mf" --set total_env_steps=1500000 \
  --set stop_at_return=1e9 --out "$out/ald-metafetch-seed1"
background "$out/aldmf16.log" ./mnemo run configs/ald-imaze.conf --set "$mf" --set total_env_steps=1500000 \
  --set stop_at_return=1e9 --set distill_steps=16 --out "$out/ald-metafetch-distill16-seed1"
background "$out/lstmmf.log" ./mnemo run configs/ald-imaze-lstm-only.conf --set "$mf" --set total_env_steps=1500000 \
  --out "$out/ald-metafetch-lstm-only-seed1"
for b in transformer-only asymmetric; do
  background "$out/$b-8.log" ./mnemo run configs/ald-imaze-$b.conf --out "$out/ald-imaze-$b-seed1"
  background "$out/$b-mf.log" ./mnemo run configs/ald-imaze-$b.conf --set "$mf" --set total_env_steps=1500000 \
    --set stop_at_return=1e9 --out "$out/ald-metafetch-$b-seed1"
done
for k in 1 16 64; do
  background "$out/ald8-d$k.log" ./mnemo run configs/ald-imaze.conf --set distill_steps=$k \
    --out "$out/ald-imaze-distill$k-seed1"
done
wait_all
for name in ald-imaze-distill1-seed1 ald-imaze-distill16-seed1 ald-imaze-distill64-seed1 ald-imaze-seed1 ald-imaze-lstm-only-seed1 ald-imaze24-seed1 ald-imaze24-lstm-only-seed1 \
    ald-metafetch-seed1 ald-metafetch-distill16-seed1 ald-metafetch-lstm-only-seed1 \
    ald-imaze-transformer-only-seed1 ald-imaze-asymmetric-seed1 \
    ald-metafetch-transformer-only-seed1 ald-metafetch-asymmetric-seed1; do
  copy_run "$out/$name" "$here/$name" config.conf metrics.csv summary.json events.jsonl provenance.json
done
# The Meta-Fetch comparison over 3 seeds (2026-12-05) and its ablation: sweeps into two directories (each sweep runs
# only the cells missing there), then each run's files and the reports are copied here.
step ./mnemo sweep configs/sweeps/ald-metafetch-lstm-only.conf --out "$out/metafetch"
step ./mnemo sweep configs/sweeps/ald-metafetch.conf --out "$out/metafetch"
step ./mnemo sweep configs/sweeps/ald-metafetch-distill.conf --out "$out/metafetch"
step ./mnemo sweep configs/sweeps/ald-metafetch-minibatch.conf --out "$out/metafetch"
step ./mnemo sweep configs/sweeps/ald-metafetch-proximal.conf --out "$out/metafetch"
step ./mnemo sweep configs/sweeps/ald-metafetch-ablation-lstm.conf --out "$out/metafetch-ablation"
step ./mnemo sweep configs/sweeps/ald-metafetch-ablation.conf --out "$out/metafetch-ablation"
step ./mnemo sweep configs/sweeps/ald-metafetch-ablation-actor128.conf --out "$out/metafetch-ablation"
# The LSTM-128 actor with the decoupled learner, 3 seeds (its own directory).
step ./mnemo sweep configs/sweeps/ald-metafetch-actor128-decoupled.conf --out "$out/metafetch-actor128"
for dir in metafetch metafetch-ablation metafetch-actor128; do copy_sweep "$out/$dir" "$here/$dir"; done
# Wall time, one run at a time (each run has the machine to itself), and one run of each setting's time split.
step ./mnemo sweep configs/sweeps/ald-metafetch-wall-tf.conf --out "$out/metafetch-wall"
step ./mnemo sweep configs/sweeps/ald-metafetch-wall.conf --out "$out/metafetch-wall"
copy_sweep "$out/metafetch-wall" "$here/metafetch-wall"
for spec in "tf --set mode=transformer_only" \
  "turn --set distill_thread=false --set distill_steps=64 --set distill_minibatches=4 --set clip_against=learner" \
  "thread --set distill_thread=true --set distill_steps=64 --set distill_minibatches=4 --set clip_against=learner"; do
  set -- $spec
  name=$1
  shift
  step ./mnemo run configs/sweeps/ald-metafetch-base.conf --set 'env="metafetch?size=5&objects=3&maxSteps=100"' \
    --set total_env_steps=1500000 --set seed=1 "$@" --out "$out/time-split/$name"
  copy_run "$out/time-split/$name" "$here/metafetch-wall/time-split/$name" config.conf metrics.csv summary.json \
    events.jsonl provenance.json
done
# The size probes (one seed each): Transformer-only and LSTM-128 PPO on two other Meta-Fetch sizes.
for spec in "6-4 size=6&objects=4&maxSteps=150" "4-5 size=4&objects=5&maxSteps=100"; do
  name=${spec%% *}; env="metafetch?${spec#* }"
  background "$out/tf-$name.log" ./mnemo run configs/sweeps/ald-metafetch-base.conf --set mode=transformer_only \
    --set "env=\"$env\"" --out "$out/size-probes/tf-$name"
  background "$out/lstm-$name.log" ./mnemo run configs/ald-imaze-lstm-only.conf --set "env=\"$env\"" \
    --set core_size=128 --set total_env_steps=1500000 --out "$out/size-probes/lstm128-$name"
done
wait_all
for name in tf-6-4 lstm128-6-4 tf-4-5 lstm128-4-5; do
  copy_run "$out/size-probes/$name" "$here/size-probes/$name" config.conf metrics.csv summary.json events.jsonl provenance.json
done
# The distillation step-size probes (configs/sweeps/ald-metafetch-base.conf, in turn).
for spec in "k16-lr1e2-s1 16 1" "k16-lr1e2-s2 16 2" "k16-lr1e2-s3 16 3" "k64-lr1e2-s1 64 1"; do
  set -- $spec
  background "$out/$1.log" ./mnemo run configs/sweeps/ald-metafetch-base.conf --set distill_thread=false \
    --set distill_steps="$2" --set actor_learning_rate=1e-2 --set seed="$3" --out "$out/distill-probes/$1"
done
wait_all
for name in k16-lr1e2-s1 k16-lr1e2-s2 k16-lr1e2-s3 k64-lr1e2-s1; do
  copy_run "$out/distill-probes/$name" "$here/distill-probes/$name" config.conf metrics.csv summary.json events.jsonl \
    provenance.json
done
# ALD through the on-policy Pekko runtime (runtime = local), 3 seeds, and one run keeping only current collections.
for seed in 1 2 3; do
  step ./mnemo run configs/sweeps/ald-metafetch-base.conf --set runtime=local --set distill_thread=false \
    --set distill_steps=64 --set seed=$seed --out "$out/runtime-local/k64-local-seed$seed"
done
step ./mnemo run configs/sweeps/ald-metafetch-base.conf --set runtime=local --set distill_thread=false \
  --set distill_steps=64 --set max_param_lag=0 --set seed=1 --out "$out/runtime-local/k64-local-lag0-seed1"
for name in k64-local-seed1 k64-local-seed2 k64-local-seed3 k64-local-lag0-seed1; do
  copy_run "$out/runtime-local/$name" "$here/runtime-local/$name" config.conf metrics.csv summary.json events.jsonl \
    provenance.json
done
# I-Maze 16 over 3 seeds, and the one-seed probes at corridors 12 and 16 that found it.
step ./mnemo sweep configs/sweeps/ald-imaze16-lstm-only.conf --out "$out/imaze16"
step ./mnemo sweep configs/sweeps/ald-imaze16.conf --out "$out/imaze16"
step ./mnemo sweep configs/sweeps/ald-imaze16-k64.conf --out "$out/imaze16"
step ./mnemo sweep configs/sweeps/ald-imaze16-minibatch.conf --out "$out/imaze16"
step ./mnemo sweep configs/sweeps/ald-imaze16-seeds4-6.conf --out "$out/imaze16"
step ./mnemo sweep configs/sweeps/ald-imaze16-proximal.conf --out "$out/imaze16"
copy_sweep "$out/imaze16" "$here/imaze16"
for L in 12 16; do
  background "$out/probe-lstm-$L.log" ./mnemo run configs/ald-imaze-lstm-only.conf --set "env=\"imaze?length=$L&arm=1\"" \
    --set total_env_steps=2000000 --out "$out/imaze-probes/lstm-$L"
  background "$out/probe-tf-$L.log" ./mnemo run configs/ald-imaze-transformer-only.conf \
    --set "env=\"imaze?length=$L&arm=1\"" --set total_env_steps=2000000 --out "$out/imaze-probes/tf-$L"
done
wait_all
for name in lstm-12 tf-12 lstm-16 tf-16; do
  copy_run "$out/imaze-probes/$name" "$here/imaze-probes/$name" config.conf metrics.csv summary.json events.jsonl \
    provenance.json
done
