package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link IndRnnCore}'s training form on the {@link BatchOps} products. Because the recurrence is element-wise,
 * every product spans the whole window, layer by layer:
 * <ul>
 *   <li>forward, per layer from the bottom: ONE product {@code h^(l-1) W^(l) + b^(l)} over all {@code B T} rows,
 *       then the steps in order with {@link IndRnnCore#recur} ({@code ReLU(z_t + ū ⊙ h_{t-1})}, the acting
 *       kernel's arithmetic);</li>
 *   <li>backward, per layer from the top: the steps in reverse, element-wise only,
 *       <pre>
 *   dh_t = g_t + dz_{t+1} ⊙ ū,   dz_t = dh_t · 1[h_t > 0],   dū += dz_t ⊙ h_{t-1}
 *       </pre>
 *       where {@code g_t} is dLoss/dy_t for the top layer and {@code dz^(l+1)_t W^(l+1)^T} below it (one
 *       product over the window), and the recurrent term at the window's last step is dLoss/dFinalState's block
 *       of the layer; then {@code du = dū · 1[|u| <= u_max]} (the clamp's derivative, see {@link IndRnnCore}),
 *       {@code [W; b] = [h^(l-1) | 1]^T dZ} in one product ({@link WeightGradient}), and for the first layer
 *       {@code dX = dZ W^(1)^T}.</li>
 * </ul>
 */
final class IndRnnTraining implements CoreTraining {

  private final IndRnnCore core;
  private final BatchOps ops;
  private final int in;
  private final int hs;
  private final int layers;
  /** Per layer: W for the forward product, its padded bias, W^T for the backward product, ū, and 1[|u| <= u_max]. */
  private final PackedMatrix[] w;
  private final float[][] bias;
  private final PackedMatrix[] wT;
  private final float[][] uBar;
  private final boolean[][] uInside;
  private final float[] stage;

  IndRnnTraining(IndRnnCore core, BatchOps ops) {
    this.core = core;
    this.ops = ops;
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    this.layers = core.layers();
    int lanes = ops.lanes();
    w = new PackedMatrix[layers];
    bias = new float[layers][];
    wT = new PackedMatrix[layers];
    uBar = new float[layers][hs];
    uInside = new boolean[layers][hs];
    for (int l = 0; l < layers; l++) {
      int k = core.layerInput(l);
      w[l] = new PackedMatrix(k, hs, lanes);
      bias[l] = new float[w[l].paddedCols()];
      wT[l] = new PackedMatrix(hs, k, lanes);
    }
    stage = new float[hs * Math.max(hs, in)];
  }

  @Override
  public void load(float[] params, int offset) {
    float bound = core.recurrentBound();
    for (int l = 0; l < layers; l++) {
      int off = offset + core.layerOffset(l);
      int k = core.layerInput(l);
      w[l].load(params, off, hs, 0, 0, k, hs);
      wT[l].loadTransposed(params, off, k, hs, 0, 0, stage);
      int u = off + k * hs;
      for (int j = 0; j < hs; j++) {
        uBar[l][j] = IndRnnCore.clamp(params[u + j], bound);
        uInside[l][j] = IndRnnCore.insideBound(params[u + j], bound);
      }
      System.arraycopy(params, u + hs, bias[l], 0, hs);
    }
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new IndRnnPass(batch, time);
  }

  private final class IndRnnPass extends WindowPass {
    final int ldz;
    final float[] xs;      // [n, in]: the window's inputs, kept for W1's gradient
    /** Per layer: [(T+1)B, H], block 0 = the layer's initial state, block t+1 = its output after step t. */
    final float[][] hJ;
    final float[] z;       // [n, ldz]: one layer's input products
    final float[] dZ;      // [n, H], window rows, one layer at a time
    final float[] dAbove;  // [n, ldz]: dZ^(l+1) W^(l+1)^T, the gradient reaching layer l's outputs from above
    final float[] dRec;    // [B, H]: dz_{t+1} ⊙ ū (or dLoss/dFinalState's block) for step t
    final float[] du;      // [H]
    /** Per backward window length: the weight-gradient products of the first layer and of the layers above. */
    final Map<Integer, WeightGradient> firstWindows = new HashMap<>();
    final Map<Integer, WeightGradient> upperWindows = new HashMap<>();

    IndRnnPass(int bs, int time) {
      super(bs, time);
      this.ldz = w[0].paddedCols();
      xs = new float[n * in];
      hJ = new float[layers][(time + 1) * bs * hs];
      z = new float[n * ldz];
      dZ = new float[n * hs];
      dAbove = new float[n * ldz];
      dRec = new float[bs * hs];
      du = new float[hs];
    }

    @Override
    public float[] output() {
      return hJ[layers - 1];
    }

    @Override
    public int outputOffset() {
      return bs * hs;
    }

    @Override
    public int outputStride() {
      return hs;
    }

    @Override
    public void copyState(int t, int b, float[] dst, int dstOff) {
      for (int l = 0; l < layers; l++) {
        System.arraycopy(hJ[l], (t + 1) * bs * hs + b * hs, dst, dstOff + core.stateOffset(l), hs);
      }
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      int s = core.stateSize();
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xs, r * in, in);
      }
      for (int l = 0; l < layers; l++) {
        float[] h = hJ[l];
        for (int b = 0; b < bs; b++) {
          System.arraycopy(state0, state0Off + b * s + core.stateOffset(l), h, b * hs, hs);
        }
        if (l == 0) {
          ops.gemm(n, xs, 0, in, w[0], bias[0], z, 0, ldz);
        } else {
          ops.gemm(n, hJ[l - 1], bs * hs, hs, w[l], bias[l], z, 0, ldz);
        }
        for (int t = 0; t < time; t++) {
          IndRnnCore.recur(bs, hs, z, t * bs * ldz, ldz, uBar[l], h, t * bs * hs, hs, h, (t + 1) * bs * hs, hs);
        }
      }
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int s = core.stateSize();
      int nw = tw * bs;
      for (int l = layers - 1; l >= 0; l--) {
        float[] h = hJ[l];
        float[] ub = uBar[l];
        boolean top = l == layers - 1;
        float[] up = top ? dOut : dAbove;
        int upOff = top ? dOutOff : 0;
        int ldu = top ? ldd : ldz;
        java.util.Arrays.fill(dRec, 0f);
        if (dFinalState != null) {
          for (int b = 0; b < bs; b++) {
            System.arraycopy(dFinalState, b * s + core.stateOffset(l), dRec, b * hs, hs);
          }
        }
        java.util.Arrays.fill(du, 0f);
        for (int t = t0 + tw - 1; t >= t0; t--) {
          int hBase = (t + 1) * bs * hs;
          int pBase = t * bs * hs;
          int zOff = (t - t0) * bs * hs;
          int uBase = upOff + (t - t0) * bs * ldu;
          for (int b = 0; b < bs; b++) {
            for (int j = 0; j < hs; j++) {
              float dh = up[uBase + b * ldu + j] + dRec[b * hs + j];
              float dz = h[hBase + b * hs + j] > 0f ? dh : 0f;
              dZ[zOff + b * hs + j] = dz;
              dRec[b * hs + j] = dz * ub[j];
              du[j] += dz * h[pBase + b * hs + j];
            }
          }
        }
        int k = core.layerInput(l);
        int wOff = gradOff + core.layerOffset(l);
        int uOff = wOff + k * hs;
        for (int j = 0; j < hs; j++) {
          grad[uOff + j] = uInside[l][j] ? du[j] : 0f;
        }
        // [W; b] gradient = [h^(l-1) | 1]^T dZ over the window's rows in one product.
        WeightGradient wg = (l == 0 ? firstWindows : upperWindows)
            .computeIfAbsent(nw, m -> new WeightGradient(ops, nw, k, hs));
        if (l == 0) {
          wg.compute(xs, t0 * bs * in, in, dZ, 0, hs);
        } else {
          wg.compute(hJ[l - 1], (t0 + 1) * bs * hs, hs, dZ, 0, hs);
        }
        wg.copyTo(grad, wOff, uOff + hs);
        if (l > 0) {
          ops.gemm(nw, dZ, 0, hs, wT[l], null, dAbove, 0, ldz);
        } else if (dX != null) {
          ops.gemm(nw, dZ, 0, hs, wT[0], null, dX, dxOff, lddx);
        }
      }
    }
  }
}
