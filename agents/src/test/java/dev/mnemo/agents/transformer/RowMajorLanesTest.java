package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RowMajorLanes}' register-blocked products against the sum they promise, element by element and bit for bit:
 * {@code C(i, j) = fma(A'(i, k-1), B(k-1, j), ... fma(A'(i, 0), B(0, j), C0(i, j)))}, the inner index ascending, with
 * fused multiply-adds in the vector columns and separate multiply and add in the columns past the last full vector.
 * The shapes reach every kernel: 8-row blocks of 4, 2 and 1 vectors, the 4-row and single-row remainders, and the
 * tail columns; {@code A'} is read with rows contiguous ({@code A B}), with columns contiguous ({@code A^T B}, the
 * weight gradients) and with neither (the strided fallback), all at offsets inside larger arrays, whose floats
 * outside {@code C} must be left alone.
 */
class RowMajorLanesTest {

  /** The lanes of the preferred species, as the kernels see them. */
  private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

  @ParameterizedTest(name = "m {0} k {1} n/L {2} + {3}, A'' strides ({4}, {5}), accumulate {6}")
  @CsvSource({
      // rows contiguous (A B): 8 x 2 blocks, the shape of most of the block's products at d = 2L
      "24, 32, 2, 0, rows, 1, false",
      "24, 32, 2, 0, rows, 1, true",
      // with 4-row and single-row remainders, one vector and 4-vector blocks, tail columns
      "13, 7, 1, 3, rows, 1, false",
      "21, 5, 4, 0, rows, 1, true",
      "9, 3, 6, 5, rows, 1, false",
      // columns contiguous (A^T B): the inner dimension is the batch's rows
      "16, 40, 2, 0, 1, cols, false",
      "16, 40, 2, 0, 1, cols, true",
      "11, 9, 3, 2, 1, cols, true",
      // neither stride 1: the strided fallback
      "10, 6, 2, 1, 3, 5, false",
  })
  void blockedProductIsTheOrderedFusedSum(int m, int k, int nVectors, int tail, String rowStride, String colStride,
      boolean accumulate) {
    assumeTrue(RowMajor.LANES, "jdk.incubator.vector is not present: RowMajor runs its plain loops");
    int n = nVectors * L + tail;
    // A' (i, p) = a[aOff + i * ars + p * acs], inside a larger array.
    int ars = rowStride.equals("rows") ? k + 3 : Integer.parseInt(rowStride);
    int acs = colStride.equals("cols") ? m + 2 : Integer.parseInt(colStride);
    int aOff = 5;
    int aLength = aOff + (m - 1) * ars + (k - 1) * acs + 1 + 4;
    int bOff = 3;
    int ldb = n + 2;
    int cOff = 7;
    int ldc = n + 1;
    SplittableRandom rng = new SplittableRandom(31L * m + 7L * k + n);
    float[] a = randoms(rng, aLength);
    float[] b = randoms(rng, bOff + k * ldb);
    float[] c = randoms(rng, cOff + m * ldc + 6);
    float[] before = c.clone();

    RowMajorLanes.mul(m, k, n, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, !accumulate);

    int vectorColumns = n - n % L;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = accumulate ? before[cOff + i * ldc + j] : 0f;
        for (int p = 0; p < k; p++) {
          float av = a[aOff + i * ars + p * acs];
          float bv = b[bOff + p * ldb + j];
          s = j < vectorColumns ? Math.fma(av, bv, s) : s + av * bv;
        }
        assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(c[cOff + i * ldc + j]),
            "C(" + i + ", " + j + "): expected " + s + ", got " + c[cOff + i * ldc + j]);
      }
    }
    // Nothing outside C's m x n window moved: the padding between its rows, and the floats before and after it.
    for (int x = 0; x < c.length; x++) {
      int r = (x - cOff) / ldc;
      int col = (x - cOff) % ldc;
      boolean inside = x >= cOff && r < m && col < n;
      if (!inside) {
        assertEquals(before[x], c[x], "float " + x + " outside C was written");
      }
    }
  }

  private static float[] randoms(SplittableRandom rng, int length) {
    float[] v = new float[length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }
}
