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
  /** The feature map's scratch: 2A floats. */
  private final float[] scratch;

  LinearAttentionKernel(LinearAttentionCore core, BatchOps ops, int maxRows) {
    super(core, ops, maxRows);
    this.heads = core.heads();
    this.d = core.headSize();
    this.scratch = new float[2 * core.attentionWidth()];
  }

  @Override
  void features(int rows, int ldp) {
    LinearAttentionCore.features(math, rows, attention, p, ldp, scratch);
  }

  @Override
  void recur(int r, int pOff, float[] stateIn, int inOff, float[] stateOut, int outOff, int oOff) {
    LinearAttentionCore.recur(math, heads, d, p, pOff, stateIn, inOff, stateOut, outOff, ox, oOff);
  }
}
