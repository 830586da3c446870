package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The bytes one run of a loop allocates once compiled, measured in a fresh JVM: in the test JVM, what earlier tests
 * compiled decides it (the Vector API kernels C2 compiled on widths below a vector's lanes, where their vector loops
 * never run, kept boxing vectors for thousands of runs at width 64 after a deoptimisation: GtrxlKernelTest's check
 * failed after TransformerActorCriticPolicyTest had stepped a width-6 Transformer). The loop comes from a static
 * no-argument method of the test class that builds it; the probe warms it up
 * ({@link TransformerFixtures#warmUntilNoAllocation}), checks that the allocation counter sees an array, and measures
 * one more run. Public for the recurrent cores' kernel checks (S4dCoreTest, LmuCoreTest), which the same JIT history
 * hits.
 */
public final class FreshJvmAllocation {

  private FreshJvmAllocation() {
  }

  /** Bytes allocated by one run of {@code owner.factory()}'s loop after warming it up in a fresh JVM. */
  public static long bytesPerRun(Class<?> owner, String factory, int minRounds, int maxRounds)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // -Xbatch: the probe thread waits for each compilation, so which code runs after N warm-up runs depends on N, not
    // on how busy the machine is (CI's 2-core machine, compiling in the background, once measured RecurrentQKernel's
    // loop still boxing vectors after 3 clean warm-up runs: 3.7 MB in the measured run)
    ProcessBuilder pb = new ProcessBuilder(java, "-Xbatch", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), Probe.class.getName(), owner.getName(), factory,
        Integer.toString(minRounds), Integer.toString(maxRounds));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the probe JVM did not finish in 180 s");
    assertEquals(0, p.exitValue(), "the probe JVM failed; its output: " + out);
    String line = out.lines().filter(l -> l.startsWith("allocated ")).findFirst()
        .orElseThrow(() -> new AssertionError("no figure from the probe JVM; its output: " + out));
    return Long.parseLong(line.substring("allocated ".length()).trim());
  }

  /** Runs measured after the warm-up; the figure is the least of them. */
  static final int MEASURED_RUNS = 5;

  /**
   * Bytes allocated by one run of {@code loop} in this JVM after the warm-up ({@link
   * TransformerFixtures#warmUntilNoAllocation}): the least over up to {@value #MEASURED_RUNS} runs (stopping at the
   * first that allocates nothing), having checked that the allocation counter sees an array (or a zero would prove
   * nothing). The least, because a recompilation can land in any one run and box vectors for its length, while an
   * allocation in the loop's code (a new array per step) happens in every run and still fails the check. For loops
   * whose compiled form the test JVM's history cannot change (plain loops, no Vector API), and the probe's own
   * measurement.
   */
  public static long bytesPerRunInThisJvm(Runnable loop, int minRounds, int maxRounds) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
      throw new IllegalStateException("this JVM cannot measure per-thread allocation");
    }
    long id = Thread.currentThread().getId();
    long probe = mx.getThreadAllocatedBytes(id);
    Probe.sink = new float[1000];
    if (mx.getThreadAllocatedBytes(id) - probe < 4000) {
      throw new IllegalStateException("the allocation counter must see a 4000-byte array, or a zero proves nothing");
    }
    TransformerFixtures.warmUntilNoAllocation(loop, minRounds, maxRounds);
    long least = Long.MAX_VALUE;
    for (int r = 0; r < MEASURED_RUNS && least > 0; r++) {
      long before = mx.getThreadAllocatedBytes(id);
      loop.run();
      least = Math.min(least, mx.getThreadAllocatedBytes(id) - before);
    }
    return least;
  }

  /** The fresh JVM's entry point; args: the test class, its loop factory, min and max warm-up runs. */
  static final class Probe {
    static float[] sink;

    public static void main(String[] args) throws Exception {
      Method m = Class.forName(args[0]).getDeclaredMethod(args[1]);
      m.setAccessible(true);
      Runnable loop = (Runnable) m.invoke(null);
      System.out.println("allocated " + bytesPerRunInThisJvm(loop, Integer.parseInt(args[2]),
          Integer.parseInt(args[3])));
    }
  }
}
