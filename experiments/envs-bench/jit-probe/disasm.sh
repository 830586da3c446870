#!/bin/bash
# Disassembles C2's last compilation of a method without hsdis (Debian's libhsdis0-fcml lacks the entry point JDK 17
# calls, so -XX:+PrintAssembly prints raw bytes): the bytes are rebuilt by address and handed to objdump.
# Usage, from the repository root after `mvn -o -q install -DskipTests`:
#   experiments/envs-bench/jit-probe/disasm.sh METHOD ID [MODE]   e.g. dev.mnemo.envs.VectorEnv::step imaze vector
# runs HostProbe on ID for 6 rounds with the method printed, and writes the disassembly to stdout.
set -euo pipefail
method=$1; id=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -d "$work" -cp envs/target/classes experiments/envs-bench/host-probe/HostProbe.java
java -XX:+UseParallelGC --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,"$method" \
  -cp "envs/target/classes:$work" HostProbe "$id" 6 > "$work/out.txt" 2>&1
start=$(grep -n "Compiled method (c2)" "$work/out.txt" | tail -1 | cut -d: -f1)
tail -n +"$start" "$work/out.txt" > "$work/c2.txt"
python3 - "$work/c2.txt" "$work/code.bin" > "$work/base.txt" <<'PY'
import re, sys
mem = {}
for line in open(sys.argv[1]):
    m = re.match(r'\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,8} ?\|? ?)+)$', line.strip())
    if m:
        data = bytes.fromhex(''.join(m.group(2).replace('|', '').split()))
        for i, b in enumerate(data):
            mem[int(m.group(1), 16) + i] = b
lo, hi = min(mem), max(mem)
open(sys.argv[2], 'wb').write(bytes(mem.get(a, 0xf4) for a in range(lo, hi + 1)))
print(hex(lo))
PY
head -1 "$work/c2.txt"
objdump -D -b binary -mi386:x86-64 -M intel --adjust-vma="$(cat "$work/base.txt")" "$work/code.bin" | tail -n +8
