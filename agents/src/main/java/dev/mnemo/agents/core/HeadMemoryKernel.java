package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;

/**
 * The acting step of a {@link HeadMemoryCore}: the projection {@code P = x Wp + bp} (one product), the core's
 * {@link #features} of P in place, its memory rule per row ({@link #recur}: state in, state out, o), then the
 * readout {@code y = tanh([o | x] Wy + by)} (one product) written to the front of each new state row. Scratch
 * is sized for {@code maxRows} at construction; a step allocates nothing.
 */
abstract class HeadMemoryKernel implements CoreKernel {

  final HeadMemoryCore core;
  final BatchOps ops;
  final HeadMemoryWeights weights;
  final HeadMemoryMath math;
  final int in;
  final int hidden;
  final int attention;
  final int maxRows;
  /** [maxRows, ldp]: the step's projection, then its features in place. */
  final float[] p;
  /** [maxRows, A + in]: the readout's input rows [o | x]. */
  final float[] ox;
  /** [maxRows, ldy]: the readout's output. */
  final float[] y;

  HeadMemoryKernel(HeadMemoryCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.core = core;
    this.ops = ops;
    this.weights = new HeadMemoryWeights(core, ops, false);
    this.math = HeadMemoryMath.of(ops);
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.attention = core.attentionWidth();
    this.maxRows = maxRows;
    this.p = new float[maxRows * weights.ldp()];
    this.ox = new float[maxRows * (attention + in)];
    this.y = new float[maxRows * weights.ldy()];
  }

  @Override
  public void load(float[] params, int offset) {
    weights.load(params, offset);
  }

  /** The core's features of {@code rows} rows of P in place (rows {@code ldp} apart from 0). */
  abstract void features(int rows, int ldp);

  /**
   * The memory rule for row {@code r}: reads the features at {@code p[pOff..]} and the memory at {@code
   * stateIn[inOff..]}, writes the new memory at {@code stateOut[outOff..]} and o ({@code A} floats) at {@code
   * ox[oOff..]}.
   */
  abstract void recur(int r, int pOff, float[] stateIn, int inOff, float[] stateOut, int outOff, int oOff);

  @Override
  public final void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (stateIn == stateOut) {
      throw new IllegalArgumentException("the next state must not alias the previous one");
    }
    int s = core.stateSize();
    int ldp = weights.ldp();
    int lox = attention + in;
    weights.project(rows, x, xOff, ldx, p, 0, ldp);
    features(rows, ldp);
    for (int r = 0; r < rows; r++) {
      recur(r, r * ldp, stateIn, r * s + hidden, stateOut, r * s + hidden, r * lox);
      System.arraycopy(x, xOff + r * ldx, ox, r * lox + attention, in);
    }
    int ldy = weights.ldy();
    weights.readout(rows, ox, 0, lox, y, 0, ldy);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(y, r * ldy, stateOut, r * s, hidden);
    }
  }
}
