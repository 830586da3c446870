package dev.mnemo.agents.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * How the acting benchmarks time a call: a warm-up (the Vector API is only fast once C2 has compiled it, which took
 * up to about a second of stepping here; smoke runs with tiny {@code seconds} stay short), then the median of
 * {@link #ROUNDS} loops on this thread's CPU clock (a shared machine deschedules the thread at random), with the wall
 * clock beside it.
 */
final class CpuTiming {

  /** Rounds per measurement: this VM's timings move by up to 3x between single runs. */
  static final int ROUNDS = 5;

  /** Microseconds per call of one timed loop: on this thread's CPU clock and on the wall clock. */
  record Timing(double cpuUs, double wallUs) {}

  private CpuTiming() {
  }

  /** Warm-up first, then the median of the timed rounds (about {@code seconds} of CPU time in all). */
  static Timing warmThenMeasure(Runnable body, double seconds) {
    loop(body, Math.max(seconds / 2, Math.min(1.0, 5 * seconds)));
    Timing[] rounds = new Timing[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      rounds[i] = loop(body, seconds / ROUNDS);
    }
    java.util.Arrays.sort(rounds, java.util.Comparator.comparingDouble(Timing::cpuUs));
    return rounds[ROUNDS / 2];
  }

  /** Runs {@code body} repeatedly for about {@code seconds} of this thread's CPU time. */
  static Timing loop(Runnable body, double seconds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long budget = (long) (seconds * 1e9);
    long c0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long n = 0;
    long c;
    do {
      for (int i = 0; i < 16; i++) {
        body.run();
      }
      n += 16;
      c = mx.getCurrentThreadCpuTime();
    } while (c - c0 < budget);
    long t = System.nanoTime();
    return new Timing((c - c0) / 1e3 / n, (t - t0) / 1e3 / n);
  }
}
