#!/usr/bin/env python3
"""Shares of CPU samples by the innermost Mnemo method of a JFR recording's execution samples.

Usage: jfr print --stack-depth 12 --events jdk.ExecutionSample REC.jfr > samples.txt
       python3 experiments/rl2/jfr_shares.py samples.txt [top]
Samples whose stack holds no dev.mnemo frame (JIT, GC, JDK threads) are counted under their top frame.
"""
import collections
import re
import sys


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    text = open(path, encoding="utf-8").read()
    counts = collections.Counter()
    for block in text.split("jdk.ExecutionSample")[1:]:
        m = re.search(r"stackTrace = \[(.*?)\n\s*\]", block, re.S)
        if not m:
            continue
        frames = [re.sub(r"\(.*", "", re.sub(r"\s+line:.*", "", f).strip())
                  for f in m.group(1).strip().split("\n") if f.strip()]
        own = [f for f in frames if f.startswith("dev.mnemo")]
        counts[own[0] if own else frames[0]] += 1
    total = sum(counts.values())
    print(f"{total} samples")
    for name, n in counts.most_common(top):
        print(f"{100.0 * n / total:5.1f}%  {n:6d}  {name}")


if __name__ == "__main__":
    main()
