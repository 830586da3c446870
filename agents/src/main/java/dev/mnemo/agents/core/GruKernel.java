package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link GruCore}'s acting step: two products, {@code x Wx + bx} and {@code h Wh + bh} (two, not one stacked
 * as in {@link LstmKernel}, because r multiplies only the hidden part of the candidate), then the element-wise
 * cell ({@link GruCell}) with the gates activated in place. The state rows are {@code [h]}, read by the
 * product straight from {@code stateIn}.
 */
final class GruKernel implements CoreKernel {

  private final BatchOps ops;
  private final GruCell cell;
  private final int in;
  private final int hidden;
  private final int maxRows;
  private final PackedMatrix wx;
  private final PackedMatrix wh;
  private final float[] bx;
  private final float[] bh;
  private final float[] a;
  private final float[] c;

  GruKernel(GruCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.ops = ops;
    this.cell = GruCell.of(ops);
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.maxRows = maxRows;
    int g3 = 3 * hidden;
    this.wx = new PackedMatrix(in, g3, ops.lanes());
    this.wh = new PackedMatrix(hidden, g3, ops.lanes());
    this.bx = new float[wx.paddedCols()];
    this.bh = new float[wh.paddedCols()];
    this.a = new float[maxRows * wx.paddedCols()];
    this.c = new float[maxRows * wh.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    int g3 = 3 * hidden;
    int whOff = offset + in * g3;
    int bxOff = whOff + hidden * g3;
    wx.load(params, offset, g3, 0, 0, in, g3);
    wh.load(params, whOff, g3, 0, 0, hidden, g3);
    System.arraycopy(params, bxOff, bx, 0, g3);
    System.arraycopy(params, bxOff + g3, bh, 0, g3);
  }

  @Override
  public void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (stateIn == stateOut) {
      throw new IllegalArgumentException("the next state must not alias the previous one");
    }
    int ld = wx.paddedCols();
    ops.gemm(rows, x, xOff, ldx, wx, bx, a, 0, ld);
    ops.gemm(rows, stateIn, 0, hidden, wh, bh, c, 0, ld);
    cell.forward(rows, hidden, a, 0, ld, c, 0, ld, a, 0, ld, stateIn, 0, hidden, stateOut, 0, hidden);
  }
}
