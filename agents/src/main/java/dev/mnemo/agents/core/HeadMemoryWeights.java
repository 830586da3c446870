package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;

/**
 * The two products around a {@link HeadMemoryCore}'s memory, packed for {@link BatchOps#gemm}: the projection
 * {@code P = x Wp + bp} (its column blocks side by side in one matrix, so a step is one product) and the readout
 * {@code y = tanh([o | x] Wy + by)}; for the training form also their transposes, for the input gradients.
 * Shared by both faces of both cores, so the acting kernel and the training form run the same products.
 */
final class HeadMemoryWeights {

  private final HeadMemoryCore core;
  private final BatchOps ops;
  private final int in;
  private final int hs;
  /** A + in: the readout's input row {@code [o | x]}. */
  private final int lox;
  private final PackedMatrix wp;
  private final float[] bp;
  private final PackedMatrix wy;
  private final float[] by;
  /** Wp^T and Wy^T, or null in an acting kernel. */
  private final PackedMatrix wpT;
  private final PackedMatrix wyT;
  private final float[] stage;

  HeadMemoryWeights(HeadMemoryCore core, BatchOps ops, boolean transposes) {
    this.core = core;
    this.ops = ops;
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    this.lox = core.attentionWidth() + in;
    int pw = core.projectionWidth();
    int lanes = ops.lanes();
    wp = new PackedMatrix(in, pw, lanes);
    bp = new float[wp.paddedCols()];
    wy = new PackedMatrix(lox, hs, lanes);
    by = new float[wy.paddedCols()];
    wpT = transposes ? new PackedMatrix(pw, in, lanes) : null;
    wyT = transposes ? new PackedMatrix(hs, lox, lanes) : null;
    stage = transposes ? new float[Math.max(in * pw, lox * hs)] : null;
  }

  /** Copies Wp's blocks, bp's blocks, Wy and by from {@code params} (core block at {@code offset}). */
  void load(float[] params, int offset) {
    int col = 0;
    for (int[] b : core.projectionBlocks()) {
      wp.load(params, offset + b[0], b[2], 0, col, in, b[2]);
      System.arraycopy(params, offset + b[1], bp, col, b[2]);
      if (wpT != null) {
        wpT.loadTransposed(params, offset + b[0], in, b[2], col, 0, stage);
      }
      col += b[2];
    }
    int y = offset + core.readoutOffset();
    wy.load(params, y, hs, 0, 0, lox, hs);
    System.arraycopy(params, y + lox * hs, by, 0, hs);
    if (wyT != null) {
      wyT.loadTransposed(params, y, lox, hs, 0, 0, stage);
    }
  }

  /** Floats between rows of P as {@link #project} writes it (at least the projection's width). */
  int ldp() {
    return wp.paddedCols();
  }

  /** Floats between rows of the readout's output (at least H). */
  int ldy() {
    return wy.paddedCols();
  }

  /** Floats between rows of dLoss/d[o | x] as {@link #readoutInputGradient} writes it (at least A + in). */
  int ldox() {
    return wyT.paddedCols();
  }

  /** {@code P = x Wp + bp} for {@code rows} rows. */
  void project(int rows, float[] x, int xOff, int ldx, float[] p, int pOff, int ldp) {
    ops.gemm(rows, x, xOff, ldx, wp, bp, p, pOff, ldp);
  }

  /** {@code y = tanh([o | x] Wy + by)} for {@code rows} rows of {@code ox} ({@code A + in} floats each). */
  void readout(int rows, float[] ox, int oxOff, int ldox, float[] y, int yOff, int ldy) {
    ops.gemm(rows, ox, oxOff, ldox, wy, by, y, yOff, ldy);
    ops.tanh(rows, hs, y, yOff, ldy);
  }

  /** {@code dOX = dU Wy^T}: dLoss/d[o | x] from dLoss/d(the readout's pre-activation), {@code ldox()} apart. */
  void readoutInputGradient(int rows, float[] dU, int duOff, int lddu, float[] dOX, int doxOff) {
    ops.gemm(rows, dU, duOff, lddu, wyT, null, dOX, doxOff, wyT.paddedCols());
  }

  /** {@code dX = dP Wp^T} (padding columns written as zeros). */
  void projectionInputGradient(int rows, float[] dP, int dpOff, int lddp, float[] dX, int dxOff, int lddx) {
    ops.gemm(rows, dP, dpOff, lddp, wpT, null, dX, dxOff, lddx);
  }

  /**
   * Copies the projection's gradient {@code [X | 1]^T dP} out of {@code wg} (computed over P's full width) into
   * each block's weight and bias tensors.
   */
  void copyProjectionGradient(WeightGradient wg, float[] grad, int gradOff) {
    float[] g = wg.result();
    int ld = wg.ld();
    int col = 0;
    for (int[] b : core.projectionBlocks()) {
      for (int i = 0; i < in; i++) {
        System.arraycopy(g, i * ld + col, grad, gradOff + b[0] + i * b[2], b[2]);
      }
      System.arraycopy(g, in * ld + col, grad, gradOff + b[1], b[2]);
      col += b[2];
    }
  }
}
