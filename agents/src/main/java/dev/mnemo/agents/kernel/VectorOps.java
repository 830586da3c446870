package dev.mnemo.agents.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BatchOps} on the JDK Vector API ({@code jdk.incubator.vector}, needs {@code --add-modules
 * jdk.incubator.vector} at compile and run time). Load this class only through {@link BatchOps#best()}
 * or after checking {@link BatchOps#vectorApiAvailable()}: without the module it fails to link.
 *
 * <p>Why not plain loops: C2's auto-vectorised {@code c[j] += x * w[j]} reloads and stores the
 * accumulator row for every {@code k} and reached about 5 GFLOP/s here, while a register-blocked tile
 * (8 batch rows x 2 vectors of output columns, 16 accumulators live across the whole {@code k} loop,
 * each weight vector loaded once per 8 rows) reached about 130 GFLOP/s on AVX-512 for the
 * 64 x 192 x 512 LSTM product, some 80% of one core's measured peak. Weights come packed
 * in column panels ({@link PackedMatrix}) so every tile reads them contiguously.
 */
final class VectorOps implements BatchOps {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * 8-row tiles need 16 accumulators + 2 weight vectors + a broadcast: they fit the 32 registers of
   * AVX-512 but would spill on AVX2's 16, where 4-row tiles are used throughout.
   */
  private static final boolean EIGHT_ROW_TILES = L >= 16;
  /** Rows of A per block in big products: 128 rows of k <= 256 floats (<= 128 KB) stay in L2. */
  private static final int ROW_BLOCK = 128;
  /** Length of a panel piece kept in L1 across a block's row tiles: 256 x 2L floats = 32 KB on AVX-512. */
  private static final int K_CHUNK = 256;

  private VectorOps() {}

  /** Returned as the interface type so callers never link against this class by accident. */
  static BatchOps create() {
    return new VectorOps();
  }

  @Override
  public void gemm(int rows, float[] a, int aOff, int lda, PackedMatrix w, float[] bias, float[] c,
      int cOff, int ldc) {
    BatchOps.checkGemm(this, rows, a, aOff, lda, w, bias, c, cOff, ldc);
    int k = w.rows();
    float[] d = w.data();
    int padded = w.paddedCols();
    // Panel outer, rows inner: one [k, 2L] panel (24 KB for the LSTM-128 step) stays in L1 while every
    // batch row streams past it.
    int j0 = 0;
    if (rows < 4) {
      // Too few rows to reuse a weight vector: the product streams the weights (from L1 or L2), and
      // two panels read side by side keep four FMA chains and two load streams busy. Measured at
      // batch 1: the 128 x 128 head product 1.1 -> 0.55 us; the 192 x 512 LSTM product stays at ~7 us,
      // ~55 GB/s, close to the ~73 GB/s a plain read loop streams from L2 here.
      for (; j0 + 4 * L <= padded; j0 += 4 * L) {
        for (int r = 0; r < rows; r++) {
          tile1x2x2(k, a, aOff + r * lda, d, j0 * k, (j0 + 2 * L) * k, bias, j0, c, cOff + r * ldc + j0);
        }
      }
    }
    blocked(rows, a, aOff, lda, w, bias, c, cOff, ldc, j0);
  }

  /**
   * The panels from {@code jStart} on, in row tiles (8, then 4, then single rows). Blocked for big products (the
   * learner's): ROW_BLOCK rows of A stay in L2 while every panel passes over them, and a K_CHUNK-long piece of a
   * panel (32 KB) stays in L1 while every row tile of the block uses it; later chunks accumulate into C. The
   * actor's and the recurrence's products (<= 128 rows, k <= 256) are a single block and chunk.
   */
  private static void blocked(int rows, float[] a, int aOff, int lda, PackedMatrix w, float[] bias, float[] c,
      int cOff, int ldc, int jStart) {
    int k = w.rows();
    float[] d = w.data();
    int padded = w.paddedCols();
    for (int rb = 0; rb < rows; rb += ROW_BLOCK) {
      int re = Math.min(rows, rb + ROW_BLOCK);
      for (int kc = 0; kc < k; kc += K_CHUNK) {
        int kl = Math.min(K_CHUNK, k - kc);
        boolean acc = kc > 0;
        int ak = aOff + kc;
        for (int jj = jStart; jj < padded; jj += 2 * L) {
          int pw = w.panelWidth(jj);
          int base = jj * k + kc * pw;
          int r = rb;
          if (pw == 2 * L) {
            for (; EIGHT_ROW_TILES && r + 8 <= re; r += 8) {
              tile8x2(kl, a, ak + r * lda, lda, d, base, bias, acc, jj, c, cOff + r * ldc + jj, ldc);
            }
            for (; r + 4 <= re; r += 4) {
              tile4x2(kl, a, ak + r * lda, lda, d, base, bias, acc, jj, c, cOff + r * ldc + jj, ldc);
            }
            for (; r < re; r++) {
              tile1x2(kl, a, ak + r * lda, d, base, bias, acc, jj, c, cOff + r * ldc + jj);
            }
          } else {
            for (; r + 8 <= re; r += 8) {
              tile8x1(kl, a, ak + r * lda, lda, d, base, bias, acc, jj, c, cOff + r * ldc + jj, ldc);
            }
            for (; r < re; r++) {
              tile1x1(kl, a, ak + r * lda, d, base, bias, acc, jj, c, cOff + r * ldc + jj);
            }
          }
        }
      }
    }
  }

  /**
   * {@code [X | 1]^T dY} with, where that pays (below), the first {@code 8 * floor(in / 8)} rows of the product
   * read from X in place (8-row tiles whose eight broadcasts are eight adjacent floats of one row of X) and only the
   * last 1-8 rows (the leftover columns and the ones row) through the transposed copy. Same bits as the default:
   * every element is one FMA chain over X's rows in order, in the same K_CHUNK pieces, and the leftover rows get the
   * tiles the whole product gave them (8-row tiles up to {@code 8 * floor(in / 8)}, then a 4-row tile and single
   * rows).
   */
  @Override
  public void weightGradient(int n, int in, float[] x, int xOff, int ldx, PackedMatrix dy, float[] xT, int ldT,
      float[] c, int ldc) {
    // Read in place only where it pays (`mnemo bench weight-gradient`, AVX-512): each of the product's panels reads
    // X once more, half of every cache line it touches, while the copy is paid once and then read in full lines. With
    // at most 3 panels (outputs up to 6 vectors wide: heads, ALD's d 32 maps) the copy is most of the work (5000 x
    // 128 x 5: 2.4x in place, 576 x 32 x 96: 1.3-1.5x); with wide outputs the two are even (5000 x 128 x 384:
    // 0.96-1.10x over runs) or the copy wins (5000 x 17 x 384: 0.85x), so those keep it.
    int panels = (dy.paddedCols() + 2 * L - 1) / (2 * L);
    int direct = EIGHT_ROW_TILES && panels <= 3 ? in / 8 * 8 : 0;
    if (direct == 0) {
      BatchOps.super.weightGradient(n, in, x, xOff, ldx, dy, xT, ldT, c, ldc);
      return;
    }
    // The product's own operands (dY's lanes, xT, C) as gemm checks them; then X, which only this path reads.
    BatchOps.checkGemm(this, in + 1, xT, 0, ldT, dy, null, c, 0, ldc);
    if (dy.rows() != n || ldx < in || xOff < 0 || xOff + (long) (n - 1) * ldx + in > x.length) {
      throw new IllegalArgumentException("weightGradient: X of " + n + " rows x " + in + " columns does not fit "
          + "x.length=" + x.length + " (off " + xOff + ", ld " + ldx + ") or dY's " + dy.rows() + " rows");
    }
    int k = dy.rows();
    float[] d = dy.data();
    int padded = dy.paddedCols();
    for (int rb = 0; rb < direct; rb += ROW_BLOCK) {
      int re = Math.min(direct, rb + ROW_BLOCK);
      for (int kc = 0; kc < k; kc += K_CHUNK) {
        int kl = Math.min(K_CHUNK, k - kc);
        boolean acc = kc > 0;
        int xk = xOff + kc * ldx;
        for (int jj = 0; jj < padded; jj += 2 * L) {
          int pw = dy.panelWidth(jj);
          int base = jj * k + kc * pw;
          for (int r = rb; r < re; r += 8) {
            if (pw == 2 * L) {
              tileTransposed8x2(kl, x, xk + r, ldx, d, base, acc, c, r * ldc + jj, ldc);
            } else {
              tileTransposed8x1(kl, x, xk + r, ldx, d, base, acc, c, r * ldc + jj, ldc);
            }
          }
        }
      }
    }
    WeightGradient.transpose(n, in - direct, x, xOff + direct, ldx, xT, direct * ldT, ldT);
    blocked(in + 1 - direct, xT, direct * ldT, ldT, dy, null, c, direct * ldc, ldc, 0);
  }

  /**
   * {@link #tile8x2} with A read transposed: row {@code i} of the tile is column {@code x0 + i} of X, so the eight
   * values each k step broadcasts are adjacent in X's row {@code kk} (one cache line) instead of eight rows apart.
   */
  private static void tileTransposed8x2(int k, float[] x, int x0, int ldx, float[] d, int base, boolean acc,
      float[] c, int c0, int ldc) {
    FloatVector z = FloatVector.zero(S);
    FloatVector s00 = acc ? FloatVector.fromArray(S, c, c0) : z;
    FloatVector s01 = acc ? FloatVector.fromArray(S, c, c0 + L) : z;
    FloatVector s10 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : z;
    FloatVector s11 = acc ? FloatVector.fromArray(S, c, c0 + ldc + L) : z;
    FloatVector s20 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : z;
    FloatVector s21 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc + L) : z;
    FloatVector s30 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : z;
    FloatVector s31 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc + L) : z;
    FloatVector s40 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc) : z;
    FloatVector s41 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc + L) : z;
    FloatVector s50 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc) : z;
    FloatVector s51 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc + L) : z;
    FloatVector s60 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc) : z;
    FloatVector s61 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc + L) : z;
    FloatVector s70 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc) : z;
    FloatVector s71 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc + L) : z;
    for (int kk = 0; kk < k; kk++) {
      int wr = base + kk * 2 * L;
      int xr = x0 + kk * ldx;
      FloatVector w0 = FloatVector.fromArray(S, d, wr);
      FloatVector w1 = FloatVector.fromArray(S, d, wr + L);
      FloatVector b = FloatVector.broadcast(S, x[xr]);
      s00 = w0.fma(b, s00);
      s01 = w1.fma(b, s01);
      b = FloatVector.broadcast(S, x[xr + 1]);
      s10 = w0.fma(b, s10);
      s11 = w1.fma(b, s11);
      b = FloatVector.broadcast(S, x[xr + 2]);
      s20 = w0.fma(b, s20);
      s21 = w1.fma(b, s21);
      b = FloatVector.broadcast(S, x[xr + 3]);
      s30 = w0.fma(b, s30);
      s31 = w1.fma(b, s31);
      b = FloatVector.broadcast(S, x[xr + 4]);
      s40 = w0.fma(b, s40);
      s41 = w1.fma(b, s41);
      b = FloatVector.broadcast(S, x[xr + 5]);
      s50 = w0.fma(b, s50);
      s51 = w1.fma(b, s51);
      b = FloatVector.broadcast(S, x[xr + 6]);
      s60 = w0.fma(b, s60);
      s61 = w1.fma(b, s61);
      b = FloatVector.broadcast(S, x[xr + 7]);
      s70 = w0.fma(b, s70);
      s71 = w1.fma(b, s71);
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

  /** {@link #tile8x1} with A read transposed, as {@link #tileTransposed8x2}: the last, {@code L}-wide panel. */
  private static void tileTransposed8x1(int k, float[] x, int x0, int ldx, float[] d, int base, boolean acc,
      float[] c, int c0, int ldc) {
    FloatVector z = FloatVector.zero(S);
    FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : z;
    FloatVector s1 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : z;
    FloatVector s2 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : z;
    FloatVector s3 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : z;
    FloatVector s4 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc) : z;
    FloatVector s5 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc) : z;
    FloatVector s6 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc) : z;
    FloatVector s7 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc) : z;
    for (int kk = 0; kk < k; kk++) {
      FloatVector w0 = FloatVector.fromArray(S, d, base + kk * L);
      int xr = x0 + kk * ldx;
      s0 = w0.fma(FloatVector.broadcast(S, x[xr]), s0);
      s1 = w0.fma(FloatVector.broadcast(S, x[xr + 1]), s1);
      s2 = w0.fma(FloatVector.broadcast(S, x[xr + 2]), s2);
      s3 = w0.fma(FloatVector.broadcast(S, x[xr + 3]), s3);
      s4 = w0.fma(FloatVector.broadcast(S, x[xr + 4]), s4);
      s5 = w0.fma(FloatVector.broadcast(S, x[xr + 5]), s5);
      s6 = w0.fma(FloatVector.broadcast(S, x[xr + 6]), s6);
      s7 = w0.fma(FloatVector.broadcast(S, x[xr + 7]), s7);
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

  /**
   * Eight batch rows by one {@code 2L}-wide panel: 16 accumulators (of the 32 AVX-512 registers) live
   * across the {@code k} loop and each weight vector feeds eight FMAs. Measured on the 64 x 192 x 512
   * LSTM product: about 130 GFLOP/s against about 105 for {@link #tile4x2} alone.
   */
  private static void tile8x2(int k, float[] a, int a0, int lda, float[] d, int base, float[] bias,
      boolean acc, int j0, float[] c, int c0, int ldc) {
    FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
    FloatVector b1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
    FloatVector s00 = acc ? FloatVector.fromArray(S, c, c0) : b0;
    FloatVector s01 = acc ? FloatVector.fromArray(S, c, c0 + L) : b1;
    FloatVector s10 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : b0;
    FloatVector s11 = acc ? FloatVector.fromArray(S, c, c0 + ldc + L) : b1;
    FloatVector s20 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : b0;
    FloatVector s21 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc + L) : b1;
    FloatVector s30 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : b0;
    FloatVector s31 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc + L) : b1;
    FloatVector s40 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc) : b0;
    FloatVector s41 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc + L) : b1;
    FloatVector s50 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc) : b0;
    FloatVector s51 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc + L) : b1;
    FloatVector s60 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc) : b0;
    FloatVector s61 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc + L) : b1;
    FloatVector s70 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc) : b0;
    FloatVector s71 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc + L) : b1;
    int a1 = a0 + lda;
    int a2 = a0 + 2 * lda;
    int a3 = a0 + 3 * lda;
    int a4 = a0 + 4 * lda;
    int a5 = a0 + 5 * lda;
    int a6 = a0 + 6 * lda;
    int a7 = a0 + 7 * lda;
    for (int kk = 0; kk < k; kk++) {
      int wr = base + kk * 2 * L;
      FloatVector w0 = FloatVector.fromArray(S, d, wr);
      FloatVector w1 = FloatVector.fromArray(S, d, wr + L);
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
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + kk]);
      s40 = w0.fma(x4, s40);
      s41 = w1.fma(x4, s41);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + kk]);
      s50 = w0.fma(x5, s50);
      s51 = w1.fma(x5, s51);
      FloatVector x6 = FloatVector.broadcast(S, a[a6 + kk]);
      s60 = w0.fma(x6, s60);
      s61 = w1.fma(x6, s61);
      FloatVector x7 = FloatVector.broadcast(S, a[a7 + kk]);
      s70 = w0.fma(x7, s70);
      s71 = w1.fma(x7, s71);
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

  /**
   * Four batch rows by one {@code 2L}-wide panel: 8 accumulators live across the whole {@code k} loop,
   * each weight vector loaded once feeds four FMAs.
   */
  private static void tile4x2(int k, float[] a, int a0, int lda, float[] d, int base, float[] bias,
      boolean acc, int j0, float[] c, int c0, int ldc) {
    FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
    FloatVector b1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
    FloatVector s00 = acc ? FloatVector.fromArray(S, c, c0) : b0;
    FloatVector s01 = acc ? FloatVector.fromArray(S, c, c0 + L) : b1;
    FloatVector s10 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : b0;
    FloatVector s11 = acc ? FloatVector.fromArray(S, c, c0 + ldc + L) : b1;
    FloatVector s20 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : b0;
    FloatVector s21 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc + L) : b1;
    FloatVector s30 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : b0;
    FloatVector s31 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc + L) : b1;
    int a1 = a0 + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    for (int kk = 0; kk < k; kk++) {
      int wr = base + kk * 2 * L;
      FloatVector w0 = FloatVector.fromArray(S, d, wr);
      FloatVector w1 = FloatVector.fromArray(S, d, wr + L);
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
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s10.intoArray(c, c0 + ldc);
    s11.intoArray(c, c0 + ldc + L);
    s20.intoArray(c, c0 + 2 * ldc);
    s21.intoArray(c, c0 + 2 * ldc + L);
    s30.intoArray(c, c0 + 3 * ldc);
    s31.intoArray(c, c0 + 3 * ldc + L);
  }

  /**
   * One batch row by one {@code 2L} panel (batch 1, or leftover rows). Even and odd {@code k} go to
   * separate accumulators so four FMA chains are in flight instead of two.
   */
  private static void tile1x2(int k, float[] a, int ar, float[] d, int base, float[] bias, boolean acc,
      int j0, float[] c, int cr) {
    FloatVector s0 = acc ? FloatVector.fromArray(S, c, cr)
        : bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
    FloatVector s1 = acc ? FloatVector.fromArray(S, c, cr + L)
        : bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
    FloatVector t0 = FloatVector.zero(S);
    FloatVector t1 = FloatVector.zero(S);
    int kk = 0;
    for (; kk + 2 <= k; kk += 2) {
      int wr = base + kk * 2 * L;
      FloatVector x = FloatVector.broadcast(S, a[ar + kk]);
      s0 = FloatVector.fromArray(S, d, wr).fma(x, s0);
      s1 = FloatVector.fromArray(S, d, wr + L).fma(x, s1);
      FloatVector y = FloatVector.broadcast(S, a[ar + kk + 1]);
      t0 = FloatVector.fromArray(S, d, wr + 2 * L).fma(y, t0);
      t1 = FloatVector.fromArray(S, d, wr + 3 * L).fma(y, t1);
    }
    if (kk < k) {
      int wr = base + kk * 2 * L;
      FloatVector x = FloatVector.broadcast(S, a[ar + kk]);
      s0 = FloatVector.fromArray(S, d, wr).fma(x, s0);
      s1 = FloatVector.fromArray(S, d, wr + L).fma(x, s1);
    }
    s0.add(t0).intoArray(c, cr);
    s1.add(t1).intoArray(c, cr + L);
  }

  /** One batch row by two adjacent full panels, read as two streams. */
  private static void tile1x2x2(int k, float[] a, int ar, float[] d, int base0, int base1,
      float[] bias, int j0, float[] c, int cr) {
    FloatVector s0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
    FloatVector s1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
    FloatVector s2 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + 2 * L);
    FloatVector s3 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + 3 * L);
    for (int kk = 0; kk < k; kk++) {
      int w0 = base0 + kk * 2 * L;
      int w1 = base1 + kk * 2 * L;
      FloatVector x = FloatVector.broadcast(S, a[ar + kk]);
      s0 = FloatVector.fromArray(S, d, w0).fma(x, s0);
      s1 = FloatVector.fromArray(S, d, w0 + L).fma(x, s1);
      s2 = FloatVector.fromArray(S, d, w1).fma(x, s2);
      s3 = FloatVector.fromArray(S, d, w1 + L).fma(x, s3);
    }
    s0.intoArray(c, cr);
    s1.intoArray(c, cr + L);
    s2.intoArray(c, cr + 2 * L);
    s3.intoArray(c, cr + 3 * L);
  }

  /**
   * Eight batch rows by the last, {@code L}-wide panel: eight independent FMA chains where one row alone
   * would wait on its own latency (the dueling head's second layer and its weight gradient).
   */
  private static void tile8x1(int k, float[] a, int a0, int lda, float[] d, int base, float[] bias,
      boolean acc, int j0, float[] c, int c0, int ldc) {
    FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
    FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : b0;
    FloatVector s1 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : b0;
    FloatVector s2 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : b0;
    FloatVector s3 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : b0;
    FloatVector s4 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc) : b0;
    FloatVector s5 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc) : b0;
    FloatVector s6 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc) : b0;
    FloatVector s7 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc) : b0;
    for (int kk = 0; kk < k; kk++) {
      FloatVector w0 = FloatVector.fromArray(S, d, base + kk * L);
      s0 = w0.fma(FloatVector.broadcast(S, a[a0 + kk]), s0);
      s1 = w0.fma(FloatVector.broadcast(S, a[a0 + lda + kk]), s1);
      s2 = w0.fma(FloatVector.broadcast(S, a[a0 + 2 * lda + kk]), s2);
      s3 = w0.fma(FloatVector.broadcast(S, a[a0 + 3 * lda + kk]), s3);
      s4 = w0.fma(FloatVector.broadcast(S, a[a0 + 4 * lda + kk]), s4);
      s5 = w0.fma(FloatVector.broadcast(S, a[a0 + 5 * lda + kk]), s5);
      s6 = w0.fma(FloatVector.broadcast(S, a[a0 + 6 * lda + kk]), s6);
      s7 = w0.fma(FloatVector.broadcast(S, a[a0 + 7 * lda + kk]), s7);
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

  /** One batch row by the last, {@code L}-wide panel (narrow outputs such as the dueling head). */
  private static void tile1x1(int k, float[] a, int ar, float[] d, int base, float[] bias, boolean acc,
      int j0, float[] c, int cr) {
    FloatVector s0 = acc ? FloatVector.fromArray(S, c, cr)
        : bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
    FloatVector t0 = FloatVector.zero(S);
    int kk = 0;
    for (; kk + 2 <= k; kk += 2) {
      int wr = base + kk * L;
      s0 = FloatVector.fromArray(S, d, wr).fma(FloatVector.broadcast(S, a[ar + kk]), s0);
      t0 = FloatVector.fromArray(S, d, wr + L).fma(FloatVector.broadcast(S, a[ar + kk + 1]), t0);
    }
    if (kk < k) {
      s0 = FloatVector.fromArray(S, d, base + kk * L).fma(FloatVector.broadcast(S, a[ar + kk]), s0);
    }
    s0.add(t0).intoArray(c, cr);
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
  public void reluBackward(int rows, int n, float[] d, int dOff, int ldd, float[] out, int oOff, int ldo) {
    for (int r = 0; r < rows; r++) {
      int dr = dOff + r * ldd;
      int or = oOff + r * ldo;
      int j = 0;
      for (; j + L <= n; j += L) {
        var keep = FloatVector.fromArray(S, out, or + j).compare(jdk.incubator.vector.VectorOperators.GT, 0f);
        FloatVector.zero(S).blend(FloatVector.fromArray(S, d, dr + j), keep).intoArray(d, dr + j);
      }
      for (; j < n; j++) {
        if (out[or + j] <= 0f) {
          d[dr + j] = 0f;
        }
      }
    }
  }

  @Override
  public void sigmoid(int rows, int n, float[] x, int off, int ld) {
    for (int r = 0; r < rows; r++) {
      LstmGates.sigmoidInPlace(x, off + r * ld, n);
    }
  }

  @Override
  public void tanh(int rows, int n, float[] x, int off, int ld) {
    for (int r = 0; r < rows; r++) {
      LstmGates.tanhInPlace(x, off + r * ld, n);
    }
  }

  @Override
  public boolean vectorApi() {
    return true;
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
