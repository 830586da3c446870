package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;

/**
 * {@link LinearAttentionCore}'s acting step: the projection {@code [q | k | v]} (one product), φ in place on q
 * and k, {@link LinearAttentionCore#recur} per row (write {@code φ(k) vᵀ} and {@code φ(k)}, then read), the
 * readout (one product). State rows are {@code [y | S | z]}.
 */
final class LinearAttentionKernel extends HeadMemoryKernel {

  private final int heads;
  private final int d;

  LinearAttentionKernel(LinearAttentionCore core, BatchOps ops, int maxRows) {
    super(core, ops, maxRows);
    this.heads = core.heads();
    this.d = core.headSize();
  }

  @Override
  void features(int rows, int ldp) {
    LinearAttentionCore.features(rows, attention, p, ldp);
  }

  @Override
  void recur(int r, int pOff, float[] stateIn, int inOff, float[] stateOut, int outOff, int oOff) {
    LinearAttentionCore.recur(heads, d, p, pOff, stateIn, inOff, stateOut, outOff, ox, oOff);
  }
}
