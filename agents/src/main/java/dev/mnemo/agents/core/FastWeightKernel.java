package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;

/**
 * {@link FastWeightCore}'s acting step: the projection {@code [q | k | v (| β logits)]} (one product), the
 * features in place (unit q and k per head, β = σ), {@link FastWeightCore#recur} per row (the write, then the
 * read), the readout (one product). State rows are {@code [y | S]}.
 */
final class FastWeightKernel extends HeadMemoryKernel {

  private final int heads;
  private final int d;
  private final boolean deltaRule;
  /** One head's write w. */
  private final float[] w;

  FastWeightKernel(FastWeightCore core, BatchOps ops, int maxRows) {
    super(core, ops, maxRows);
    this.heads = core.heads();
    this.d = core.headSize();
    this.deltaRule = core.deltaRule();
    this.w = new float[d];
  }

  @Override
  void features(int rows, int ldp) {
    FastWeightCore.features(ops, rows, heads, d, deltaRule, p, ldp, null);
  }

  @Override
  void recur(int r, int pOff, float[] stateIn, int inOff, float[] stateOut, int outOff, int oOff) {
    FastWeightCore.recur(math, heads, d, deltaRule, p, pOff, stateIn, inOff, stateOut, outOff, ox, oOff, null, 0,
        w);
  }
}
