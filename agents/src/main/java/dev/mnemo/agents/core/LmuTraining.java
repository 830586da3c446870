package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link LmuCore}'s training form on the {@link BatchOps} products:
 * <ul>
 *   <li>forward, per step: the acting kernel's arithmetic ({@link LmuCore#encode}, the memory product {@code
 *       [m_{t−1} | u] [Āᵀ; B̄ᵀ]}, the hidden product {@code [x | h_{t−1} | m_t] [W_x; W_h; W_m] + b}, tanh), keeping
 *       every step's row {@code [x_t | h_{t−1} | m_t]} and the states h and m;</li>
 *   <li>backward, per step in reverse, with {@code g_h} and {@code g_m} the gradients reaching h_t and m_t from
 *       the future (dLoss/dFinalState at the window's end):
 *       <pre>
 *   dz_t     = (dy_t + g_h) ⊙ (1 − h_t²)
 *   [a | c]  = dz_t [W_hᵀ | W_mᵀ]                   (one product)
 *   dm_t     = g_m + c,     du_t = dm_t · B̄
 *   g_m      ← dm_t Ā + du_t e_mᵀ                   (one product)
 *   g_h      ← a + du_t e_hᵀ
 *       </pre>
 *       then over the whole window {@code [W_x; W_h; W_m; b] = [x | h_{t−1} | m_t | 1]ᵀ dZ} in one product ({@link
 *       WeightGradient}), {@code dX = [dZ | dU] [W_xᵀ; e_xᵀ]} in another, and the encoders {@code [e_x; e_h; e_m] =
 *       Σ_t [x_t | h_{t−1} | m_{t−1}]ᵀ du_t} in plain loops (a K-vector: one column, not worth a product).</li>
 * </ul>
 */
final class LmuTraining implements CoreTraining {

  private final LmuCore core;
  private final BatchOps ops;
  private final int in;
  private final int hs;
  private final int d;
  private final int k;
  /** [W_x; W_h; W_m] and b for the step product; [Āᵀ; B̄ᵀ] for the memory; the encoders. */
  private final PackedMatrix w;
  private final float[] bias;
  private final PackedMatrix memory;
  private final float[] enc;
  /** Backward: [W_hᵀ | W_mᵀ] ([H, H + d]); Ā ([d, d]); B̄; [W_xᵀ; e_xᵀ] ([H + 1, in]). */
  private final PackedMatrix hmT;
  private final PackedMatrix aBar;
  private final float[] bBar;
  private final PackedMatrix dxT;
  private final float[] stage;

  LmuTraining(LmuCore core, BatchOps ops) {
    this.core = core;
    this.ops = ops;
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    this.d = core.order();
    this.k = core.stackedSize();
    int lanes = ops.lanes();
    w = new PackedMatrix(k, hs, lanes);
    bias = new float[w.paddedCols()];
    memory = new PackedMatrix(d + 1, d, lanes);
    enc = new float[k];
    hmT = new PackedMatrix(hs, hs + d, lanes);
    aBar = new PackedMatrix(d, d, lanes);
    dxT = new PackedMatrix(hs + 1, in, lanes);
    stage = new float[Math.max(hs * Math.max(hs, Math.max(in, d)), d * d)];
    float[] mem = core.memoryMatrix();
    memory.load(mem, 0, d, 0, 0, d + 1, d);
    aBar.loadTransposed(mem, 0, d, d, 0, 0, stage); // the first d rows hold Āᵀ
    bBar = java.util.Arrays.copyOfRange(mem, d * d, (d + 1) * d);
  }

  @Override
  public void load(float[] params, int offset) {
    int whOff = offset + in * hs;
    int wmOff = whOff + hs * hs;
    int bOff = offset + core.biasOffset();
    int eOff = offset + core.encoderOffset();
    w.load(params, offset, hs, 0, 0, k, hs);
    System.arraycopy(params, bOff, bias, 0, hs);
    System.arraycopy(params, eOff, enc, 0, k);
    hmT.loadTransposed(params, whOff, hs, hs, 0, 0, stage);
    hmT.loadTransposed(params, wmOff, d, hs, 0, hs, stage);
    dxT.loadTransposed(params, offset, in, hs, 0, 0, stage);
    dxT.load(params, eOff, in, hs, 0, 1, in);
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new LmuPass(batch, time);
  }

  private final class LmuPass extends WindowPass {
    final int ldu;
    final int ldm;
    final int ldz;
    final int ldg;
    final int ldr;
    final float[] hJ;     // [(T+1)B, H]: block 0 = h_{−1}, block t+1 = h_t (the output)
    final float[] xhm;    // [n, K]: row t B + b = [x_t | h_{t−1} | m_t]
    final float[] mJ;     // [(T+1)B, d]: block 0 = m_{−1}, block t+1 = m_t
    final float[] mu;     // [B, d + 1]: [m_{t−1} | u_t] of one step
    final float[] mz;     // [B, ldm]: the memory product
    final float[] zJ;     // [B, ldz]: one step's pre-activations, activated in place
    final float[] dZu;    // [n, H + 1], window rows: [dz_t | du_t]
    final float[] g1;     // [B, ldg]: dz_t [W_hᵀ | W_mᵀ]
    final float[] dm;     // [B, d]: dLoss/dm_t
    final float[] g2;     // [B, ldr]: dm_t Ā
    final float[] dhRec;  // [B, H]: g_h
    final float[] dmRec;  // [B, d]: g_m
    final float[] de;     // [K]
    final Map<Integer, WeightGradient> windows = new HashMap<>();

    LmuPass(int bs, int time) {
      super(bs, time);
      ldu = d + 1;
      ldm = memory.paddedCols();
      ldz = w.paddedCols();
      ldg = hmT.paddedCols();
      ldr = aBar.paddedCols();
      hJ = new float[(time + 1) * bs * hs];
      xhm = new float[n * k];
      mJ = new float[(time + 1) * bs * d];
      mu = new float[bs * ldu];
      mz = new float[bs * ldm];
      zJ = new float[bs * ldz];
      dZu = new float[n * (hs + 1)];
      g1 = new float[bs * ldg];
      dm = new float[bs * d];
      g2 = new float[bs * ldr];
      dhRec = new float[bs * hs];
      dmRec = new float[bs * d];
      de = new float[k];
    }

    @Override
    public float[] output() {
      return hJ;
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
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      int s = hs + d;
      for (int b = 0; b < bs; b++) {
        System.arraycopy(state0, state0Off + b * s, hJ, b * hs, hs);
        System.arraycopy(state0, state0Off + b * s + hs, mJ, b * d, d);
        System.arraycopy(state0, state0Off + b * s, xhm, b * k + in, hs);
      }
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xhm, r * k, in);
      }
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int row = (t * bs + b) * k;
          System.arraycopy(mJ, (t * bs + b) * d, mu, b * ldu, d);
          mu[b * ldu + d] = LmuCore.encode(xhm, row, in + hs, mu, b * ldu, d, enc);
        }
        ops.gemm(bs, mu, 0, ldu, memory, null, mz, 0, ldm);
        for (int b = 0; b < bs; b++) {
          System.arraycopy(mz, b * ldm, xhm, (t * bs + b) * k + in + hs, d);
          System.arraycopy(mz, b * ldm, mJ, ((t + 1) * bs + b) * d, d);
        }
        ops.gemm(bs, xhm, t * bs * k, k, w, bias, zJ, 0, ldz);
        ops.tanh(bs, hs, zJ, 0, ldz);
        for (int b = 0; b < bs; b++) {
          System.arraycopy(zJ, b * ldz, hJ, ((t + 1) * bs + b) * hs, hs);
          if (t + 1 < time) {
            System.arraycopy(zJ, b * ldz, xhm, ((t + 1) * bs + b) * k + in, hs);
          }
        }
      }
    }

    @Override
    public void copyState(int t, int b, float[] dst, int dstOff) {
      System.arraycopy(hJ, ((t + 1) * bs + b) * hs, dst, dstOff, hs);
      System.arraycopy(mJ, ((t + 1) * bs + b) * d, dst, dstOff + hs, d);
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int s = hs + d;
      int ldzu = hs + 1;
      int eOff = core.encoderOffset();
      java.util.Arrays.fill(dhRec, 0f);
      java.util.Arrays.fill(dmRec, 0f);
      if (dFinalState != null) {
        for (int b = 0; b < bs; b++) {
          System.arraycopy(dFinalState, b * s, dhRec, b * hs, hs);
          System.arraycopy(dFinalState, b * s + hs, dmRec, b * d, d);
        }
      }
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int hBase = (t + 1) * bs * hs;
        int zRow = (t - t0) * bs;
        int dBase = dOutOff + (t - t0) * bs * ldd;
        for (int b = 0; b < bs; b++) {
          int zr = (zRow + b) * ldzu;
          for (int j = 0; j < hs; j++) {
            float h = hJ[hBase + b * hs + j];
            float dh = dOut[dBase + b * ldd + j] + dhRec[b * hs + j];
            dZu[zr + j] = dh * (1 - h * h);
          }
        }
        ops.gemm(bs, dZu, zRow * ldzu, ldzu, hmT, null, g1, 0, ldg);
        for (int b = 0; b < bs; b++) {
          float du = 0f;
          for (int i = 0; i < d; i++) {
            float v = dmRec[b * d + i] + g1[b * ldg + hs + i];
            dm[b * d + i] = v;
            du += v * bBar[i];
          }
          dZu[(zRow + b) * ldzu + hs] = du;
        }
        if (t > t0) {
          ops.gemm(bs, dm, 0, d, aBar, null, g2, 0, ldr);
          for (int b = 0; b < bs; b++) {
            float du = dZu[(zRow + b) * ldzu + hs];
            for (int i = 0; i < d; i++) {
              dmRec[b * d + i] = g2[b * ldr + i] + du * enc[in + hs + i];
            }
            for (int j = 0; j < hs; j++) {
              dhRec[b * hs + j] = g1[b * ldg + j] + du * enc[in + j];
            }
          }
        }
      }
      // [W_x; W_h; W_m; b] = [x | h_{t−1} | m_t | 1]ᵀ dZ in one product over the window's rows.
      int nw = tw * bs;
      WeightGradient wg = windows.computeIfAbsent(nw, m -> new WeightGradient(ops, nw, k, hs));
      wg.compute(xhm, t0 * bs * k, k, dZu, 0, ldzu);
      wg.copyTo(grad, gradOff, gradOff + core.biasOffset());
      // [e_x; e_h; e_m] = Σ [x_t | h_{t−1} | m_{t−1}]ᵀ du_t, rows in order.
      java.util.Arrays.fill(de, 0f);
      int inH = in + hs;
      for (int r = 0; r < nw; r++) {
        float du = dZu[r * ldzu + hs];
        int row = (t0 * bs + r) * k;
        int mPrev = (t0 * bs + r) * d;
        for (int c = 0; c < inH; c++) {
          de[c] += xhm[row + c] * du;
        }
        for (int i = 0; i < d; i++) {
          de[inH + i] += mJ[mPrev + i] * du;
        }
      }
      System.arraycopy(de, 0, grad, gradOff + eOff, k);
      if (dX != null) {
        ops.gemm(nw, dZu, 0, ldzu, dxT, null, dX, dxOff, lddx);
      }
    }
  }
}
