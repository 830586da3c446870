package dev.mnemo.agents.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GRU cell's element-wise forward and backward ("reset after") on the Vector API, the exact arithmetic
 * of the plain loops in {@code dev.mnemo.agents.core.GruCell.Scalar} run with {@link VectorOps}' sigmoid and
 * tanh: the same operations in the same order, no fused multiply-add, the exp of {@link LstmGates}; so the
 * two give the same bits, in every JIT state. Inputs are the step's two projections {@code a} (of x) and
 * {@code c} (of h), each {@code [r | z | n]} blocks of {@code hs} floats:
 * <pre>
 *   r = sigmoid(a_r + c_r);   z = sigmoid(a_z + c_z);   n = tanh(a_n + r c_n);   h' = (1 - z) n + z h
 * </pre>
 * or, with {@code relu}, the candidate {@code n = max(a_n + r c_n, 0)} ({@link VectorOps#relu}'s lane-wise max, which
 * is {@link Math#max}'s: the scalar cell's {@code BatchOps.relu} gives the same bits).
 * Why a class of its own: the plain loops did not vectorise (C2 cannot tell the arrays apart). No method
 * here takes or returns a vector: one that C2 declines to inline (its inlining budget runs out in big
 * callers) boxes every vector it is passed. Load only when {@link BatchOps#vectorApiAvailable()}.
 */
public final class GruGates {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private GruGates() {}

  /**
   * One step over {@code rows} rows: the activated gates {@code [r | z | n]} go to {@code g} (which may be
   * {@code a} itself at the same offset and stride), the next hidden state to {@code hNext} (not aliasing
   * {@code hPrev}). Row by row, pass by pass over the row (in L1): sums, sigmoid ({@link LstmGates}'s exp
   * pass, then {@code 1 / (1 + e)}), candidate pre-activation, tanh ({@code 1 - 2 / (e + 1)}), output.
   */
  public static void forward(int rows, int hs, float[] a, int aOff, int lda, float[] c, int cOff, int ldc,
      float[] g, int gOff, int ldg, float[] hPrev, int hpOff, int ldhp, float[] hNext, int hnOff, int ldhn,
      boolean relu) {
    int h2 = 2 * hs;
    for (int b = 0; b < rows; b++) {
      int a0 = aOff + b * lda;
      int c0 = cOff + b * ldc;
      int g0 = gOff + b * ldg;
      sum(a, a0, c, c0, g, g0, h2);
      LstmGates.expScaled(g, g0, g, g0, h2, -1f);
      LstmGates.reciprocalPlusOne(g, g0, h2);
      candidate(hs, a, a0, c, c0, g, g0);
      if (relu) {
        relu(g, g0 + h2, hs);
      } else {
        LstmGates.expScaled(g, g0 + h2, g, g0 + h2, hs, 2f);
        LstmGates.tanhFromExp(g, g0 + h2, hs);
      }
      output(hs, g, g0, hPrev, hpOff + b * ldhp, hNext, hnOff + b * ldhn);
    }
  }

  /** {@code g = max(g, 0)} over {@code len} floats, as {@link VectorOps#relu} over one row. */
  private static void relu(float[] g, int g0, int len) {
    int l = S.length();
    int j = 0;
    for (; j + l <= len; j += l) {
      FloatVector.fromArray(S, g, g0 + j).max(0f).intoArray(g, g0 + j);
    }
    for (; j < len; j++) {
      g[g0 + j] = Math.max(g[g0 + j], 0f);
    }
  }

  /** {@code g = a + c} over {@code len} floats. */
  private static void sum(float[] a, int a0, float[] c, int c0, float[] g, int g0, int len) {
    int l = S.length();
    int j = 0;
    for (; j + l <= len; j += l) {
      FloatVector.fromArray(S, a, a0 + j).add(FloatVector.fromArray(S, c, c0 + j)).intoArray(g, g0 + j);
    }
    for (; j < len; j++) {
      g[g0 + j] = a[a0 + j] + c[c0 + j];
    }
  }

  /** With r in {@code g}: the candidate's pre-activation {@code a_n + r c_n} into g's n block. */
  private static void candidate(int hs, float[] a, int a0, float[] c, int c0, float[] g, int g0) {
    int h2 = 2 * hs;
    int l = S.length();
    int j = 0;
    for (; j + l <= hs; j += l) {
      var r = FloatVector.fromArray(S, g, g0 + j);
      FloatVector.fromArray(S, a, a0 + h2 + j).add(r.mul(FloatVector.fromArray(S, c, c0 + h2 + j)))
          .intoArray(g, g0 + h2 + j);
    }
    for (; j < hs; j++) {
      g[g0 + h2 + j] = a[a0 + h2 + j] + g[g0 + j] * c[c0 + h2 + j];
    }
  }

  /** {@code h' = (1 - z) n + z h} from the activated gate row at {@code g0}. */
  private static void output(int hs, float[] g, int g0, float[] hPrev, int p0, float[] hNext, int n0) {
    int h2 = 2 * hs;
    int l = S.length();
    int j = 0;
    for (; j + l <= hs; j += l) {
      var z = FloatVector.fromArray(S, g, g0 + hs + j);
      var n = FloatVector.fromArray(S, g, g0 + h2 + j);
      z.broadcast(1f).sub(z).mul(n).add(z.mul(FloatVector.fromArray(S, hPrev, p0 + j))).intoArray(hNext, n0 + j);
    }
    for (; j < hs; j++) {
      float z = g[g0 + hs + j];
      hNext[n0 + j] = (1 - z) * g[g0 + h2 + j] + z * hPrev[p0 + j];
    }
  }

  /**
   * The step's backward over {@code rows} rows from the gates {@code g} and hidden projection {@code c} of
   * {@link #forward} and dLoss/dh' = {@code dhA + dhB}:
   * <pre>
   *   dn = dh' (1 - z);   dz = dh' (h - n);   da_n = dn (1 - n^2);   dr = da_n c_n
   *   da_r = dc_r = dr r (1 - r);   da_z = dc_z = dz z (1 - z);   dc_n = da_n r;   dh = dh' z
   * </pre>
   * ({@code relu}: {@code da_n = n > 0 ? dn : 0}, the ReLU's derivative read off its output.)
   * writing dLoss/da to {@code da}, dLoss/dc to {@code dc} and the direct part of dLoss/dh to {@code dhPrev}.
   */
  public static void backward(int rows, int hs, float[] g, int gOff, int ldg, float[] c, int cOff, int ldc,
      float[] hPrev, int hpOff, int ldhp, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB,
      float[] da, int daOff, int ldda, float[] dc, int dcOff, int lddc, float[] dhPrev, int dhpOff, int lddhp,
      boolean relu) {
    int h2 = 2 * hs;
    int l = S.length();
    for (int b = 0; b < rows; b++) {
      int g0 = gOff + b * ldg;
      int c0 = cOff + b * ldc;
      int p0 = hpOff + b * ldhp;
      int a0 = dhAOff + b * ldA;
      int b0 = dhBOff + b * ldB;
      int da0 = daOff + b * ldda;
      int dc0 = dcOff + b * lddc;
      int dp0 = dhpOff + b * lddhp;
      int j = 0;
      for (; j + l <= hs; j += l) {
        var r = FloatVector.fromArray(S, g, g0 + j);
        var z = FloatVector.fromArray(S, g, g0 + hs + j);
        var n = FloatVector.fromArray(S, g, g0 + h2 + j);
        var one = r.broadcast(1f);
        var dh = FloatVector.fromArray(S, dhA, a0 + j).add(FloatVector.fromArray(S, dhB, b0 + j));
        var dn = dh.mul(one.sub(z));
        var dz = dh.mul(FloatVector.fromArray(S, hPrev, p0 + j).sub(n));
        var dan = relu ? dn.broadcast(0f).blend(dn, n.compare(VectorOperators.GT, 0f))
            : dn.mul(one.sub(n.mul(n)));
        var dr = dan.mul(FloatVector.fromArray(S, c, c0 + h2 + j));
        var dar = dr.mul(r).mul(one.sub(r));
        var daz = dz.mul(z).mul(one.sub(z));
        dar.intoArray(da, da0 + j);
        daz.intoArray(da, da0 + hs + j);
        dan.intoArray(da, da0 + h2 + j);
        dar.intoArray(dc, dc0 + j);
        daz.intoArray(dc, dc0 + hs + j);
        dan.mul(r).intoArray(dc, dc0 + h2 + j);
        dh.mul(z).intoArray(dhPrev, dp0 + j);
      }
      for (; j < hs; j++) {
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

  /** {@code acc[b, j] += add[b, j]} over {@code rows x n}. */
  public static void addRows(int rows, int n, float[] acc, int accOff, int ldacc, float[] add, int addOff,
      int ldadd) {
    int l = S.length();
    for (int b = 0; b < rows; b++) {
      int o = accOff + b * ldacc;
      int p = addOff + b * ldadd;
      int j = 0;
      for (; j + l <= n; j += l) {
        FloatVector.fromArray(S, acc, o + j).add(FloatVector.fromArray(S, add, p + j)).intoArray(acc, o + j);
      }
      for (; j < n; j++) {
        acc[o + j] += add[p + j];
      }
    }
  }
}
