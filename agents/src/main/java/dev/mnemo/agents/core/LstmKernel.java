package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link LstmCore}'s acting step. {@code Wx} is stacked over {@code Wh} into one {@code [in + H, 4H]} matrix
 * (packed in column panels) so a step is a single product of {@code [x | h]} (one pass over the weights
 * instead of two) followed by the element-wise gates. State rows are {@code [h | c]}.
 */
final class LstmKernel implements CoreKernel {

  private final BatchOps ops;
  private final LstmGateMath gates;
  private final int in;
  private final int hidden;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final float[] xh;
  private final float[] z;

  LstmKernel(LstmCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.ops = ops;
    this.gates = LstmGateMath.of(ops);
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.maxRows = maxRows;
    this.w = new PackedMatrix(in + hidden, 4 * hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.xh = new float[maxRows * (in + hidden)];
    this.z = new float[maxRows * w.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    int g4 = 4 * hidden;
    w.load(params, offset, g4, 0, 0, in, g4);
    w.load(params, offset + in * g4, g4, in, 0, hidden, g4);
    System.arraycopy(params, offset + (in + hidden) * g4, b, 0, g4);
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
    int s = 2 * hidden;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, xOff + r * ldx, xh, r * k, in);
      System.arraycopy(stateIn, r * s, xh, r * k + in, hidden);
    }
    int ldz = w.paddedCols();
    ops.gemm(rows, xh, 0, k, w, b, z, 0, ldz);
    // Gates activated in place in z; tanh(c) goes to h's slot and becomes h = o tanh(c) there.
    gates.step(rows, hidden, z, 0, ldz, z, 0, ldz, stateIn, hidden, stateOut, hidden, stateOut, 0, stateOut, 0, s);
  }
}
