package dev.mnemo.agents.kernel;

import dev.mnemo.envs.VectorApiModule;

/**
 * The few batched float operations the networks are built from: a blocked matrix product with bias
 * and the element-wise nonlinearities (ReLU, sigmoid, tanh) that blocks and recurrent cores use. Two implementations exist: {@link VectorOps}
 * (JDK Vector API, register-blocked) and {@link ScalarOps} (plain loops, used when the incubating
 * {@code jdk.incubator.vector} module is not in the boot layer). Both write only into caller-owned
 * arrays and allocate nothing.
 *
 * <p>Matrices are row-major with explicit leading dimensions ({@code ld*}: floats from one row to the
 * next), so a kernel can write a layer's output straight into a slice of a wider buffer.
 */
public interface BatchOps {

  /**
   * {@code C[r, j] = bias[j] + sum_k A[r, k] W[k, j]} for {@code r < rows} and every stored column
   * {@code j < w.paddedCols()} (the padding columns get the bias padding, normally zero).
   *
   * @param a {@code rows x w.rows()} at {@code aOff}, rows {@code lda} apart
   * @param w weights packed for this implementation's {@link #lanes()}
   * @param bias {@code w.paddedCols()} floats, or {@code null} for none
   * @param c {@code rows x w.paddedCols()} at {@code cOff}, rows {@code ldc >= w.paddedCols()} apart
   */
  void gemm(int rows, float[] a, int aOff, int lda, PackedMatrix w, float[] bias, float[] c, int cOff,
      int ldc);

  /** Argument checks shared by the implementations, so bad shapes fail with the numbers that clash. */
  static void checkGemm(BatchOps ops, int rows, float[] a, int aOff, int lda, PackedMatrix w,
      float[] bias, float[] c, int cOff, int ldc) {
    if (w.lanes() != ops.lanes()) {
      throw new IllegalArgumentException("weights packed for " + w.lanes() + " lanes, " + ops.name()
          + " needs " + ops.lanes());
    }
    int k = w.rows();
    int n = w.paddedCols();
    if (rows < 0 || lda < k || ldc < n || aOff < 0 || cOff < 0
        || (rows > 0 && (aOff + (rows - 1) * lda + k > a.length
            || cOff + (rows - 1) * ldc + n > c.length))
        || (bias != null && bias.length < n)) {
      throw new IllegalArgumentException("gemm shapes do not fit: rows=" + rows + ", k=" + k
          + ", padded n=" + n + ", a.length=" + a.length + " (off " + aOff + ", ld " + lda
          + "), c.length=" + c.length + " (off " + cOff + ", ld " + ldc + "), bias.length="
          + (bias == null ? "none" : bias.length));
    }
  }

  /**
   * The weight-gradient product of {@link WeightGradient}: {@code C = [X | 1]^T dY}, row {@code i < in} of C is
   * {@code sum_r X[r, i] dY[r, :]} and row {@code in} is {@code sum_r dY[r, :]} (the bias gradient), over {@code n}
   * rows of X ({@code in} floats each, {@code ldx} apart from {@code xOff}). {@code xT} is the caller's scratch of
   * {@code (in + 1) x ldT} floats whose row {@code in} holds {@code n} ones. This default transposes X into it and
   * takes one {@link #gemm}; an implementation may read some columns of X in place instead, with the same bits.
   *
   * @param dy dY packed for this implementation ({@code n} rows)
   * @param c {@code (in + 1) x dy.paddedCols()}, rows {@code ldc} apart
   */
  default void weightGradient(int n, int in, float[] x, int xOff, int ldx, PackedMatrix dy, float[] xT, int ldT,
      float[] c, int ldc) {
    weightGradientViaCopy(this, n, in, x, xOff, ldx, dy, xT, ldT, c, ldc);
  }

  /**
   * {@link #weightGradient} as the default computes it, on any implementation: X transposed into {@code xT}, then one
   * {@link #gemm} (what {@code mnemo bench weight-gradient} measures the in-place path against).
   */
  static void weightGradientViaCopy(BatchOps ops, int n, int in, float[] x, int xOff, int ldx, PackedMatrix dy,
      float[] xT, int ldT, float[] c, int ldc) {
    WeightGradient.transpose(n, in, x, xOff, ldx, xT, 0, ldT);
    ops.gemm(in + 1, xT, 0, ldT, dy, null, c, 0, ldc);
  }

  /** {@code x = max(x, 0)} over {@code rows x n} at {@code off} with leading dimension {@code ld}. */
  void relu(int rows, int n, float[] x, int off, int ld);

  /**
   * The ReLU's backward read from its output: {@code d[r, j] = 0} where {@code out[r, j] <= 0}, else
   * unchanged, over {@code rows x n}.
   */
  void reluBackward(int rows, int n, float[] d, int dOff, int ldd, float[] out, int oOff, int ldo);

  /**
   * {@code x = sigmoid(x)} in place over {@code rows x n} at {@code off} (rows {@code ld} apart). Like every
   * element-wise function here it gives the same bits whatever the JIT has compiled, so a seeded run
   * reproduces exactly; the recurrent cores build their gates from it.
   */
  void sigmoid(int rows, int n, float[] x, int off, int ld);

  /** {@code x = tanh(x)} in place over {@code rows x n} at {@code off} (rows {@code ld} apart). */
  void tanh(int rows, int n, float[] x, int off, int ld);

  /** Floats per SIMD register: {@link PackedMatrix} panels are cut for it. */
  int lanes();

  /** Whether this implementation runs on the Vector API (cores pick their matching element-wise math). */
  default boolean vectorApi() {
    return false;
  }

  /** Short name for logs and benchmarks. */
  String name();

  /** The fastest implementation this JVM can run: {@link VectorOps} when its module is present. */
  static BatchOps best() {
    return vectorApiAvailable() ? VectorOps.create() : new ScalarOps();
  }

  /** Whether {@code jdk.incubator.vector} was added to the boot layer ({@code --add-modules}). */
  static boolean vectorApiAvailable() {
    return VectorApiModule.isPresent();
  }
}
