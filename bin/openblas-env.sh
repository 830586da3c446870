# Sourced by ./mnemo and .ci/run. ND4J 1.0.0-M2.1 bundles OpenBLAS 0.3.19, which does not recognise recent
# Xeons and falls back to its SSE3 "Prescott" kernels (~25 GFLOP/s here instead of ~130 with AVX-512).
# Name the core from the CPU's flags unless the user already chose one; never set it empty (OpenBLAS then
# prints "Core not found" and guesses again).
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  if grep -q -m1 -w avx512f /proc/cpuinfo; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif grep -q -m1 -w avx2 /proc/cpuinfo; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
