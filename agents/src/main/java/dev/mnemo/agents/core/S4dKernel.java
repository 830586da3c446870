package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.StateSpaceLanes;

/**
 * {@link S4dCore}'s acting step, the recurrence: one float product {@code u = x W_in + b_in}; then per row, along
 * the channels ({@link StateSpaceLanes} on the Vector API, {@link S4dCore#recur} in plain loops: the same bits),
 * each channel's modes in order,
 * <pre>
 *   s'_re = Ā_re s_re − Ā_im s_im + B̄_re u       s'_im = Ā_re s_im + Ā_im s_re + B̄_im u
 *   acc  += C_re s'_re − C_im s'_im
 * </pre>
 * in double, Ā and B̄ being {@link S4dCore#discretize}'s doubles; s' is rounded to float when stored, {@code 2 acc +
 * D u} when handed to {@link BatchOps#tanh}. Why double: a mode with |Ā| ≈ 1 (Δ = 1e-3 forgets 5e-4 a step) keeps
 * its state for hundreds of steps, and a float Ā, rounded once, is off by up to 6e-8 of |s| at every step in the
 * same direction: 120 steps drifted the float recurrence by 5.7e-6 from the double reference (the contract
 * allows 1e-5). In double only the rounding of the stored state remains, a different error each step. Plain
 * Java arithmetic, each expression evaluated left to right, no fused multiply-add: the same bits in every JIT
 * state. State rows are {@code [y | Re s | Im s]}.
 */
final class S4dKernel implements CoreKernel {

  private final S4dCore core;
  private final BatchOps ops;
  private final int hidden;
  private final int modes;
  private final int hm;
  /** Whether the modes run on {@link StateSpaceLanes} (with a Vector API {@link BatchOps}) or {@link S4dCore#recur}. */
  private final boolean vector;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final double[] disc;
  private final double[] lr;
  private final double[] li;
  private final double[] br;
  private final double[] bi;
  private final double[] cr;
  private final double[] ci;
  private final double[] d;
  /** [maxRows, ldz]: u, then the readout's argument, activated in place. */
  private final float[] z;
  /** One row's u and readout sums, per channel. */
  private final double[] u;
  private final double[] acc;

  S4dKernel(S4dCore core, BatchOps ops, int maxRows) {
    CoreKernel.checkMaxRows(maxRows);
    this.core = core;
    this.ops = ops;
    this.hidden = core.hiddenSize();
    this.modes = core.modes();
    this.hm = core.stateEntries();
    this.vector = ops.vectorApi();
    this.maxRows = maxRows;
    this.w = new PackedMatrix(core.inputSize(), hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.disc = new double[7 * hm];
    this.lr = new double[hm];
    this.li = new double[hm];
    this.br = new double[hm];
    this.bi = new double[hm];
    this.cr = new double[hm];
    this.ci = new double[hm];
    this.d = new double[hidden];
    this.z = new float[maxRows * w.paddedCols()];
    this.u = new double[hidden];
    this.acc = new double[hidden];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hidden, 0, 0, core.inputSize(), hidden);
    System.arraycopy(params, offset + core.inputSize() * hidden, b, 0, hidden);
    core.discretize(params, offset, disc);
    System.arraycopy(disc, 0, lr, 0, hm);
    System.arraycopy(disc, hm, li, 0, hm);
    System.arraycopy(disc, 2 * hm, br, 0, hm);
    System.arraycopy(disc, 3 * hm, bi, 0, hm);
    for (int i = 0; i < hm; i++) {
      cr[i] = params[offset + core.cReOffset() + i];
      ci[i] = params[offset + core.cImOffset() + i];
    }
    for (int h = 0; h < hidden; h++) {
      d[h] = params[offset + core.dOffset() + h];
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
    int s = hidden + 2 * hm;
    int ldz = w.paddedCols();
    ops.gemm(rows, x, xOff, ldx, w, b, z, 0, ldz);
    for (int r = 0; r < rows; r++) {
      int re = r * s + hidden;
      int zr = r * ldz;
      for (int h = 0; h < hidden; h++) {
        u[h] = z[zr + h];
      }
      if (vector) {
        StateSpaceLanes.step(hidden, modes, lr, li, br, bi, cr, ci, stateIn, re, stateOut, re, u, acc);
      } else {
        S4dCore.recur(hidden, modes, lr, li, br, bi, cr, ci, stateIn, re, stateOut, re, u, acc);
      }
      for (int h = 0; h < hidden; h++) {
        z[zr + h] = (float) (2 * acc[h] + d[h] * u[h]);
      }
    }
    ops.tanh(rows, hidden, z, 0, ldz);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(z, r * ldz, stateOut, r * s, hidden);
    }
  }
}
