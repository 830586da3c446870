package dev.mnemo.agents.transformer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowMajor}'s products on the Vector API, register-blocked: a block of 4 rows of {@code C} by up to 4 vectors of
 * columns stays in registers while the whole inner dimension streams past (one broadcast of {@code A} per row and one
 * load of {@code B} per vector each step), instead of loading and storing {@code C} once per multiply-add as the plain
 * loops do. {@code A} is read through strides, so the same kernel computes {@code A B} (row stride {@code lda},
 * column stride 1) and {@code A^T B} (row stride 1, column stride {@code lda}, the weight gradients, whose inner
 * dimension is the batch's rows). Sums run over the inner index in ascending order, as the plain loops', with fused
 * multiply-adds: the results differ from theirs by float rounding only. Columns past the last full vector go through
 * the plain loop. Load only when {@code jdk.incubator.vector} is present.
 *
 * <p>Why: the block's products are small (d 32..128) but many; the plain loops ran at 2% of one core's FP32 peak in
 * {@code bench ald}, most of it in these products.
 */
final class RowMajorLanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private RowMajorLanes() {
  }

  /**
   * {@code C[m x n] += A'[m x k] B[k x n]} with {@code A'(i, p) = a[aOff + i * ars + p * acs]} and {@code B} row-major
   * ({@code ldb}), {@code C} row-major ({@code ldc}).
   */
  static void mulAdd(int m, int k, int n, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    mul(m, k, n, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, false);
  }

  /**
   * {@link #mulAdd}, or with {@code zero} {@code C = A' B} (C's old values neither read nor kept: no separate pass
   * to clear it, and no loads of it).
   */
  static void mul(int m, int k, int n, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean zero) {
    int nv = n - n % L;
    int i = 0;
    // 8 x 2 vectors where the columns allow it: 16 independent accumulators, enough to hide the multiply-add's
    // latency on two ports (4 x 2 is just at the limit); n = 32 with 16 lanes is the width of most products here.
    for (; i + 8 <= m; i += 8) {
      int j = 0;
      for (; j + 4 * L <= nv; j += 4 * L) {
        block4x4(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, zero);
        block4x4(k, a, aOff + (i + 4) * ars, ars, acs, b, bOff + j, ldb, c, cOff + (i + 4) * ldc + j, ldc, zero);
      }
      for (; j + 2 * L <= nv; j += 2 * L) {
        block8x2(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, zero);
      }
      for (; j < nv; j += L) {
        block8x1(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, zero);
      }
    }
    for (; i + 4 <= m; i += 4) {
      int j = 0;
      for (; j + 4 * L <= nv; j += 4 * L) {
        block4x4(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, zero);
      }
      for (; j + 2 * L <= nv; j += 2 * L) {
        block4x2(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, zero);
      }
      for (; j < nv; j += L) {
        block4x1(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, zero);
      }
    }
    for (; i < m; i++) {
      for (int j = 0; j < nv; j += L) {
        block1x1(k, a, aOff + i * ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, zero);
      }
    }
    // The last n % L columns in plain loops: masked vector loads and stores are not intrinsics in JDK 17 (their
    // fallback took a fifth of the pass's time).
    if (nv < n) {
      for (int r = 0; r < m; r++) {
        int ci = cOff + r * ldc;
        if (zero) {
          java.util.Arrays.fill(c, ci + nv, ci + n, 0f);
        }
        for (int p = 0; p < k; p++) {
          float av = a[aOff + r * ars + p * acs];
          int bp = bOff + p * ldb;
          for (int j = nv; j < n; j++) {
            c[ci + j] += av * b[bp + j];
          }
        }
      }
    }
  }

  /** An accumulator: zero, or C's values at {@code off}. */
  private static FloatVector init(float[] c, int off, boolean zero) {
    return zero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, off);
  }

  private static void block8x2(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c,
      int c0, int ldc, boolean zero) {
    FloatVector s00 = init(c, c0, zero);
    FloatVector s01 = init(c, c0 + L, zero);
    FloatVector s10 = init(c, c0 + ldc, zero);
    FloatVector s11 = init(c, c0 + ldc + L, zero);
    FloatVector s20 = init(c, c0 + 2 * ldc, zero);
    FloatVector s21 = init(c, c0 + 2 * ldc + L, zero);
    FloatVector s30 = init(c, c0 + 3 * ldc, zero);
    FloatVector s31 = init(c, c0 + 3 * ldc + L, zero);
    FloatVector s40 = init(c, c0 + 4 * ldc, zero);
    FloatVector s41 = init(c, c0 + 4 * ldc + L, zero);
    FloatVector s50 = init(c, c0 + 5 * ldc, zero);
    FloatVector s51 = init(c, c0 + 5 * ldc + L, zero);
    FloatVector s60 = init(c, c0 + 6 * ldc, zero);
    FloatVector s61 = init(c, c0 + 6 * ldc + L, zero);
    FloatVector s70 = init(c, c0 + 7 * ldc, zero);
    FloatVector s71 = init(c, c0 + 7 * ldc + L, zero);
    for (int p = 0; p < k; p++) {
      int bp = b0 + p * ldb;
      FloatVector b0v = FloatVector.fromArray(S, b, bp);
      FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
      int ap = a0 + p * acs;
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      s00 = x.fma(b0v, s00);
      s01 = x.fma(b1v, s01);
      x = FloatVector.broadcast(S, a[ap + ars]);
      s10 = x.fma(b0v, s10);
      s11 = x.fma(b1v, s11);
      x = FloatVector.broadcast(S, a[ap + 2 * ars]);
      s20 = x.fma(b0v, s20);
      s21 = x.fma(b1v, s21);
      x = FloatVector.broadcast(S, a[ap + 3 * ars]);
      s30 = x.fma(b0v, s30);
      s31 = x.fma(b1v, s31);
      x = FloatVector.broadcast(S, a[ap + 4 * ars]);
      s40 = x.fma(b0v, s40);
      s41 = x.fma(b1v, s41);
      x = FloatVector.broadcast(S, a[ap + 5 * ars]);
      s50 = x.fma(b0v, s50);
      s51 = x.fma(b1v, s51);
      x = FloatVector.broadcast(S, a[ap + 6 * ars]);
      s60 = x.fma(b0v, s60);
      s61 = x.fma(b1v, s61);
      x = FloatVector.broadcast(S, a[ap + 7 * ars]);
      s70 = x.fma(b0v, s70);
      s71 = x.fma(b1v, s71);
    }
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s10.intoArray(c, c0 + ldc);
    s11.intoArray(c, c0 + ldc + L);
    s20.intoArray(c, c0 + 2 * ldc);
    s21.intoArray(c, c0 + 2 * ldc + L);
    s30.intoArray(c, c0 + 3 * ldc);
    s31.intoArray(c, c0 + 3 * ldc + L);
    s40.intoArray(c, c0 + 4 * ldc);
    s41.intoArray(c, c0 + 4 * ldc + L);
    s50.intoArray(c, c0 + 5 * ldc);
    s51.intoArray(c, c0 + 5 * ldc + L);
    s60.intoArray(c, c0 + 6 * ldc);
    s61.intoArray(c, c0 + 6 * ldc + L);
    s70.intoArray(c, c0 + 7 * ldc);
    s71.intoArray(c, c0 + 7 * ldc + L);
  }

  private static void block4x4(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c,
      int c0, int ldc, boolean zero) {
    int c1 = c0 + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    FloatVector s00 = init(c, c0, zero);
    FloatVector s01 = init(c, c0 + L, zero);
    FloatVector s02 = init(c, c0 + 2 * L, zero);
    FloatVector s03 = init(c, c0 + 3 * L, zero);
    FloatVector s10 = init(c, c1, zero);
    FloatVector s11 = init(c, c1 + L, zero);
    FloatVector s12 = init(c, c1 + 2 * L, zero);
    FloatVector s13 = init(c, c1 + 3 * L, zero);
    FloatVector s20 = init(c, c2, zero);
    FloatVector s21 = init(c, c2 + L, zero);
    FloatVector s22 = init(c, c2 + 2 * L, zero);
    FloatVector s23 = init(c, c2 + 3 * L, zero);
    FloatVector s30 = init(c, c3, zero);
    FloatVector s31 = init(c, c3 + L, zero);
    FloatVector s32 = init(c, c3 + 2 * L, zero);
    FloatVector s33 = init(c, c3 + 3 * L, zero);
    for (int p = 0; p < k; p++) {
      int bp = b0 + p * ldb;
      FloatVector b0v = FloatVector.fromArray(S, b, bp);
      FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
      FloatVector b2v = FloatVector.fromArray(S, b, bp + 2 * L);
      FloatVector b3v = FloatVector.fromArray(S, b, bp + 3 * L);
      int ap = a0 + p * acs;
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      s00 = x.fma(b0v, s00);
      s01 = x.fma(b1v, s01);
      s02 = x.fma(b2v, s02);
      s03 = x.fma(b3v, s03);
      x = FloatVector.broadcast(S, a[ap + ars]);
      s10 = x.fma(b0v, s10);
      s11 = x.fma(b1v, s11);
      s12 = x.fma(b2v, s12);
      s13 = x.fma(b3v, s13);
      x = FloatVector.broadcast(S, a[ap + 2 * ars]);
      s20 = x.fma(b0v, s20);
      s21 = x.fma(b1v, s21);
      s22 = x.fma(b2v, s22);
      s23 = x.fma(b3v, s23);
      x = FloatVector.broadcast(S, a[ap + 3 * ars]);
      s30 = x.fma(b0v, s30);
      s31 = x.fma(b1v, s31);
      s32 = x.fma(b2v, s32);
      s33 = x.fma(b3v, s33);
    }
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s02.intoArray(c, c0 + 2 * L);
    s03.intoArray(c, c0 + 3 * L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L);
    s13.intoArray(c, c1 + 3 * L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s22.intoArray(c, c2 + 2 * L);
    s23.intoArray(c, c2 + 3 * L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
    s32.intoArray(c, c3 + 2 * L);
    s33.intoArray(c, c3 + 3 * L);
  }

  private static void block4x2(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c,
      int c0, int ldc, boolean zero) {
    int c1 = c0 + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    FloatVector s00 = init(c, c0, zero);
    FloatVector s01 = init(c, c0 + L, zero);
    FloatVector s10 = init(c, c1, zero);
    FloatVector s11 = init(c, c1 + L, zero);
    FloatVector s20 = init(c, c2, zero);
    FloatVector s21 = init(c, c2 + L, zero);
    FloatVector s30 = init(c, c3, zero);
    FloatVector s31 = init(c, c3 + L, zero);
    for (int p = 0; p < k; p++) {
      int bp = b0 + p * ldb;
      FloatVector b0v = FloatVector.fromArray(S, b, bp);
      FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
      int ap = a0 + p * acs;
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      s00 = x.fma(b0v, s00);
      s01 = x.fma(b1v, s01);
      x = FloatVector.broadcast(S, a[ap + ars]);
      s10 = x.fma(b0v, s10);
      s11 = x.fma(b1v, s11);
      x = FloatVector.broadcast(S, a[ap + 2 * ars]);
      s20 = x.fma(b0v, s20);
      s21 = x.fma(b1v, s21);
      x = FloatVector.broadcast(S, a[ap + 3 * ars]);
      s30 = x.fma(b0v, s30);
      s31 = x.fma(b1v, s31);
    }
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
  }

  private static void block8x1(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c,
      int c0, int ldc, boolean zero) {
    FloatVector s0 = init(c, c0, zero);
    FloatVector s1 = init(c, c0 + ldc, zero);
    FloatVector s2 = init(c, c0 + 2 * ldc, zero);
    FloatVector s3 = init(c, c0 + 3 * ldc, zero);
    FloatVector s4 = init(c, c0 + 4 * ldc, zero);
    FloatVector s5 = init(c, c0 + 5 * ldc, zero);
    FloatVector s6 = init(c, c0 + 6 * ldc, zero);
    FloatVector s7 = init(c, c0 + 7 * ldc, zero);
    for (int p = 0; p < k; p++) {
      FloatVector bv = FloatVector.fromArray(S, b, b0 + p * ldb);
      int ap = a0 + p * acs;
      s0 = FloatVector.broadcast(S, a[ap]).fma(bv, s0);
      s1 = FloatVector.broadcast(S, a[ap + ars]).fma(bv, s1);
      s2 = FloatVector.broadcast(S, a[ap + 2 * ars]).fma(bv, s2);
      s3 = FloatVector.broadcast(S, a[ap + 3 * ars]).fma(bv, s3);
      s4 = FloatVector.broadcast(S, a[ap + 4 * ars]).fma(bv, s4);
      s5 = FloatVector.broadcast(S, a[ap + 5 * ars]).fma(bv, s5);
      s6 = FloatVector.broadcast(S, a[ap + 6 * ars]).fma(bv, s6);
      s7 = FloatVector.broadcast(S, a[ap + 7 * ars]).fma(bv, s7);
    }
    s0.intoArray(c, c0);
    s1.intoArray(c, c0 + ldc);
    s2.intoArray(c, c0 + 2 * ldc);
    s3.intoArray(c, c0 + 3 * ldc);
    s4.intoArray(c, c0 + 4 * ldc);
    s5.intoArray(c, c0 + 5 * ldc);
    s6.intoArray(c, c0 + 6 * ldc);
    s7.intoArray(c, c0 + 7 * ldc);
  }

  private static void block4x1(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c,
      int c0, int ldc, boolean zero) {
    FloatVector s0 = init(c, c0, zero);
    FloatVector s1 = init(c, c0 + ldc, zero);
    FloatVector s2 = init(c, c0 + 2 * ldc, zero);
    FloatVector s3 = init(c, c0 + 3 * ldc, zero);
    for (int p = 0; p < k; p++) {
      FloatVector bv = FloatVector.fromArray(S, b, b0 + p * ldb);
      int ap = a0 + p * acs;
      s0 = FloatVector.broadcast(S, a[ap]).fma(bv, s0);
      s1 = FloatVector.broadcast(S, a[ap + ars]).fma(bv, s1);
      s2 = FloatVector.broadcast(S, a[ap + 2 * ars]).fma(bv, s2);
      s3 = FloatVector.broadcast(S, a[ap + 3 * ars]).fma(bv, s3);
    }
    s0.intoArray(c, c0);
    s1.intoArray(c, c0 + ldc);
    s2.intoArray(c, c0 + 2 * ldc);
    s3.intoArray(c, c0 + 3 * ldc);
  }

  private static void block1x1(int k, float[] a, int a0, int acs, float[] b, int b0, int ldb, float[] c, int c0,
      boolean zero) {
    FloatVector s = init(c, c0, zero);
    for (int p = 0; p < k; p++) {
      s = FloatVector.broadcast(S, a[a0 + p * acs]).fma(FloatVector.fromArray(S, b, b0 + p * ldb), s);
    }
    s.intoArray(c, c0);
  }
}
