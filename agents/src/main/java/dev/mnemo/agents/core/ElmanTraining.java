package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ElmanCore}'s training form on the {@link BatchOps} products:
 * <ul>
 *   <li>forward: one product {@code [x_t | h_{t-1}] [Wx; Wh] + b} per step and {@link BatchOps#tanh} in place
 *       (the acting kernel's arithmetic, so both give the same bits);</li>
 *   <li>backward: per step {@code dz_t = (dy_t + dz_{t+1} Wh^T) * (1 - h_t^2)} and the product {@code dz_t Wh^T};
 *       the weight gradient {@code [Wx; Wh; b] = [x | h_prev | 1]^T dZ} is ONE product over all rows of the
 *       window ({@link WeightGradient}), and the input gradient {@code dX = dZ Wx^T} another.</li>
 * </ul>
 */
final class ElmanTraining implements CoreTraining {

  private final BatchOps ops;
  private final int in;
  private final int hs;
  /** [Wx; Wh] for the step product, its bias; Wh^T for dz_t Wh^T; Wx^T for dX = dZ Wx^T. */
  private final PackedMatrix wxh;
  private final float[] bias;
  private final PackedMatrix whT;
  private final PackedMatrix wxT;
  private final float[] stage;

  ElmanTraining(ElmanCore core, BatchOps ops) {
    this.ops = ops;
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    int lanes = ops.lanes();
    wxh = new PackedMatrix(in + hs, hs, lanes);
    bias = new float[wxh.paddedCols()];
    whT = new PackedMatrix(hs, hs, lanes);
    wxT = new PackedMatrix(hs, in, lanes);
    stage = new float[hs * Math.max(hs, in)];
  }

  @Override
  public void load(float[] params, int offset) {
    int whOff = offset + in * hs;
    wxh.load(params, offset, hs, 0, 0, in, hs);
    wxh.load(params, whOff, hs, in, 0, hs, hs);
    System.arraycopy(params, whOff + hs * hs, bias, 0, hs);
    whT.loadTransposed(params, whOff, hs, hs, 0, 0, stage);
    wxT.loadTransposed(params, offset, in, hs, 0, 0, stage);
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new ElmanPass(batch, time);
  }

  private final class ElmanPass extends HiddenStatePass {
    final int ldk;
    final float[] xh;     // [n, in + H]: row r = [x_r | h_{r-1}]
    final float[] zJ;     // one step's pre-activations, activated in place
    final float[] dZ;     // [n, H], window rows
    final float[] dhRec;  // dz_{t+1} Wh^T (or dLoss/dFinalState) for step t
    /** Per backward window length: the weight-gradient product's operands, built once. */
    final Map<Integer, WeightGradient> windows = new HashMap<>();

    ElmanPass(int bs, int time) {
      super(bs, time, ElmanTraining.this.hs);
      this.ldk = in + hs;
      xh = new float[n * ldk];
      zJ = new float[bs * wxh.paddedCols()];
      dZ = new float[n * hs];
      dhRec = new float[bs * whT.paddedCols()];
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      loadInitialState(state0, state0Off);
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xh, r * ldk, in);
      }
      for (int b = 0; b < bs; b++) {
        System.arraycopy(hJ, b * hs, xh, b * ldk + in, hs);
      }
      int ldz = wxh.paddedCols();
      for (int t = 0; t < time; t++) {
        ops.gemm(bs, xh, t * bs * ldk, ldk, wxh, bias, zJ, 0, ldz);
        ops.tanh(bs, hs, zJ, 0, ldz);
        int curBase = (t + 1) * bs * hs;
        for (int b = 0; b < bs; b++) {
          System.arraycopy(zJ, b * ldz, hJ, curBase + b * hs, hs);
          if (t + 1 < time) {
            System.arraycopy(zJ, b * ldz, xh, ((t + 1) * bs + b) * ldk + in, hs);
          }
        }
      }
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int ldr = whT.paddedCols();
      seedRecurrentGradient(dhRec, ldr, dFinalState);
      // Backpropagation through time; dhRec carries dz_{t+1} Wh^T into step t.
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int hBase = (t + 1) * bs * hs;
        int zOff = (t - t0) * bs * hs;
        int dBase = dOutOff + (t - t0) * bs * ldd;
        for (int b = 0; b < bs; b++) {
          for (int j = 0; j < hs; j++) {
            float h = hJ[hBase + b * hs + j];
            float dh = dOut[dBase + b * ldd + j] + dhRec[b * ldr + j];
            dZ[zOff + b * hs + j] = dh * (1 - h * h);
          }
        }
        if (t > t0) {
          ops.gemm(bs, dZ, zOff, hs, whT, null, dhRec, 0, ldr);
        }
      }
      // [Wx; Wh; b] gradient = [x | h_prev | 1]^T dZ in one product: xh's rows are [x_t | h_{t-1}].
      int nw = tw * bs;
      WeightGradient wg = windows.computeIfAbsent(nw, k -> new WeightGradient(ops, nw, ldk, hs));
      wg.compute(xh, t0 * bs * ldk, ldk, dZ, 0, hs);
      wg.copyTo(grad, gradOff, gradOff + ldk * hs);
      if (dX != null) {
        ops.gemm(nw, dZ, 0, hs, wxT, null, dX, dxOff, lddx);
      }
    }
  }
}
