package dev.mnemo.agents.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures one core's sustained FP32 FMA rate with the widest SIMD the JVM offers: 12 independent
 * vector accumulators (more than FMA latency x ports, so the loop is throughput-bound, not
 * latency-bound), no memory traffic. Load only when {@code jdk.incubator.vector} is present. Public for
 * the learner benchmark, which states its rate as a fraction of the same peak.
 */
public final class FmaPeak {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private FmaPeak() {}

  /**
   * Best of {@code reps} timed runs of {@code iters} iterations (10 M take about 30 ms), in GFLOP/s
   * (an FMA counts as 2 FLOPs).
   */
  public static double measureGflops(int reps, long iters) {
    double best = 0;
    burn(iters / 5); // JIT warm-up
    for (int r = 0; r < reps; r++) {
      // Thread CPU time, not wall time: on a shared machine the thread is descheduled at random.
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long t0 = mx.getCurrentThreadCpuTime();
      float sink = burn(iters);
      long dt = mx.getCurrentThreadCpuTime() - t0;
      if (sink == 42f) {
        System.out.print(""); // keep the result alive
      }
      best = Math.max(best, iters * 12.0 * S.length() * 2 / dt);
    }
    return best;
  }

  /**
   * Read bandwidth in GB/s (best of {@code reps}) of a vector loop summing a {@code bytes}-sized array
   * over and over: with a few hundred KB that is the L2-to-core rate that bounds a batch-1 step, which
   * must stream every weight once.
   */
  static double measureReadGBs(int bytes, int reps, long bytesPerRep) {
    float[] a = new float[Math.max(4 * S.length(), bytes / 4 / (4 * S.length()) * (4 * S.length()))];
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    int n = (int) Math.max(10, bytesPerRep / (a.length * 4L));
    sum(a, n / 10); // JIT warm-up
    double best = 0;
    for (int r = 0; r < reps; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      float sink = sum(a, n);
      long dt = mx.getCurrentThreadCpuTime() - t0;
      if (sink == 42f) {
        System.out.print("");
      }
      best = Math.max(best, (double) a.length * 4 * n / dt);
    }
    return best;
  }

  /** Sums {@code a} {@code times} times; one pass per call so C2 compiles the pass as a whole method. */
  private static float sum(float[] a, int times) {
    float total = 0f;
    for (int t = 0; t < times; t++) {
      total += sumOnce(a);
    }
    return total;
  }

  private static float sumOnce(float[] a) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int l = S.length();
    for (int i = 0; i < a.length; i += 4 * l) {
      s0 = s0.add(FloatVector.fromArray(S, a, i));
      s1 = s1.add(FloatVector.fromArray(S, a, i + l));
      s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * l));
      s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * l));
    }
    return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
  }

  static int lanes() {
    return S.length();
  }

  private static float burn(long iters) {
    FloatVector m = FloatVector.broadcast(S, 0.999999f);
    FloatVector c = FloatVector.broadcast(S, 1e-6f);
    FloatVector a0 = FloatVector.broadcast(S, 1f);
    FloatVector a1 = a0.add(1f);
    FloatVector a2 = a0.add(2f);
    FloatVector a3 = a0.add(3f);
    FloatVector a4 = a0.add(4f);
    FloatVector a5 = a0.add(5f);
    FloatVector a6 = a0.add(6f);
    FloatVector a7 = a0.add(7f);
    FloatVector a8 = a0.add(8f);
    FloatVector a9 = a0.add(9f);
    FloatVector a10 = a0.add(10f);
    FloatVector a11 = a0.add(11f);
    for (long i = 0; i < iters; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD);
  }
}
