package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.GruGates;

/**
 * The GRU cell's element-wise forward and backward ("reset after", as PyTorch and cuDNN), given the two
 * projections of a step: {@code a} of the input and {@code c} of the previous hidden state, each
 * {@code [r | z | n]} blocks of {@code hs} floats (biases, or layer norm, already applied):
 * <pre>
 *   r = sigmoid(a_r + c_r);   z = sigmoid(a_z + c_z);   n = tanh(a_n + r * c_n);   h' = (1 - z) n + z h
 * </pre>
 * Written once for {@link GruCore} and {@link LayerNormGruCore}, their acting kernels and training forms, in
 * two implementations of the same arithmetic (as {@link LstmGateMath}): {@link Vector} on the Vector API
 * ({@link GruGates}) and {@link Scalar} in plain loops with the {@link BatchOps}' sigmoid and tanh. Given
 * the same sigmoid and tanh they give the same bits (no fused multiply-add, the same order), and every JIT
 * state gives the same bits. A ReLU cell ({@link #of(BatchOps, boolean)}) has the candidate
 * {@code n = max(a_n + r * c_n, 0)} instead of tanh, as the GRU of the RL² reproduction that matched the paper.
 */
interface GruCell {

  /**
   * One step over {@code rows} rows: the activated gates {@code [r | z | n]} go to {@code g} (which may be
   * {@code a} itself at the same offset and stride), the next hidden state to {@code hNext}.
   */
  void forward(int rows, int hs, float[] a, int aOff, int lda, float[] c, int cOff, int ldc, float[] g, int gOff,
      int ldg, float[] hPrev, int hpOff, int ldhp, float[] hNext, int hnOff, int ldhn);

  /**
   * The step's backward over {@code rows} rows, from the gates {@code g} and the hidden projection {@code c}
   * that {@link #forward} used and dLoss/dh' = {@code dhA + dhB} (the output's and the recurrent gradient):
   * <pre>
   *   dn = dh' (1 - z);   dz = dh' (h - n);   da_n = dn (1 - n^2);   dr = da_n c_n
   *   da_r = dc_r = dr r (1 - r);   da_z = dc_z = dz z (1 - z);   dc_n = da_n r;   dh = dh' z (+ dc Wh^T, by the caller)
   * </pre>
   * (a ReLU cell: {@code da_n = n > 0 ? dn : 0}), writing dLoss/da to {@code da}, dLoss/dc to {@code dc} and the
   * direct part of dLoss/dh to {@code dhPrev}.
   */
  void backward(int rows, int hs, float[] g, int gOff, int ldg, float[] c, int cOff, int ldc, float[] hPrev,
      int hpOff, int ldhp, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB, float[] da,
      int daOff, int ldda, float[] dc, int dcOff, int lddc, float[] dhPrev, int dhpOff, int lddhp);

  /** {@code acc[b, j] += add[b, j]} over {@code rows x hs}: the direct dh added to {@code dc Wh^T}. */
  void addRows(int rows, int hs, float[] acc, int accOff, int ldacc, float[] add, int addOff, int ldadd);

  /** The tanh cell matching {@code ops}: vector for the Vector API implementation, else scalar. */
  static GruCell of(BatchOps ops) {
    return of(ops, false);
  }

  /** The cell matching {@code ops}, its candidate a ReLU if {@code relu}, else tanh. */
  static GruCell of(BatchOps ops, boolean relu) {
    return ops.vectorApi() ? new Vector(relu) : new Scalar(ops, relu);
  }

  /** {@link GruGates}; only that class names {@code jdk.incubator.vector}. */
  final class Vector implements GruCell {
    private final boolean relu;

    Vector(boolean relu) {
      this.relu = relu;
    }

    @Override
    public void forward(int rows, int hs, float[] a, int aOff, int lda, float[] c, int cOff, int ldc, float[] g,
        int gOff, int ldg, float[] hPrev, int hpOff, int ldhp, float[] hNext, int hnOff, int ldhn) {
      GruGates.forward(rows, hs, a, aOff, lda, c, cOff, ldc, g, gOff, ldg, hPrev, hpOff, ldhp, hNext, hnOff, ldhn,
          relu);
    }

    @Override
    public void backward(int rows, int hs, float[] g, int gOff, int ldg, float[] c, int cOff, int ldc,
        float[] hPrev, int hpOff, int ldhp, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB,
        float[] da, int daOff, int ldda, float[] dc, int dcOff, int lddc, float[] dhPrev, int dhpOff, int lddhp) {
      GruGates.backward(rows, hs, g, gOff, ldg, c, cOff, ldc, hPrev, hpOff, ldhp, dhA, dhAOff, ldA, dhB, dhBOff,
          ldB, da, daOff, ldda, dc, dcOff, lddc, dhPrev, dhpOff, lddhp, relu);
    }

