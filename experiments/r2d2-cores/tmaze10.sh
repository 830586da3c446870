#!/usr/bin/env bash
# T-Maze 10 (configs/quickstart.conf, initial_priority = max as when the committed runs were made) with every
# recurrent core: seeds 1-3 from the stored state (stop when
# solved, 150k budget) and seed 1 from zero states (the paper's ablation, 30k budget). Each run directory
# (config.conf, metrics.csv, summary.json, events.jsonl, provenance.json) is copied to
# tmaze-10/<core>-seed<N>[-zero-state]/ and tmaze-10/table.md is rewritten from the summaries.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
out=$(mktemp -d)
rm -rf "$here/tmaze-10"
mkdir -p "$here/tmaze-10"
for core in lstm gru ln_gru elman; do
  for seed in 1 2 3; do
    name="$core-seed$seed"
    ./mnemo run configs/quickstart.conf --set core="$core" --set seed="$seed" --set total_env_steps=150000 \
      --set initial_priority=max \
      --out "$out/$name" > /dev/null 2>&1
    mkdir -p "$here/tmaze-10/$name"
    cp "$out/$name"/{config.conf,metrics.csv,summary.json,events.jsonl,provenance.json} "$here/tmaze-10/$name/"
  done
  name="$core-seed1-zero-state"
  ./mnemo run configs/quickstart.conf --set core="$core" --set stored_state=false --set total_env_steps=30000 \
    --set initial_priority=max \
    --out "$out/$name" > /dev/null 2>&1
  mkdir -p "$here/tmaze-10/$name"
  cp "$out/$name"/{config.conf,metrics.csv,summary.json,events.jsonl,provenance.json} "$here/tmaze-10/$name/"
done
python3 - "$here/tmaze-10" > "$here/tmaze-10/table.md" <<'PY'
import json, os, sys
d = sys.argv[1]
print("| run | solved at (env steps) | final eval (20 ep., ±95% CI) | env steps | updates | wall s |")
print("| --- | ---: | --- | ---: | ---: | ---: |")
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name, "summary.json")
    if not os.path.exists(p):
        continue
    s = json.load(open(p))
    at = s.get("solved_at_env_step", -1)
    ev = s["eval"]
    print(f"| `{name}/` | {at if at >= 0 else 'never'} | {ev['mean_return']:.2f} ± {ev['ci95']:.2f} | {s['env_steps']:,} |"
          f" {s['learner_updates']:,} | {s['wall_seconds']:.1f} |")
PY
echo "wrote $here/tmaze-10/table.md"
