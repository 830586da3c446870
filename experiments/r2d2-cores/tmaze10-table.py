#!/usr/bin/env python3
"""Writes the T-Maze 10 every-core table (markdown) from the run directories under the folder given."""
import json
import os
import sys


def episodes(ev):
    """The eval's episode count when it is not the header's 20 (the current code reports the larger confirming
    evaluation, 100 episodes by default, as a run's final eval)."""
    n = ev.get("episodes", 20)
    return "" if n == 20 else f" ({n} ep.)"


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
    print(f"| `{name}/` | {at if at >= 0 else 'never'} | {ev['mean_return']:.2f} ± {ev['ci95']:.2f}{episodes(ev)} |"
          f" {s['env_steps']:,} | {s['learner_updates']:,} | {s['wall_seconds']:.1f} |")