    @Override
    public void addRows(int rows, int hs, float[] acc, int accOff, int ldacc, float[] add, int addOff,
        int ldadd) {
      GruGates.addRows(rows, hs, acc, accOff, ldacc, add, addOff, ldadd);
    }
  }

  /**
   * Plain loops, the nonlinearities in place through {@link BatchOps#sigmoid}, {@link BatchOps#tanh} and {@link
   * BatchOps#relu}.
   */
  final class Scalar implements GruCell {
    private final BatchOps ops;
    private final boolean relu;

    Scalar(BatchOps ops, boolean relu) {
      this.ops = ops;
      this.relu = relu;
    }

    @Override
    public void forward(int rows, int hs, float[] a, int aOff, int lda, float[] c, int cOff, int ldc, float[] g,
        int gOff, int ldg, float[] hPrev, int hpOff, int ldhp, float[] hNext, int hnOff, int ldhn) {
      int h2 = 2 * hs;
      for (int b = 0; b < rows; b++) {
        int a0 = aOff + b * lda;
        int c0 = cOff + b * ldc;
        int g0 = gOff + b * ldg;
        for (int j = 0; j < h2; j++) {
          g[g0 + j] = a[a0 + j] + c[c0 + j];
        }
      }
      ops.sigmoid(rows, h2, g, gOff, ldg);
      for (int b = 0; b < rows; b++) {
        int a0 = aOff + b * lda;
        int c0 = cOff + b * ldc;
        int g0 = gOff + b * ldg;
        for (int j = 0; j < hs; j++) {
          g[g0 + h2 + j] = a[a0 + h2 + j] + g[g0 + j] * c[c0 + h2 + j];
        }
      }
      if (relu) {
        ops.relu(rows, hs, g, gOff + h2, ldg);
      } else {
        ops.tanh(rows, hs, g, gOff + h2, ldg);
      }
      for (int b = 0; b < rows; b++) {
        int g0 = gOff + b * ldg;
        int p0 = hpOff + b * ldhp;
        int n0 = hnOff + b * ldhn;
        for (int j = 0; j < hs; j++) {
          float z = g[g0 + hs + j];
          hNext[n0 + j] = (1 - z) * g[g0 + h2 + j] + z * hPrev[p0 + j];
        }
      }
    }

    @Override
    public void backward(int rows, int hs, float[] g, int gOff, int ldg, float[] c, int cOff, int ldc,
        float[] hPrev, int hpOff, int ldhp, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB,
        float[] da, int daOff, int ldda, float[] dc, int dcOff, int lddc, float[] dhPrev, int dhpOff, int lddhp) {
      int h2 = 2 * hs;
      for (int b = 0; b < rows; b++) {
        int g0 = gOff + b * ldg;
        int c0 = cOff + b * ldc;
        int p0 = hpOff + b * ldhp;
        int a0 = dhAOff + b * ldA;
        int b0 = dhBOff + b * ldB;
        int da0 = daOff + b * ldda;
        int dc0 = dcOff + b * lddc;
        int dp0 = dhpOff + b * lddhp;
        for (int j = 0; j < hs; j++) {
          float r = g[g0 + j];
          float z = g[g0 + hs + j];
          float n = g[g0 + h2 + j];
          float dh = dhA[a0 + j] + dhB[b0 + j];
          float dn = dh * (1 - z);
          float dz = dh * (hPrev[p0 + j] - n);
          float dan = relu ? (n > 0f ? dn : 0f) : dn * (1 - n * n);
          float dr = dan * c[c0 + h2 + j];
          float dar = dr * r * (1 - r);
          float daz = dz * z * (1 - z);
          da[da0 + j] = dar;
          da[da0 + hs + j] = daz;
          da[da0 + h2 + j] = dan;
          dc[dc0 + j] = dar;
          dc[dc0 + hs + j] = daz;
          dc[dc0 + h2 + j] = dan * r;
          dhPrev[dp0 + j] = dh * z;
        }
      }
    }

    @Override
    public void addRows(int rows, int hs, float[] acc, int accOff, int ldacc, float[] add, int addOff,
        int ldadd) {
      for (int b = 0; b < rows; b++) {
        int o = accOff + b * ldacc;
        int p = addOff + b * ldadd;
        for (int j = 0; j < hs; j++) {
          acc[o + j] += add[p + j];
        }
      }
    }
  }
}
