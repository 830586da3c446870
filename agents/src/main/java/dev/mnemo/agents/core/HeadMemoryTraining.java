package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * The training form of a {@link HeadMemoryCore} on the {@link BatchOps} products. Only the memory is recurrent
 * (the projection reads x alone, the readout o and x alone), so both products span the whole window:
 * <ul>
 *   <li>forward: ONE product {@code P = X Wp + bp} over all {@code B T} rows and the core's features of it; the
 *       memory rule step by step ({@link Pass#recur}, the acting kernel's arithmetic); ONE readout product
 *       {@code Y = tanh([O | X] Wy + by)}; every state after every step is kept (the memory is what the
 *       backward reads, {@link #copyState} what the learner reads);</li>
 *   <li>backward: {@code dU = dY ⊙ (1 - Y²)} (dY = dLoss/dy_t, plus dLoss/dFinalState's y block at the window's
 *       last step), {@code [Wy; by] = [O | X | 1]^T dU} and {@code d[O | X] = dU Wy^T}, one product each; the
 *       memory rule in reverse, step by step ({@link Pass#backStep}), carrying dLoss/d(memory) from
 *       dLoss/dFinalState's memory block back through the window and giving dP; then {@code [Wp; bp] = [X | 1]^T
 *       dP} and {@code dX = dP Wp^T + dX_readout}, one product each.</li>
 * </ul>
 * A pass holds {@code (T + 1) B} states of {@code stateSize} floats: with {@code H = 128} and 4 heads ({@code d =
 * 32}) that is 4.4 K floats a row, ~90 MB for {@code B = 64, T = 80}.
 */
abstract class HeadMemoryTraining implements CoreTraining {

  final HeadMemoryCore core;
  final BatchOps ops;
  final HeadMemoryWeights weights;
  final HeadMemoryMath math;

  HeadMemoryTraining(HeadMemoryCore core, BatchOps ops) {
    this.core = core;
    this.ops = ops;
    this.weights = new HeadMemoryWeights(core, ops, true);
    this.math = HeadMemoryMath.of(ops);
  }

  @Override
  public final void load(float[] params, int offset) {
    weights.load(params, offset);
  }

  /** One window. Rows are time-major ({@code t * B + b}); window rows start at the window's first step. */
  abstract class Pass extends HiddenStatePass {
    final int in;
    final int attention;
    final int mem;
    final int pw;
    final int ldp;
    /** A + in: a row of {@link #ox}. */
    final int lox;
    final int ldy;
    final int ldox;
    /** [n, ldp]: the projection, the core's features in place. */
    final float[] p;
    /** [n, A + in]: rows [o_t | x_t], the readout's input (and X for the projection's gradient). */
    final float[] ox;
    final float[] y;
    final float[] dU;
    /** [n, ldox]: dLoss/d[o | x] from the readout, window rows. */
    final float[] dOX;
    /** [n, pw]: dLoss/dP, window rows. */
    final float[] dP;
    /** [B, mem]: dLoss/d(memory after the step being backpropagated). */
    final float[] dMem;
    /** Per backward window length: the readout's and the projection's weight-gradient products. */
    final Map<Integer, WeightGradient> readoutWindows = new HashMap<>();
    final Map<Integer, WeightGradient> projectionWindows = new HashMap<>();

    Pass(int bs, int time) {
      super(bs, time, core.hiddenSize(), core.stateSize());
      this.in = core.inputSize();
      this.attention = core.attentionWidth();
      this.mem = core.memorySize();
      this.pw = core.projectionWidth();
      this.ldp = weights.ldp();
      this.lox = attention + in;
      this.ldy = weights.ldy();
      this.ldox = weights.ldox();
      p = new float[n * ldp];
      ox = new float[n * lox];
      y = new float[n * ldy];
      dU = new float[n * hs];
      dOX = new float[n * ldox];
      dP = new float[n * pw];
      dMem = new float[bs * mem];
    }

    /** The core's features of all {@code n} rows of {@link #p} in place (rows {@link #ldp} apart). */
    abstract void features();

    /**
     * The memory rule for step t, row b: features at {@code p[pOff..]}, memory before at {@code
     * hJ[inOff..]}, memory after to {@code hJ[outOff..]}, o to {@code ox[oOff..]}.
     */
    abstract void recur(int t, int b, int pOff, int inOff, int outOff, int oOff);

    /**
     * The memory rule's backward for step t, row b: given dLoss/do at {@code dOX[doOff..]} and in {@link #dMem}'s
     * row b dLoss/d(memory after step t), writes dLoss/dP (of the pre-feature projection) to {@code dP[dpOff..]}
     * and leaves dLoss/d(memory before step t) in {@link #dMem}'s row b.
     */
    abstract void backStep(int t, int b, int doOff, int dpOff);

    /** Offset in {@link #hJ} of row b's memory after step t ({@code t = -1}: the initial one). */
    final int memoryOffset(int t, int b) {
      return ((t + 1) * bs + b) * sw + hs;
    }

    @Override
    public final void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, ox, r * lox + attention, in);
      }
      loadInitialState(state0, state0Off);
      weights.project(n, ox, attention, lox, p, 0, ldp);
      features();
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int r = t * bs + b;
          recur(t, b, r * ldp, memoryOffset(t - 1, b), memoryOffset(t, b), r * lox);
        }
      }
      weights.readout(n, ox, 0, lox, y, 0, ldy);
      for (int r = 0; r < n; r++) {
        System.arraycopy(y, r * ldy, hJ, (bs + r) * sw, hs);
      }
    }

    @Override
    public final void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int nw = tw * bs;
      int last = t0 + tw - 1;
      for (int t = t0; t <= last; t++) {
        for (int b = 0; b < bs; b++) {
          int wr = (t - t0) * bs + b;
          int yr = ((t + 1) * bs + b) * sw;
          int dr = dOutOff + wr * ldd;
          for (int j = 0; j < hs; j++) {
            float g = dOut[dr + j];
            if (t == last && dFinalState != null) {
              g += dFinalState[b * sw + j];
            }
            float v = hJ[yr + j];
            dU[wr * hs + j] = g * (1 - v * v);
          }
        }
      }
      int yOff = gradOff + core.readoutOffset();
      WeightGradient wy = readoutWindows.computeIfAbsent(nw, k -> new WeightGradient(ops, nw, lox, hs));
      wy.compute(ox, t0 * bs * lox, lox, dU, 0, hs);
      wy.copyTo(grad, yOff, yOff + lox * hs);
      weights.readoutInputGradient(nw, dU, 0, hs, dOX, 0);

      java.util.Arrays.fill(dMem, 0f);
      if (dFinalState != null) {
        for (int b = 0; b < bs; b++) {
          System.arraycopy(dFinalState, b * sw + hs, dMem, b * mem, mem);
        }
      }
      for (int t = last; t >= t0; t--) {
        for (int b = 0; b < bs; b++) {
          int wr = (t - t0) * bs + b;
          backStep(t, b, wr * ldox, wr * pw);
        }
      }

      WeightGradient wp = projectionWindows.computeIfAbsent(nw, k -> new WeightGradient(ops, nw, in, pw));
      wp.compute(ox, t0 * bs * lox + attention, lox, dP, 0, pw);
      weights.copyProjectionGradient(wp, grad, gradOff);
      if (dX != null) {
        weights.projectionInputGradient(nw, dP, 0, pw, dX, dxOff, lddx);
        for (int r = 0; r < nw; r++) {
          int o = dxOff + r * lddx;
          int g = r * ldox + attention;
          for (int i = 0; i < in; i++) {
            dX[o + i] += dOX[g + i];
          }
        }
      }
    }
  }
}
