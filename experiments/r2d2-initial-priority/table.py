#!/usr/bin/env python3
"""Writes the initial-priority table (markdown) from the run directories kept beside this script."""
import csv
import json
import os
import sys


def episodes(ev):
    """The eval's episode count when it is not the header's 20 (the current code reports the larger confirming
    evaluation, 100 episodes by default, as a run's final eval)."""
    n = ev.get("episodes", 20)
    return "" if n == 20 else f" ({n} ep.)"


here = sys.argv[1]


def threshold_of(d):
    for line in open(os.path.join(d, "config.conf")):
        if line.strip().strip('"').startswith("solved_threshold"):
            return float(line.split("=")[1].split("#")[0])
    raise ValueError("no solved_threshold in " + d)


print("| config | seed | initial_priority | first eval >= threshold (env steps) | evals >= threshold from then on"
      " | best eval | final eval (20 ep., ±95% CI) | env steps | updates | wall s | run |")
print("| --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |")
names = sorted(n for n in os.listdir(here) if os.path.isfile(os.path.join(here, n, "summary.json")))
key = lambda n: (n.split("-", 1)[1].rsplit("-seed", 1)[0], int(n.rsplit("seed", 1)[1]), n.split("-", 1)[0])
for name in sorted(names, key=key):
    d = os.path.join(here, name)
    setting, rest = name.split("-", 1)
    config, seed = rest.rsplit("-seed", 1)
    s = json.load(open(os.path.join(d, "summary.json")))
    t = threshold_of(d)
    rows = [r for r in csv.DictReader(open(os.path.join(d, "metrics.csv"))) if r["eval_return"] not in ("", "NaN")]
    evals = [(int(float(r["env_steps"])), float(r["eval_return"])) for r in rows]
    first = next((st for st, e in evals if e >= t), None)
    after = [e for st, e in evals if first is not None and st >= first]
    held = f"{sum(e >= t for e in after)} of {len(after)}" if first is not None else "–"
    best = max(e for _, e in evals)
    ev = s["eval"]
    print(f"| `{config}` | {seed} | {setting} | {f'{first:,}' if first is not None else 'never'} | {held} |"
          f" {best:.2f} | {ev['mean_return']:.2f} ± {ev['ci95']:.2f}{episodes(ev)} | {s['env_steps']:,} |"
          f" {s['learner_updates']:,} | {s['wall_seconds']:.0f} | `{name}/` |")
