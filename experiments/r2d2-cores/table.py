#!/usr/bin/env python3
"""Writes the core-comparison table (markdown) from the run directories kept beside this script."""
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
pairs = [("T-Maze 50", "r2d2-tmaze-50"), ("RepeatPrevious-Easy", "r2d2-repeatprevious-easy")]
print("| task | core | first eval >= threshold (env steps) | evals >= threshold after it | best eval | final eval"
      " (20 ep., ±95% CI) | env steps | updates | wall s | run |")
print("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |")
for task, base in pairs:
    for name in (base, base + "-gru"):
        d = os.path.join(here, name)
        if not os.path.isdir(d):
            continue
        summary = json.load(open(os.path.join(d, "summary.json")))
        threshold = None
        for line in open(os.path.join(d, "config.conf")):
            key = line.split("=")[0].strip().strip('"')
            if key == "solved_threshold":
                threshold = float(line.split("=", 1)[1].split("#")[0])
        rows = [r for r in csv.DictReader(open(os.path.join(d, "metrics.csv"))) if r["eval_return"] not in ("", "NaN")]
        evals = [(int(float(r["env_steps"])), float(r["eval_return"])) for r in rows]
        first = next((s for s, e in evals if e >= threshold), None)
        after = [e for s, e in evals if first is not None and s >= first]
        held = f"{sum(e >= threshold for e in after)} of {len(after)}" if first is not None else "–"
        best = max(e for _, e in evals)
        ev = summary["eval"]
        core = "gru" if name.endswith("-gru") else "lstm"
        print(f"| {task} | {core} | {first if first is not None else 'never'} | {held} | {best:.2f} |"
              f" {ev['mean_return']:.2f} ± {ev['ci95']:.2f}{episodes(ev)} | {summary['env_steps']:,} | {summary['learner_updates']:,} |"
              f" {summary['wall_seconds']:.0f} | `{name}/` |")
