package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link IndRnnCore}'s acting step: per layer from the bottom, one product {@code h^(l-1) W^(l) + b^(l)} read
 * straight from the input rows (layer 1) or from the layer below's block of the new state, then {@link
 * IndRnnCore#recur} ({@code ReLU(z + ū ⊙ h_prev)}) writing the layer's block of the new state. {@code ū} is
 * clamped once, at {@link #load}. State rows are {@code [h^(L) | ... | h^(1)]}.
 */
final class IndRnnKernel implements CoreKernel {

  private final IndRnnCore core;
  private final BatchOps ops;
  private final int hidden;
  private final int layers;
  private final int maxRows;
  private final PackedMatrix[] w;
  private final float[][] b;
  private final float[][] uBar;
  private final float[] z;

  IndRnnKernel(IndRnnCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.core = core;
    this.ops = ops;
    this.hidden = core.hiddenSize();
    this.layers = core.layers();
    this.maxRows = maxRows;
    this.w = new PackedMatrix[layers];
    this.b = new float[layers][];
    this.uBar = new float[layers][hidden];
    for (int l = 0; l < layers; l++) {
      w[l] = new PackedMatrix(core.layerInput(l), hidden, ops.lanes());
      b[l] = new float[w[l].paddedCols()];
    }
    this.z = new float[maxRows * w[0].paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    for (int l = 0; l < layers; l++) {
      int off = offset + core.layerOffset(l);
      int in = core.layerInput(l);
      w[l].load(params, off, hidden, 0, 0, in, hidden);
      int u = off + in * hidden;
      for (int j = 0; j < hidden; j++) {
        uBar[l][j] = IndRnnCore.clamp(params[u + j], core.recurrentBound());
      }
      System.arraycopy(params, u + hidden, b[l], 0, hidden);
    }
  }

  @Override
  public void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (stateIn == stateOut) {
      throw new IllegalArgumentException("the next state must not alias the previous one");
    }
    int s = core.stateSize();
    int ldz = w[0].paddedCols();
    for (int l = 0; l < layers; l++) {
      int so = core.stateOffset(l);
      if (l == 0) {
        ops.gemm(rows, x, xOff, ldx, w[0], b[0], z, 0, ldz);
      } else {
        ops.gemm(rows, stateOut, core.stateOffset(l - 1), s, w[l], b[l], z, 0, ldz);
      }
      IndRnnCore.recur(rows, hidden, z, 0, ldz, uBar[l], stateIn, so, s, stateOut, so, s);
    }
  }
}
