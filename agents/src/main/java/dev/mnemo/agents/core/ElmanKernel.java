package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link ElmanCore}'s acting step. {@code Wx} is stacked over {@code Wh} into one {@code [in + H, H]} matrix
 * (packed in column panels) so a step is a single product of {@code [x | h]} followed by {@link BatchOps#tanh}
 * in place. State rows are {@code [h]}.
 */
final class ElmanKernel implements CoreKernel {

  private final BatchOps ops;
  private final int in;
  private final int hidden;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final float[] xh;
  private final float[] z;

  ElmanKernel(ElmanCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.ops = ops;
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.maxRows = maxRows;
    this.w = new PackedMatrix(in + hidden, hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.xh = new float[maxRows * (in + hidden)];
    this.z = new float[maxRows * w.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hidden, 0, 0, in, hidden);
    w.load(params, offset + in * hidden, hidden, in, 0, hidden, hidden);
    System.arraycopy(params, offset + (in + hidden) * hidden, b, 0, hidden);
  }

  @Override
  public void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (stateIn == stateOut) {
      throw new IllegalArgumentException("the next state must not alias the previous one");
    }
    int k = in + hidden;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, xOff + r * ldx, xh, r * k, in);
      System.arraycopy(stateIn, r * hidden, xh, r * k + in, hidden);
    }
    int ldz = w.paddedCols();
    ops.gemm(rows, xh, 0, k, w, b, z, 0, ldz);
    ops.tanh(rows, hidden, z, 0, ldz);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(z, r * ldz, stateOut, r * hidden, hidden);
    }
  }
}
