package dev.mnemo.agents.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures one core's sustained FP32 FMA rate with the widest SIMD the JVM offers: 12 independent
 * vector accumulators (more than FMA latency x ports, so the loop is throughput-bound, not
 * latency-bound), no memory traffic. Load only when {@code jdk.incubator.vector} is present.
 */
final class FmaPeak {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private FmaPeak() {}

  /** Best of {@code reps} timed runs, in GFLOP/s (an FMA counts as 2 FLOPs). */
  static double measureGflops(int reps) {
    double best = 0;
    burn(2_000_000); // JIT warm-up
    for (int r = 0; r < reps; r++) {
      long iters = 10_000_000;
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
