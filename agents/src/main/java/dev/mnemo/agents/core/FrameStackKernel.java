package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link FrameStackCore}'s acting step: the window row {@code [x_t | frames of the state]} is assembled by two
 * copies, then one product with W and {@link BatchOps#relu} in place; the next state is {@code [y | x_t |
 * the state's frames but the oldest]}.
 */
final class FrameStackKernel implements CoreKernel {

  private final BatchOps ops;
  private final int in;
  private final int hidden;
  private final int frames;
  private final int window;
  private final int stateSize;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final float[] rowsIn;
  private final float[] z;

  FrameStackKernel(FrameStackCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.ops = ops;
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.frames = core.frames();
    this.window = core.windowSize();
    this.stateSize = core.stateSize();
    this.maxRows = maxRows;
    this.w = new PackedMatrix(window, hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.rowsIn = new float[maxRows * window];
    this.z = new float[maxRows * w.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hidden, 0, 0, window, hidden);
    System.arraycopy(params, offset + window * hidden, b, 0, hidden);
  }

  @Override
  public void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (stateIn == stateOut) {
      throw new IllegalArgumentException("the next state must not alias the previous one");
    }
    int older = (frames - 1) * in;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, xOff + r * ldx, rowsIn, r * window, in);
      System.arraycopy(stateIn, r * stateSize + hidden, rowsIn, r * window + in, older);
    }
    int ldz = w.paddedCols();
    ops.gemm(rows, rowsIn, 0, window, w, b, z, 0, ldz);
    ops.relu(rows, hidden, z, 0, ldz);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(z, r * ldz, stateOut, r * stateSize, hidden);
      // The window's first k - 1 frames are the next state's frames: x_t, ..., x_{t-k+2}.
      System.arraycopy(rowsIn, r * window, stateOut, r * stateSize + hidden, older);
    }
  }
}
