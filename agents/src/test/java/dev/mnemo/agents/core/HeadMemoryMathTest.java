package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link HeadMemoryMath}'s two implementations give the same bits for every block operation (heads of 1 to 40:
 * no full register, one, one and a tail, several), so the attention-like cores' Vector API and plain-loop faces
 * differ only through the feature map's exp (within 2e-7 of each other, and exactly 1 at 0); {@code rowDots}
 * gives each row's {@code dot}, bit for bit.
 */
class HeadMemoryMathTest {

  static final int[] SIZES = {1, 3, 4, 8, 15, 16, 17, 32, 40};

  private static float[] gaussian(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * 2);
    }
    return a;
  }

  @Test
  void vectorAndScalarGiveTheSameBits() {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    HeadMemoryMath vector = new HeadMemoryMath.Vector();
    HeadMemoryMath scalar = new HeadMemoryMath.Scalar();
    Random r = new Random(1);
    for (int rows : SIZES) {
      for (int cols : SIZES) {
        String what = rows + " x " + cols;
        float[] m = gaussian(r, rows * cols + 3);
        float[] w = gaussian(r, rows + 2);
        float[] u = gaussian(r, cols + 1);
        float[] c = gaussian(r, rows + 1);

        float[] a = new float[cols + 2];
        float[] b = new float[cols + 2];
        vector.axpy(cols, w[0], u, 1, m, 2, a, 1);
        scalar.axpy(cols, w[0], u, 1, m, 2, b, 1);
        assertArrayEquals(b, a, "axpy " + what);

        java.util.Arrays.fill(a, 7f);
        java.util.Arrays.fill(b, 7f);
        vector.weightedRowSum(rows, cols, c, 1, m, 3, a, 1);
        scalar.weightedRowSum(rows, cols, c, 1, m, 3, b, 1);
        assertArrayEquals(b, a, "weightedRowSum " + what);

        float[] ma = m.clone();
        float[] mb = m.clone();
        vector.rankOne(rows, cols, w, 2, u, 1, ma, 3);
        scalar.rankOne(rows, cols, w, 2, u, 1, mb, 3);
        assertArrayEquals(mb, ma, "rankOne " + what);

        float[] outA = new float[rows * cols];
        float[] outB = new float[rows * cols];
        vector.writeAndRead(rows, cols, w, 1, u, 1, m, 3, outA, 0, c, 0, a, 0);
        scalar.writeAndRead(rows, cols, w, 1, u, 1, m, 3, outB, 0, c, 0, b, 0);
        assertArrayEquals(outB, outA, "writeAndRead's write " + what);
        assertArrayEquals(b, a, "writeAndRead's read " + what);
        float[] inPlace = m.clone();
        vector.writeAndRead(rows, cols, w, 1, u, 1, inPlace, 3, inPlace, 3, c, 0, a, 0);
        assertArrayEquals(outB, java.util.Arrays.copyOfRange(inPlace, 3, 3 + rows * cols), "in place " + what);

        float[] dots = new float[rows];
        HeadMemoryMath.rowDots(rows, cols, m, 3, u, 1, dots, 0);
        for (int i = 0; i < rows; i++) {
          assertEquals(Float.floatToRawIntBits(HeadMemoryMath.dot(cols, m, 3 + i * cols, u, 1)),
              Float.floatToRawIntBits(dots[i]), "rowDots row " + i + ", " + what);
        }
      }
    }
  }

  @Test
  void theFeatureMapsAgreeToFloatPrecision() {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    Random r = new Random(2);
    for (int n : SIZES) {
      float[] x = gaussian(r, n + 2);
      x[1] = 0f;
      float[] a = x.clone();
      float[] b = x.clone();
      new HeadMemoryMath.Vector().eluPlusOne(a, 1, n, new float[n]);
      new HeadMemoryMath.Scalar().eluPlusOne(b, 1, n, new float[n]);
      assertEquals(x[0], a[0], "outside the range");
      assertEquals(1f, a[1], "φ(0) = 1");
      assertEquals(1f, b[1], "φ(0) = 1");
      for (int i = 1; i <= n; i++) {
        double want = x[i] > 0 ? x[i] + 1.0 : Math.exp(x[i]);
        assertEquals(want, a[i], 2e-7 * want, "vector φ(" + x[i] + ")");
        assertEquals(want, b[i], 2e-7 * want, "scalar φ(" + x[i] + ")");
      }
    }
  }
}
