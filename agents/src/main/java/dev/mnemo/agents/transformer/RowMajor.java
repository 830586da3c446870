package dev.mnemo.agents.transformer;

/**
 * The matrix products a block's forward and backward need, on row-major float arrays with offsets and
 * leading dimensions; the {@code mulAdd*} forms accumulate into {@code c} ({@code c += ...}), the {@code mul*} forms
 * overwrite it, each in a fixed order (k ascending), so a result is the same bits on every run. On the Vector API
 * they run on {@link RowMajorLanes}' blocked kernels, else on plain loops.
 */
final class RowMajor {

  /** Register-blocked Vector API kernels ({@link RowMajorLanes}) when the module is present, else these loops. */
  static final boolean LANES = dev.mnemo.agents.kernel.BatchOps.vectorApiAvailable();

  private RowMajor() {
  }

  /** {@code C[m x n] += A[m x k] B[k x n]}. */
  static void mulAdd(int m, int k, int n, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
      int cOff, int ldc) {
    if (LANES) {
      RowMajorLanes.mulAdd(m, k, n, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      int ai = aOff + i * lda;
      for (int p = 0; p < k; p++) {
        float av = a[ai + p];
        if (av == 0f) {
          continue;
        }
        int bp = bOff + p * ldb;
        for (int j = 0; j < n; j++) {
          c[ci + j] += av * b[bp + j];
        }
      }
    }
  }

  /**
   * {@code C[m x n] += A'[m x k] B[k x n]} with {@code A'(i, p) = a[aOff + i * ars + p * acs]}: {@link #mulAdd} when
   * {@code acs = 1}, {@code A^T B} when {@code ars = 1} (the attention's per-head products, whose operands are
   * strided slices of the projections).
   */
  static void mulAddStrided(int m, int k, int n, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    if (LANES) {
      RowMajorLanes.mulAdd(m, k, n, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      for (int p = 0; p < k; p++) {
        float av = a[aOff + i * ars + p * acs];
        int bp = bOff + p * ldb;
        for (int j = 0; j < n; j++) {
          c[ci + j] += av * b[bp + j];
        }
      }
    }
  }

  /**
   * {@code C[m x n] += A[m x k] B^T} with {@code B} stored {@code n x k}; {@code scratch} (at least {@code k x n}
   * floats, overwritten) takes {@code B^T}, so the product runs as {@link #mulAdd} (B is a weight matrix in every
   * caller: the transpose costs {@code 1 / m} of the product).
   */
  static void mulAddBt(int m, int k, int n, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
      int cOff, int ldc, float[] scratch) {
    if (LANES) {
      transpose(k, n, b, bOff, ldb, scratch);
      RowMajorLanes.mulAdd(m, k, n, a, aOff, lda, 1, scratch, 0, n, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda;
      int ci = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        int bj = bOff + j * ldb;
        float s = 0f;
        for (int p = 0; p < k; p++) {
          s += a[ai + p] * b[bj + p];
        }
        c[ci + j] += s;
      }
    }
  }

  /** {@code C[k x n] += A^T B} with {@code A} stored {@code m x k} and {@code B} {@code m x n}. */
  static void mulAddAt(int m, int k, int n, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
      int cOff, int ldc) {
    if (LANES) {
      // C's rows are A's columns; the inner dimension is A's (and B's) rows.
      RowMajorLanes.mulAdd(k, m, n, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda;
      int bi = bOff + i * ldb;
      for (int p = 0; p < k; p++) {
        float av = a[ai + p];
        if (av == 0f) {
          continue;
        }
        int cp = cOff + p * ldc;
        for (int j = 0; j < n; j++) {
          c[cp + j] += av * b[bi + j];
        }
      }
    }
  }

  /**
   * {@code C = A B} (overwritten; {@link #mulAdd} without a pass to clear C first: the blocked kernels start from
   * zero instead of loading it).
   */
  static void mul(int m, int k, int n, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
      int cOff, int ldc) {
    mulStrided(m, k, n, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc);
  }

  /** {@code C = A' B}, overwritten (see {@link #mulAddStrided}). */
  static void mulStrided(int m, int k, int n, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    if (LANES) {
      RowMajorLanes.mul(m, k, n, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, true);
      return;
    }
    clear(m, n, c, cOff, ldc);
    mulAddStrided(m, k, n, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc);
  }

  /** {@code C = A B^T}, overwritten (see {@link #mulAddBt}). */
  static void mulBt(int m, int k, int n, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
      int cOff, int ldc, float[] scratch) {
    if (LANES) {
      transpose(k, n, b, bOff, ldb, scratch);
      RowMajorLanes.mul(m, k, n, a, aOff, lda, 1, scratch, 0, n, c, cOff, ldc, true);
      return;
    }
    clear(m, n, c, cOff, ldc);
    mulAddBt(m, k, n, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, scratch);
  }

  private static void clear(int m, int n, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
    }
  }

  /** {@code B} ({@code n x k}, rows {@code ldb} apart) transposed into {@code scratch} ({@code k x n}). */
  private static void transpose(int k, int n, float[] b, int bOff, int ldb, float[] scratch) {
    for (int j = 0; j < n; j++) {
      int bj = bOff + j * ldb;
      for (int p = 0; p < k; p++) {
        scratch[p * n + j] = b[bj + p];
      }
    }
  }
}
