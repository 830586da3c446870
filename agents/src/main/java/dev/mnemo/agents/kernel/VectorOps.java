package dev.mnemo.agents.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BatchOps} on the JDK Vector API ({@code jdk.incubator.vector}, needs {@code --add-modules
 * jdk.incubator.vector} at compile and run time). Load this class only through {@link BatchOps#best()}
 * or after checking {@link BatchOps#vectorApiAvailable()}: without the module it fails to link.
 *
 * <p>Why not plain loops: C2's auto-vectorised {@code c[j] += x * w[j]} reloads and stores the
 * accumulator row for every {@code k} and reached about 5 GFLOP/s here, while a register-blocked tile
 * (4 batch rows x 2 vectors of output columns, 8 accumulators live across the whole {@code k} loop,
 * each weight vector loaded once per 4 rows) reached about 80 GFLOP/s on AVX-512.
 */
final class VectorOps implements BatchOps {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorOps() {}

  /** Returned as the interface type so callers never link against this class by accident. */
  static BatchOps create() {
    return new VectorOps();
  }

  @Override
  public void gemm(int rows, int k, int n, float[] a, int aOff, int lda, float[] w, int wOff, int ldw,
      float[] bias, int biasOff, float[] c, int cOff, int ldc) {
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      gemmRows4(r, k, n, a, aOff, lda, w, wOff, ldw, bias, biasOff, c, cOff, ldc);
    }
    for (; r < rows; r++) {
      gemmRow1(k, n, a, aOff + r * lda, w, wOff, ldw, bias, biasOff, c, cOff + r * ldc);
    }
  }

  /** Four batch rows: each weight vector loaded once feeds four FMAs. */
  private static void gemmRows4(int r, int k, int n, float[] a, int aOff, int lda, float[] w, int wOff,
      int ldw, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
    int a0 = aOff + r * lda;
    int a1 = a0 + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    int c0 = cOff + r * ldc;
    int c1 = c0 + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    int j = 0;
    for (; j + 2 * L <= n; j += 2 * L) {
      FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasOff + j);
      FloatVector b1 = bias == null ? FloatVector.zero(S)
          : FloatVector.fromArray(S, bias, biasOff + j + L);
      FloatVector s00 = b0;
      FloatVector s01 = b1;
      FloatVector s10 = b0;
      FloatVector s11 = b1;
      FloatVector s20 = b0;
      FloatVector s21 = b1;
      FloatVector s30 = b0;
      FloatVector s31 = b1;
      int wr = wOff + j;
      for (int kk = 0; kk < k; kk++, wr += ldw) {
        FloatVector w0 = FloatVector.fromArray(S, w, wr);
        FloatVector w1 = FloatVector.fromArray(S, w, wr + L);
        FloatVector x0 = FloatVector.broadcast(S, a[a0 + kk]);
        s00 = w0.fma(x0, s00);
        s01 = w1.fma(x0, s01);
        FloatVector x1 = FloatVector.broadcast(S, a[a1 + kk]);
        s10 = w0.fma(x1, s10);
        s11 = w1.fma(x1, s11);
        FloatVector x2 = FloatVector.broadcast(S, a[a2 + kk]);
        s20 = w0.fma(x2, s20);
        s21 = w1.fma(x2, s21);
        FloatVector x3 = FloatVector.broadcast(S, a[a3 + kk]);
        s30 = w0.fma(x3, s30);
        s31 = w1.fma(x3, s31);
      }
      s00.intoArray(c, c0 + j);
      s01.intoArray(c, c0 + j + L);
      s10.intoArray(c, c1 + j);
      s11.intoArray(c, c1 + j + L);
      s20.intoArray(c, c2 + j);
      s21.intoArray(c, c2 + j + L);
      s30.intoArray(c, c3 + j);
      s31.intoArray(c, c3 + j + L);
    }
    for (; j + L <= n; j += L) {
      FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasOff + j);
      FloatVector s0 = b0;
      FloatVector s1 = b0;
      FloatVector s2 = b0;
      FloatVector s3 = b0;
      int wr = wOff + j;
      for (int kk = 0; kk < k; kk++, wr += ldw) {
        FloatVector w0 = FloatVector.fromArray(S, w, wr);
        s0 = w0.fma(FloatVector.broadcast(S, a[a0 + kk]), s0);
        s1 = w0.fma(FloatVector.broadcast(S, a[a1 + kk]), s1);
        s2 = w0.fma(FloatVector.broadcast(S, a[a2 + kk]), s2);
        s3 = w0.fma(FloatVector.broadcast(S, a[a3 + kk]), s3);
      }
      s0.intoArray(c, c0 + j);
      s1.intoArray(c, c1 + j);
      s2.intoArray(c, c2 + j);
      s3.intoArray(c, c3 + j);
    }
    if (j < n) {
      for (int rr = 0; rr < 4; rr++) {
        scalarColumns(j, n, k, a, a0 + rr * lda, w, wOff, ldw, bias, biasOff, c, c0 + rr * ldc);
      }
    }
  }

  /** One batch row (batch 1, or the rows left over): four vectors of columns keep 4 FMA chains busy. */
  private static void gemmRow1(int k, int n, float[] a, int ar, float[] w, int wOff, int ldw,
      float[] bias, int biasOff, float[] c, int cr) {
    int j = 0;
    for (; j + 4 * L <= n; j += 4 * L) {
      FloatVector s0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasOff + j);
      FloatVector s1 = bias == null ? FloatVector.zero(S)
          : FloatVector.fromArray(S, bias, biasOff + j + L);
      FloatVector s2 = bias == null ? FloatVector.zero(S)
          : FloatVector.fromArray(S, bias, biasOff + j + 2 * L);
      FloatVector s3 = bias == null ? FloatVector.zero(S)
          : FloatVector.fromArray(S, bias, biasOff + j + 3 * L);
      int wr = wOff + j;
      for (int kk = 0; kk < k; kk++, wr += ldw) {
        FloatVector x = FloatVector.broadcast(S, a[ar + kk]);
        s0 = FloatVector.fromArray(S, w, wr).fma(x, s0);
        s1 = FloatVector.fromArray(S, w, wr + L).fma(x, s1);
        s2 = FloatVector.fromArray(S, w, wr + 2 * L).fma(x, s2);
        s3 = FloatVector.fromArray(S, w, wr + 3 * L).fma(x, s3);
      }
      s0.intoArray(c, cr + j);
      s1.intoArray(c, cr + j + L);
      s2.intoArray(c, cr + j + 2 * L);
      s3.intoArray(c, cr + j + 3 * L);
    }
    for (; j + L <= n; j += L) {
      FloatVector s0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasOff + j);
      int wr = wOff + j;
      for (int kk = 0; kk < k; kk++, wr += ldw) {
        s0 = FloatVector.fromArray(S, w, wr).fma(FloatVector.broadcast(S, a[ar + kk]), s0);
      }
      s0.intoArray(c, cr + j);
    }
    if (j < n) {
      scalarColumns(j, n, k, a, ar, w, wOff, ldw, bias, biasOff, c, cr);
    }
  }

  /** Columns {@code [from, n)} of one row, fewer than one vector wide. */
  private static void scalarColumns(int from, int n, int k, float[] a, int ar, float[] w, int wOff,
      int ldw, float[] bias, int biasOff, float[] c, int cr) {
    for (int j = from; j < n; j++) {
      float s = bias == null ? 0f : bias[biasOff + j];
      for (int kk = 0; kk < k; kk++) {
        s = Math.fma(a[ar + kk], w[wOff + kk * ldw + j], s);
      }
      c[cr + j] = s;
    }
  }

  @Override
  public void relu(int rows, int n, float[] x, int off, int ld) {
    for (int r = 0; r < rows; r++) {
      int o = off + r * ld;
      int j = 0;
      for (; j + L <= n; j += L) {
        FloatVector.fromArray(S, x, o + j).max(0f).intoArray(x, o + j);
      }
      for (; j < n; j++) {
        x[o + j] = Math.max(x[o + j], 0f);
      }
    }
  }

  @Override
  public void lstmGates(int rows, int hidden, float[] z, int zOff, int ldz, float[] cPrev,
      float[] cNext, float[] hNext) {
    for (int r = 0; r < rows; r++) {
      int zi = zOff + r * ldz;
      int zf = zi + hidden;
      int zg = zf + hidden;
      int zo = zg + hidden;
      int s = r * hidden;
      int j = 0;
      for (; j + L <= hidden; j += L) {
        FloatVector i = sigmoid(FloatVector.fromArray(S, z, zi + j));
        FloatVector f = sigmoid(FloatVector.fromArray(S, z, zf + j));
        FloatVector g = FloatVector.fromArray(S, z, zg + j).lanewise(VectorOperators.TANH);
        FloatVector o = sigmoid(FloatVector.fromArray(S, z, zo + j));
        FloatVector c = f.fma(FloatVector.fromArray(S, cPrev, s + j), i.mul(g));
        c.intoArray(cNext, s + j);
        o.mul(c.lanewise(VectorOperators.TANH)).intoArray(hNext, s + j);
      }
      for (; j < hidden; j++) {
        float i = ScalarOps.sigmoid(z[zi + j]);
        float f = ScalarOps.sigmoid(z[zf + j]);
        float g = ScalarOps.tanh(z[zg + j]);
        float o = ScalarOps.sigmoid(z[zo + j]);
        float c = f * cPrev[s + j] + i * g;
        cNext[s + j] = c;
        hNext[s + j] = o * ScalarOps.tanh(c);
      }
    }
  }

  /** 1 / (1 + exp(-x)); exp's overflow to +inf for very negative x yields exactly 0. */
  private static FloatVector sigmoid(FloatVector x) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
  }

  @Override
  public int lanes() {
    return L;
  }

  @Override
  public String name() {
    return "vector-api(" + L * 32 + "-bit)";
  }

  @Override
  public String toString() {
    return name();
  }
}
