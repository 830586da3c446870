package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;

/**
 * {@link S4dCore}'s acting step, the recurrence in float: one product {@code u = x W_in + b_in}; then per row and
 * channel, the modes in order,
 * <pre>
 *   s'_re = Ā_re s_re − Ā_im s_im + B̄_re u       s'_im = Ā_re s_im + Ā_im s_re + B̄_im u
 *   acc  += C_re s'_re − C_im s'_im
 * </pre>
 * and {@code y = tanh(2 acc + D u)} ({@link BatchOps#tanh}). Plain Java arithmetic, each expression evaluated left
 * to right, no fused multiply-add: the same bits in every JIT state. Ā and B̄ are computed in double at {@link
 * #load} ({@link S4dCore#discretize}) and rounded once to float. State rows are {@code [y | Re s | Im s]}.
 */
final class S4dKernel implements CoreKernel {

  private final S4dCore core;
  private final BatchOps ops;
  private final int hidden;
  private final int modes;
  private final int hm;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final double[] disc;
  private final float[] lr;
  private final float[] li;
  private final float[] br;
  private final float[] bi;
  private final float[] cr;
  private final float[] ci;
  private final float[] d;
  /** [maxRows, ldz]: u, then the readout's argument, activated in place. */
  private final float[] z;

  S4dKernel(S4dCore core, BatchOps ops, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
    }
    this.core = core;
    this.ops = ops;
    this.hidden = core.hiddenSize();
    this.modes = core.modes();
    this.hm = core.stateEntries();
    this.maxRows = maxRows;
    this.w = new PackedMatrix(core.inputSize(), hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.disc = new double[7 * hm];
    this.lr = new float[hm];
    this.li = new float[hm];
    this.br = new float[hm];
    this.bi = new float[hm];
    this.cr = new float[hm];
    this.ci = new float[hm];
    this.d = new float[hidden];
    this.z = new float[maxRows * w.paddedCols()];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hidden, 0, 0, core.inputSize(), hidden);
    System.arraycopy(params, offset + core.inputSize() * hidden, b, 0, hidden);
    core.discretize(params, offset, disc);
    for (int i = 0; i < hm; i++) {
      lr[i] = (float) disc[i];
      li[i] = (float) disc[hm + i];
      br[i] = (float) disc[2 * hm + i];
      bi[i] = (float) disc[3 * hm + i];
    }
    System.arraycopy(params, offset + core.cReOffset(), cr, 0, hm);
    System.arraycopy(params, offset + core.cImOffset(), ci, 0, hm);
    System.arraycopy(params, offset + core.dOffset(), d, 0, hidden);
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
      int im = re + hm;
      int zr = r * ldz;
      for (int h = 0; h < hidden; h++) {
        float u = z[zr + h];
        float acc = 0f;
        for (int i = h * modes, end = i + modes; i < end; i++) {
          float pr = stateIn[re + i];
          float pi = stateIn[im + i];
          float nr = lr[i] * pr - li[i] * pi + br[i] * u;
          float ni = lr[i] * pi + li[i] * pr + bi[i] * u;
          stateOut[re + i] = nr;
          stateOut[im + i] = ni;
          acc += cr[i] * nr - ci[i] * ni;
        }
        z[zr + h] = 2f * acc + d[h] * u;
      }
    }
    ops.tanh(rows, hidden, z, 0, ldz);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(z, r * ldz, stateOut, r * s, hidden);
    }
  }
}
