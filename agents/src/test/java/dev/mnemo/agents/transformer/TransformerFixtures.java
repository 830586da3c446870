package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Seeded arrays, slices, tolerant comparisons and central finite differences for the Transformer blocks' tests. */
final class TransformerFixtures {

  private TransformerFixtures() {
  }

  static float[] uniform(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /** {@code sum_i g_i o_i}: the tests' loss {@code L = sum G * output}, whose gradient in the output is G. */
  static double dot(float[] g, double[] o) {
    double l = 0;
    for (int i = 0; i < o.length; i++) {
      l += g[i] * o[i];
    }
    return l;
  }

  static double[] slice(float[] a, int off, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[off + i];
    }
    return d;
  }

  static float[] floats(float[] a, int off, int n) {
    return java.util.Arrays.copyOfRange(a, off, off + n);
  }

  static double[] toDouble(float[] a) {
    return slice(a, 0, a.length);
  }

  /** Each element within {@code tol} of {@code want}, relative to the larger of 1 and the array's largest value. */
  static void assertClose(double[] want, double[] got, double tol, String what) {
    if (want.length != got.length) {
      fail(what + ": " + got.length + " values, expected " + want.length);
    }
    double scale = 1;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(want[i] - got[i]) <= tol * scale)) {
        fail(what + "[" + i + "]: " + got[i] + ", expected " + want[i] + " (tolerance " + tol * scale + ")");
      }
    }
  }

  /**
   * Central differences of {@code loss} in double at {@code at} (step 1e-6) against the analytic gradient
   * {@code got}: within 1e-5 of the gradient's largest magnitude (the analytic one is float).
   */
  static void assertFiniteDifferences(double[] at, ToDoubleFunction<double[]> loss, double[] got, String what) {
    double scale = 1e-3;
    for (double v : got) {
      scale = Math.max(scale, Math.abs(v));
    }
    double eps = 1e-6;
    for (int i = 0; i < at.length; i++) {
      double keep = at[i];
      at[i] = keep + eps;
      double up = loss.applyAsDouble(at);
      at[i] = keep - eps;
      double down = loss.applyAsDouble(at);
      at[i] = keep;
      double fd = (up - down) / (2 * eps);
      if (Math.abs(fd - got[i]) > 1e-5 * scale + 1e-7) {
        fail(what + "[" + i + "]: analytic " + got[i] + ", finite differences " + fd + " (scale " + scale + ")");
      }
    }
  }

  /** Consecutive allocation-free runs that end a warm-up. */
  static final int CLEAN_RUNS = 3;

  /**
   * Runs {@code loop} {@code minRounds} times, then until {@value #CLEAN_RUNS} runs in a row allocate nothing on this
   * thread (one clean run was not enough: S4D's kernel, clean once, allocated 256 bytes on the next run in the suite's
   * fresh probe JVM, most likely a late recompilation briefly boxing its vectors), at most
   * {@code maxRounds} in all: until C2 has compiled (and escape-analysed) the Vector API's hot paths, which takes a
   * number of runs that depends on the machine's load. A loop that allocates in its steady state never reaches zero,
   * so the caller's measurement of the next run still sees it.
   */
  static void warmUntilNoAllocation(Runnable loop, int minRounds, int maxRounds) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int clean = 0;
    for (int w = 0; w < maxRounds; w++) {
      long before = mx.getThreadAllocatedBytes(id);
      loop.run();
      clean = mx.getThreadAllocatedBytes(id) == before ? clean + 1 : 0;
      if (w >= minRounds && clean >= CLEAN_RUNS) {
        return;
      }
    }
  }
}
