package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchOpsTest {

  @Test
  void vectorApiIsAvailableInTheTestJvm() {
    // The build adds jdk.incubator.vector to test JVMs; without it every test would only exercise the
    // scalar fallback and the fast path would ship untested.
    assertTrue(BatchOps.vectorApiAvailable(), "jdk.incubator.vector missing from the test JVM");
    assertTrue(BatchOps.best().name().startsWith("vector"), BatchOps.best().name());
  }

  @Test
  void packedMatrixHoldsEveryElementWherePanelsPutIt() {
    Random rng = new Random(1);
    for (int lanes : new int[] {8, 16}) {
      for (int n : new int[] {1, 7, 8, 9, 16, 17, 24, 33, 100}) {
        int k = 5;
        PackedMatrix m = new PackedMatrix(k, n, lanes);
        float[] src = random(rng, 3 + k * (n + 2));
        m.load(src, 3, n + 2, 0, 0, k, n);
        for (int r = 0; r < k; r++) {
          for (int j = 0; j < n; j++) {
            assertEquals(src[3 + r * (n + 2) + j], m.get(r, j), 0f,
                "lanes " + lanes + ", n " + n + ": element (" + r + ", " + j + ")");
          }
        }
        int full = n / (2 * lanes) * 2 * lanes;
        int expected = full + (n == full ? 0 : n - full <= lanes ? lanes : 2 * lanes);
        assertEquals(expected, m.paddedCols(), "padded width for n=" + n + ", lanes=" + lanes);
      }
    }
  }

  @Test
  void gemmMatchesNaiveProductForEveryTailShapeWithOffsetsAndStrides() {
    Random rng = new Random(42);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      for (int rows : new int[] {1, 2, 3, 4, 5, 7, 8, 9}) {
        for (int n : new int[] {1, 5, 15, 16, 17, 31, 32, 33, 48, 64, 65, 80, 100}) {
          for (int k : new int[] {1, 2, 3, 40}) {
            PackedMatrix w = new PackedMatrix(k, n, ops.lanes());
            int pn = w.paddedCols();
            int lda = k + 2;
            int ldc = pn + 1;
            float[] a = random(rng, 1 + rows * lda);
            float[] src = random(rng, k * n);
            w.load(src, 0, n, 0, 0, k, n);
            float[] bias = null;
            if (rng.nextBoolean()) {
              bias = new float[pn];
              System.arraycopy(random(rng, n), 0, bias, 0, n);
            }
            float[] c = random(rng, 3 + rows * ldc);
            float[] before = c.clone();
            ops.gemm(rows, a, 1, lda, w, bias, c, 3, ldc);
            for (int r = 0; r < rows; r++) {
              for (int j = 0; j < ldc; j++) {
                int ci = 3 + r * ldc + j;
                String where = ops.name() + " rows=" + rows + " n=" + n + " k=" + k + ": C[" + r + ","
                    + j + "]";
                if (j >= pn) {
                  assertEquals(before[ci], c[ci], 0f, where + " lies outside the padded width");
                  continue;
                }
                double s = 0;
                if (j < n) {
                  s = bias == null ? 0 : bias[j];
                  for (int kk = 0; kk < k; kk++) {
                    s += (double) a[1 + r * lda + kk] * src[kk * n + j];
                  }
                }
                if (Math.abs(s - c[ci]) > 1e-5 * Math.max(1, Math.abs(s))) {
                  fail(where + " = " + c[ci] + ", expected " + s);
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * The learner's big products: more rows than one row block (128) and a reduction longer than one panel
   * chunk (256, accumulated into C), narrow and wide outputs, every tile kind and remainder.
   */
  @Test
  void gemmMatchesNaiveProductAcrossRowBlocksAndReductionChunks() {
    Random rng = new Random(7);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      for (int[] shape : new int[][] {{300, 600, 5}, {137, 513, 33}, {129, 257, 64}, {5, 700, 16}}) {
        int rows = shape[0];
        int k = shape[1];
        int n = shape[2];
        PackedMatrix w = new PackedMatrix(k, n, ops.lanes());
        int pn = w.paddedCols();
        float[] a = random(rng, rows * k);
        float[] src = random(rng, k * n);
        w.load(src, 0, n, 0, 0, k, n);
        float[] bias = new float[pn];
        System.arraycopy(random(rng, n), 0, bias, 0, n);
        float[] c = new float[rows * pn];
        ops.gemm(rows, a, 0, k, w, bias, c, 0, pn);
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < n; j++) {
            double s = bias[j];
            for (int kk = 0; kk < k; kk++) {
              s += (double) a[r * k + kk] * src[kk * n + j];
            }
            if (Math.abs(s - c[r * pn + j]) > 1e-4 * Math.max(1, Math.abs(s))) {
              fail(ops.name() + " rows=" + rows + " k=" + k + " n=" + n + ": C[" + r + "," + j + "] = "
                  + c[r * pn + j] + ", expected " + s);
            }
          }
        }
      }
    }
  }

  @Test
  void reluBackwardZeroesExactlyWhereTheOutputIsNotPositive() {
    Random rng = new Random(3);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      int rows = 3;
      int n = 37;
      float[] out = random(rng, 2 + rows * 40);
      out[2 + 5] = 0f;
      out[2 + 40 + 17] = -0f;
      float[] d = random(rng, 1 + rows * 41);
      float[] before = d.clone();
      ops.reluBackward(rows, n, d, 1, 41, out, 2, 40);
      for (int i = 0; i < d.length; i++) {
        int r = (i - 1) / 41;
        int j = (i - 1) % 41;
        boolean inside = i >= 1 && r < rows && j < n;
        float expected = inside && out[2 + r * 40 + j] <= 0f ? 0f : before[i];
        assertEquals(expected, d[i], 0f, ops.name() + ": d[" + i + "] (row " + r + ", col " + j + ")");
      }
    }
  }

  @Test
  void gemmRejectsShapesThatDoNotFit() {
    BatchOps ops = BatchOps.best();
    PackedMatrix w = new PackedMatrix(4, 20, ops.lanes());
    IllegalArgumentException shortC = assertThrows(IllegalArgumentException.class,
        () -> ops.gemm(2, new float[8], 0, 4, w, null, new float[20], 0, w.paddedCols()));
    assertTrue(shortC.getMessage().contains("c.length=20"), shortC.getMessage());
    PackedMatrix other = new PackedMatrix(4, 20, ops.lanes() == 8 ? 16 : 8);
    IllegalArgumentException lanes = assertThrows(IllegalArgumentException.class,
        () -> ops.gemm(1, new float[4], 0, 4, other, null, new float[64], 0, 64));
    assertTrue(lanes.getMessage().contains("lanes"), lanes.getMessage());
  }

  /** {@code n} standard normal floats (also {@link WeightGradientTest}'s operands). */
  static float[] random(Random rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }
}
