#!/usr/bin/env python3
"""Summarises an ab.sh or variants.sh output: per revision or variant, the medians over the rounds after each JVM's
two warm-up rounds whose canary ran at THRESHOLD (default 0.93) of the file's fastest canary or more: the VectorEnv,
one env, and each round's own VectorEnv / one-env ratio. Usage: summarise.py FILE [THRESHOLD]."""
import re
import statistics as st
import sys

rows, name, seen = [], None, 0
for line in open(sys.argv[1]):
    m = re.match(r'=== pair (\d+), (?:revision )?(\S+)', line)
    if m:
        name, seen = m.group(2), 0
        continue
    m = re.search(r'vector\s+(\d+)\s+single\s+(\d+)\s+canary\s+(\d+)', line)
    if m and name:
        seen += 1
        if seen > 2:
            rows.append((name, int(m.group(1)), int(m.group(2)), int(m.group(3))))
fastest = max(r[3] for r in rows)
threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.93
print(f"rounds 3+ of each JVM with canary >= {threshold} x {fastest}")
for n in dict.fromkeys(r[0] for r in rows):
    quiet = [r for r in rows if r[0] == n and r[3] >= threshold * fastest]
    total = sum(1 for r in rows if r[0] == n)
    if not quiet:
        print(f"{n:12s} no quiet rounds of {total}")
        continue
    print(f"{n:12s} {len(quiet):3d}/{total:<3d} rounds  vector {st.median(r[1] for r in quiet):5.1f}"
          f"  one env {st.median(r[2] for r in quiet):5.1f}  vector/one {st.median(r[1] / r[2] for r in quiet):.3f}")
