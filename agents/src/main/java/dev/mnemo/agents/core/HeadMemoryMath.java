package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.OuterProductLanes;

/**
 * The operations the attention-like cores' memory rules are made of, over a head's {@code rows x cols} block M
 * (row-major, rows {@code cols} apart), in two implementations of the same arithmetic (as {@link GruCell}):
 * {@link Vector} on the Vector API ({@link OuterProductLanes}) and {@link Scalar} in plain loops. Each element
 * sees one product and one sum per term, sums start from 0 and take rows in order, in both: apart from the
 * feature map's exp they give the same bits, and each gives the same bits in every JIT state. The dot products
 * (a denominator, the backward's) are plain loops in index order, shared.
 */
interface HeadMemoryMath {

  /** {@code out[outOff + j] = y[yOff + j] + a * x[xOff + j]} for {@code j < n}; {@code out} may be {@code y}. */
  void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff);

  /** {@code acc[accOff + j] = Σ_i c[cOff + i] * M[i, j]} (M at {@code mOff}), from 0, rows in order. */
  void weightedRowSum(int rows, int cols, float[] c, int cOff, float[] m, int mOff, float[] acc, int accOff);

  /** {@code M_i += w[wOff + i] u} for every row i of the block at {@code mOff}; {@code u} must not overlap M. */
  void rankOne(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] m, int mOff);

  /**
   * {@code out_i = in_i + w[wOff + i] u} for every row i, then {@code acc = Σ_i r[rOff + i] out_i} (from 0, rows
   * in order). {@code out} may be {@code in} at the same offset; {@code acc} must not overlap {@code u}.
   */
  void writeAndRead(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] in, int inOff,
      float[] out, int outOff, float[] r, int rOff, float[] acc, int accOff);

  /**
   * Linear attention's feature map in place, {@code x = φ(x) = elu(x) + 1} over {@code n} floats at {@code off}
   * ({@code scratch}: at least n floats). The one operation whose two implementations differ in bits: the
   * vector one takes the gates' exp ({@code LstmGates.exp}), the scalar one {@link Math#exp}.
   */
  void eluPlusOne(float[] x, int off, int n, float[] scratch);

  /** {@code sum_i a[aOff + i] * b[bOff + i]}, in index order. */
  static float dot(int n, float[] a, int aOff, float[] b, int bOff) {
    float acc = 0f;
    for (int i = 0; i < n; i++) {
      acc += a[aOff + i] * b[bOff + i];
    }
    return acc;
  }

  /**
   * {@code out[outOff + i] = M_i · x} for every row i of the block at {@code mOff}: each row's {@link #dot}, in
   * its order and bits, four rows at a time so that four independent chains of adds overlap (one chain is bound
   * by the add's latency).
   */
  static void rowDots(int rows, int cols, float[] m, int mOff, float[] x, int xOff, float[] out, int outOff) {
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
      int r0 = mOff + i * cols;
      int r1 = r0 + cols;
      int r2 = r1 + cols;
      int r3 = r2 + cols;
      float a0 = 0f;
      float a1 = 0f;
      float a2 = 0f;
      float a3 = 0f;
      for (int j = 0; j < cols; j++) {
        float xj = x[xOff + j];
        a0 += m[r0 + j] * xj;
        a1 += m[r1 + j] * xj;
        a2 += m[r2 + j] * xj;
        a3 += m[r3 + j] * xj;
      }
      out[outOff + i] = a0;
      out[outOff + i + 1] = a1;
      out[outOff + i + 2] = a2;
      out[outOff + i + 3] = a3;
    }
    for (; i < rows; i++) {
      out[outOff + i] = dot(cols, m, mOff + i * cols, x, xOff);
    }
  }

  /** The implementation matching {@code ops}: vector for the Vector API implementation, else scalar. */
  static HeadMemoryMath of(BatchOps ops) {
    return ops.vectorApi() ? new Vector() : new Scalar();
  }

  /** {@link OuterProductLanes}; only that class names {@code jdk.incubator.vector}. */
  final class Vector implements HeadMemoryMath {
    @Override
    public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
      OuterProductLanes.axpy(n, a, x, xOff, y, yOff, out, outOff);
    }

    @Override
    public void weightedRowSum(int rows, int cols, float[] c, int cOff, float[] m, int mOff, float[] acc,
        int accOff) {
      OuterProductLanes.weightedRowSum(rows, cols, c, cOff, m, mOff, acc, accOff);
    }

    @Override
    public void rankOne(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] m, int mOff) {
      OuterProductLanes.rankOne(rows, cols, w, wOff, u, uOff, m, mOff);
    }

    @Override
    public void writeAndRead(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] in, int inOff,
        float[] out, int outOff, float[] r, int rOff, float[] acc, int accOff) {
      OuterProductLanes.writeAndRead(rows, cols, w, wOff, u, uOff, in, inOff, out, outOff, r, rOff, acc, accOff);
    }

    @Override
    public void eluPlusOne(float[] x, int off, int n, float[] scratch) {
      OuterProductLanes.eluPlusOne(x, off, n, scratch);
    }
  }

  /** Plain loops. */
  final class Scalar implements HeadMemoryMath {
    @Override
    public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
      for (int j = 0; j < n; j++) {
        out[outOff + j] = y[yOff + j] + a * x[xOff + j];
      }
    }

    @Override
    public void weightedRowSum(int rows, int cols, float[] c, int cOff, float[] m, int mOff, float[] acc,
        int accOff) {
      java.util.Arrays.fill(acc, accOff, accOff + cols, 0f);
      for (int i = 0; i < rows; i++) {
        axpy(cols, c[cOff + i], m, mOff + i * cols, acc, accOff, acc, accOff);
      }
    }

    @Override
    public void rankOne(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] m, int mOff) {
      for (int i = 0; i < rows; i++) {
        axpy(cols, w[wOff + i], u, uOff, m, mOff + i * cols, m, mOff + i * cols);
      }
    }

    @Override
    public void writeAndRead(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] in, int inOff,
        float[] out, int outOff, float[] r, int rOff, float[] acc, int accOff) {
      java.util.Arrays.fill(acc, accOff, accOff + cols, 0f);
      for (int i = 0; i < rows; i++) {
        axpy(cols, w[wOff + i], u, uOff, in, inOff + i * cols, out, outOff + i * cols);
        axpy(cols, r[rOff + i], out, outOff + i * cols, acc, accOff, acc, accOff);
      }
    }

    @Override
    public void eluPlusOne(float[] x, int off, int n, float[] scratch) {
      for (int j = 0; j < n; j++) {
        float a = x[off + j];
        x[off + j] = a > 0f ? a + 1f : (float) Math.exp(a);
      }
    }
  }
}
