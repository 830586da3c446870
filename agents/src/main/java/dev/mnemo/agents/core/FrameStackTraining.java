package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link FrameStackCore}'s training form. Nothing is recurrent, so the whole window is two products:
 * <ul>
 *   <li>forward: every step's window row {@code w_t = [x_t | ... | x_{t-k+1}]} (frames before the window from the
 *       initial state) in one {@code [T B, k in]} matrix, then {@code Y = ReLU(W_all W + b)} in one product (the
 *       acting kernel's arithmetic per row, so both give the same bits);</li>
 *   <li>backward: {@code dZ = (dY + dLoss/dy of the final state) * [y > 0]}, {@code [dW; db] = [W_all | 1]^T dZ}
 *       ({@link WeightGradient}), and {@code dW_all = dZ W^T}, whose frame block j of step t is dLoss/dx_{t-j}:
 *       summed into dX for the steps inside the window together with the final state's frames (frames from
 *       before the window belong to the held initial state and get no gradient).</li>
 * </ul>
 */
final class FrameStackTraining implements CoreTraining {

  private final BatchOps ops;
  private final int in;
  private final int hs;
  private final int frames;
  private final int window;
  private final int stateSize;
  private final PackedMatrix w;
  private final float[] bias;
  private final PackedMatrix wT;
  private final float[] stage;

  FrameStackTraining(FrameStackCore core, BatchOps ops) {
    this.ops = ops;
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    this.frames = core.frames();
    this.window = core.windowSize();
    this.stateSize = core.stateSize();
    int lanes = ops.lanes();
    w = new PackedMatrix(window, hs, lanes);
    bias = new float[w.paddedCols()];
    wT = new PackedMatrix(hs, window, lanes);
    stage = new float[window * hs];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hs, 0, 0, window, hs);
    System.arraycopy(params, offset + window * hs, bias, 0, hs);
    wT.loadTransposed(params, offset, window, hs, 0, 0, stage);
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new FrameStackPass(batch, time);
  }

  private final class FrameStackPass extends WindowPass {
    final int ldy;
    final int ldg;
    final float[] state0;   // [B, stateSize]: the initial state, for copyState(-1) and the early windows
    final float[] windows;  // [n, k in]: row t B + b = w_t of row b
    final float[] y;        // [n, ldy]: ReLU outputs
    final float[] dZ;       // [n, H]: window rows
    final float[] dWin;     // [n, ldg]: dZ W^T
    final Map<Integer, WeightGradient> grads = new HashMap<>();

    FrameStackPass(int bs, int time) {
      super(bs, time);
      this.ldy = w.paddedCols();
      this.ldg = wT.paddedCols();
      state0 = new float[bs * stateSize];
      windows = new float[n * window];
      y = new float[n * ldy];
      dZ = new float[n * hs];
      dWin = new float[n * ldg];
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] s0, int s0Off) {
      System.arraycopy(s0, s0Off, state0, 0, bs * stateSize);
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int row = (t * bs + b) * window;
          for (int j = 0; j < frames; j++) {
            int dst = row + j * in;
            if (t - j >= 0) {
              System.arraycopy(x, xOff + ((t - j) * bs + b) * ldx, windows, dst, in);
            } else {
              // x_{t-j} with t - j < 0 is frame (j - t - 1) of the initial state: [x_{-1}, x_{-2}, ...].
              System.arraycopy(state0, b * stateSize + hs + (j - t - 1) * in, windows, dst, in);
            }
          }
        }
      }
      ops.gemm(n, windows, 0, window, w, bias, y, 0, ldy);
      ops.relu(n, hs, y, 0, ldy);
    }

    @Override
    public float[] output() {
      return y;
    }

    @Override
    public int outputOffset() {
      return 0;
    }

    @Override
    public int outputStride() {
      return ldy;
    }

    @Override
    public void copyState(int t, int b, float[] dst, int dstOff) {
      if (t < 0) {
        System.arraycopy(state0, b * stateSize, dst, dstOff, stateSize);
        return;
      }
      int r = t * bs + b;
      System.arraycopy(y, r * ldy, dst, dstOff, hs);
      System.arraycopy(windows, r * window, dst, dstOff + hs, (frames - 1) * in);
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int nw = tw * bs;
      int last = t0 + tw - 1;
      for (int t = t0; t <= last; t++) {
        for (int b = 0; b < bs; b++) {
          int r = (t - t0) * bs + b;
          for (int j = 0; j < hs; j++) {
            float d = dOut[dOutOff + r * ldd + j];
            if (t == last && dFinalState != null) {
              d += dFinalState[b * stateSize + j];
            }
            dZ[r * hs + j] = d;
          }
        }
      }
      ops.reluBackward(nw, hs, dZ, 0, hs, y, t0 * bs * ldy, ldy);
      WeightGradient wg = grads.computeIfAbsent(nw, k -> new WeightGradient(ops, nw, window, hs));
      wg.compute(windows, t0 * bs * window, window, dZ, 0, hs);
      wg.copyTo(grad, gradOff, gradOff + window * hs);
      if (dX == null) {
        return;
      }
      ops.gemm(nw, dZ, 0, hs, wT, null, dWin, 0, ldg);
      int padded = PackedMatrix.paddedCols(in, ops.lanes());
      for (int t = t0; t <= last; t++) {
        for (int b = 0; b < bs; b++) {
          int dst = dxOff + ((t - t0) * bs + b) * lddx;
          java.util.Arrays.fill(dX, dst, dst + padded, 0f);
          // x_t is frame j of the windows of steps t + j, in order j = 0, 1, ...
          for (int j = 0; j < frames && t + j <= last; j++) {
            int src = ((t + j - t0) * bs + b) * ldg + j * in;
            for (int i = 0; i < in; i++) {
              dX[dst + i] += dWin[src + i];
            }
          }
          // ... and frame (last - t) of the final state.
          int f = last - t;
          if (dFinalState != null && f < frames - 1) {
            int src = b * stateSize + hs + f * in;
            for (int i = 0; i < in; i++) {
              dX[dst + i] += dFinalState[src + i];
            }
          }
        }
      }
    }
  }
}
