package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchOpsTest {

  @Test
  void vectorApiIsAvailableInTheTestJvm() {
    // The module's surefire config adds jdk.incubator.vector; without it every test below would only
    // exercise the scalar fallback and the fast path would ship untested.
    assertTrue(BatchOps.vectorApiAvailable(), "jdk.incubator.vector missing from the test JVM");
    assertTrue(BatchOps.best().name().startsWith("vector"), BatchOps.best().name());
  }

  @Test
  void gemmMatchesNaiveProductForEveryTailShapeWithOffsetsAndStrides() {
    Random rng = new Random(42);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      for (int rows : new int[] {1, 2, 3, 4, 5, 7, 8, 9}) {
        for (int n : new int[] {1, 5, 15, 16, 17, 31, 32, 33, 48, 64, 65, 80, 100}) {
          for (int k : new int[] {1, 3, 40}) {
            int lda = k + 2;
            int ldw = n + 3;
            int ldc = n + 1;
            float[] a = random(rng, 1 + rows * lda);
            float[] w = random(rng, 2 + k * ldw);
            float[] bias = rng.nextBoolean() ? random(rng, n + 4) : null;
            float[] c = random(rng, 3 + rows * ldc);
            float[] before = c.clone();
            ops.gemm(rows, k, n, a, 1, lda, w, 2, ldw, bias, 4 % (bias == null ? 1 : 5), c, 3, ldc);
            int bOff = 4 % (bias == null ? 1 : 5);
            for (int r = 0; r < rows; r++) {
              for (int j = 0; j < ldc; j++) {
                int ci = 3 + r * ldc + j;
                if (j >= n) {
                  if (c[ci] != before[ci]) {
                    fail(ops.name() + " wrote outside C at row " + r + ", col " + j);
                  }
                  continue;
                }
                double s = bias == null ? 0 : bias[bOff + j];
                for (int kk = 0; kk < k; kk++) {
                  s += (double) a[1 + r * lda + kk] * w[2 + kk * ldw + j];
                }
                if (Math.abs(s - c[ci]) > 1e-5 * Math.max(1, Math.abs(s))) {
                  fail(ops.name() + " rows=" + rows + " n=" + n + " k=" + k + ": C[" + r + "," + j
                      + "] = " + c[ci] + ", expected " + s);
                }
              }
            }
          }
        }
      }
    }
  }

  private static float[] random(Random rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }
}
