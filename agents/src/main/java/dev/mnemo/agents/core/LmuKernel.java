package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link LmuCore}'s acting step: per row, {@code u} by {@link LmuCore#encode} from {@code [x | h_{t−1}]} and
 * {@code m_{t−1}}; one product {@code [m_{t−1} | u] [Āᵀ; B̄ᵀ]} for the memory; one product {@code [x | h_{t−1} |
 * m_t] [W_x; W_h; W_m] + b} and {@link BatchOps#tanh} in place for h. Ā and B̄ are packed once, at construction
 * (they are not parameters). State rows are {@code [h | m]}.
 */
final class LmuKernel implements CoreKernel {

  private final BatchOps ops;
  private final int in;
  private final int hidden;
  private final int order;
  private final int stacked;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final PackedMatrix memory;
  private final float[] enc;
  /** [maxRows, K]: rows [x | h_{t−1} | m_t]. */
  private final float[] xhm;
  /** [maxRows, d + 1]: rows [m_{t−1} | u_t]. */
  private final float[] mu;
  private final float[] mz;
  private final float[] z;

  LmuKernel(LmuCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.ops = ops;
    this.in = core.inputSize();
    this.hidden = core.hiddenSize();
    this.order = core.order();
    this.stacked = core.stackedSize();
    this.maxRows = maxRows;
    this.w = new PackedMatrix(stacked, hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.memory = new PackedMatrix(order + 1, order, ops.lanes());
    memory.load(core.memoryMatrix(), 0, order, 0, 0, order + 1, order);
    this.enc = new float[stacked];
    this.xhm = new float[maxRows * stacked];
    this.mu = new float[maxRows * (order + 1)];
    this.mz = new float[maxRows * memory.paddedCols()];
    this.z = new float[maxRows * w.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hidden, 0, 0, stacked, hidden);
    int bOff = offset + stacked * hidden;
    System.arraycopy(params, bOff, b, 0, hidden);
    System.arraycopy(params, bOff + hidden, enc, 0, stacked);
  }

  @Override
  public void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (stateIn == stateOut) {
      throw new IllegalArgumentException("the next state must not alias the previous one");
    }
    int s = hidden + order;
    int k = stacked;
    int ldu = order + 1;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, xOff + r * ldx, xhm, r * k, in);
      System.arraycopy(stateIn, r * s, xhm, r * k + in, hidden);
      System.arraycopy(stateIn, r * s + hidden, mu, r * ldu, order);
      mu[r * ldu + order] = LmuCore.encode(xhm, r * k, in + hidden, mu, r * ldu, order, enc);
    }
    int ldm = memory.paddedCols();
    ops.gemm(rows, mu, 0, ldu, memory, null, mz, 0, ldm);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(mz, r * ldm, xhm, r * k + in + hidden, order);
      System.arraycopy(mz, r * ldm, stateOut, r * s + hidden, order);
    }
    int ldz = w.paddedCols();
    ops.gemm(rows, xhm, 0, k, w, b, z, 0, ldz);
    ops.tanh(rows, hidden, z, 0, ldz);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(z, r * ldz, stateOut, r * s, hidden);
    }
  }
}
