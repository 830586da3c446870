package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link LayerNormGruCore}'s acting step: the products {@code x Wx} and {@code h Wh}, each normalised in
 * place per gate block ({@link BlockLayerNorm}), then the GRU cell ({@link GruCell}) with the gates activated
 * in place. No allocation per step.
 */
final class LayerNormGruKernel implements CoreKernel {

  private final BatchOps ops;
  private final GruCell cell;
  private final BlockLayerNorm norm;
  private final int in;
  private final int hidden;
  private final int maxRows;
  private final PackedMatrix wx;
  private final PackedMatrix wh;
  private final float[] gx;
  private final float[] bx;
  private final float[] gh;
  private final float[] bh;
  private final float[] a;
  private final float[] c;

  LayerNormGruKernel(LayerNormGruCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.ops = ops;
    this.cell = GruCell.of(ops, core.reluCandidate());
    this.norm = BlockLayerNorm.of(ops);
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.maxRows = maxRows;
    int g3 = 3 * hidden;
    this.wx = new PackedMatrix(in, g3, ops.lanes());
    this.wh = new PackedMatrix(hidden, g3, ops.lanes());
    this.gx = new float[g3];
    this.bx = new float[g3];
    this.gh = new float[g3];
    this.bh = new float[g3];
    this.a = new float[maxRows * wx.paddedCols()];
    this.c = new float[maxRows * wh.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    int g3 = 3 * hidden;
    int whOff = offset + in * g3;
    int norms = whOff + hidden * g3;
    wx.load(params, offset, g3, 0, 0, in, g3);
    wh.load(params, whOff, g3, 0, 0, hidden, g3);
    System.arraycopy(params, norms, gx, 0, g3);
    System.arraycopy(params, norms + g3, bx, 0, g3);
    System.arraycopy(params, norms + 2 * g3, gh, 0, g3);
    System.arraycopy(params, norms + 3 * g3, bh, 0, g3);
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
    ops.gemm(rows, x, xOff, ldx, wx, null, a, 0, ld);
    ops.gemm(rows, stateIn, 0, hidden, wh, null, c, 0, ld);
    norm.forward(rows, hidden, 3, a, 0, ld, gx, bx, null, 0, 0, a, 0, ld, null, 0);
    norm.forward(rows, hidden, 3, c, 0, ld, gh, bh, null, 0, 0, c, 0, ld, null, 0);
    cell.forward(rows, hidden, a, 0, ld, c, 0, ld, a, 0, ld, stateIn, 0, hidden, stateOut, 0, hidden);
  }
}
