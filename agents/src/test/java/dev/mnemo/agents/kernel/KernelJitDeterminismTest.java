package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A seeded actor is bit-reproducible whatever the JIT has compiled: the Vector API kernel gives the same
 * Q-values and states on a cold path (a fresh JVM in the interpreter, {@code -Xint}, where every vector
 * operation runs its Java fallback) and on a hot one (after 20,000 steps in this JVM, C2-compiled
 * intrinsics). With {@code VectorOperators.EXP/TANH} the two differed in the last bits. (That the same
 * kernel matches SameDiff to 1e-5 is {@link KernelMatchesSameDiffTest}'s job, which runs it too.)
 */
class KernelJitDeterminismTest {

  /** Hidden 40: two full 16-lane vectors and a tail, so the scalar tail of the exp is covered too. */
  static final RecurrentQSpec SPEC = new RecurrentQSpec(5, 3, List.of(16), 40, 16);
  static final int BATCH = 3;
  static final int STEPS = 30;

  @Test
  void actorKernelGivesIdenticalBitsColdInTheInterpreterAndHotAfterC2() throws Exception {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    List<String> firstInThisJvm = replay(BatchOps.best());

    RecurrentQKernel warm = new RecurrentQKernel(SPEC, BATCH, BatchOps.best());
    warm.load(snapshot());
    Random r = new Random(5);
    float[] obs = new float[BATCH * SPEC.obsSize()];
    int[] prevA = new int[BATCH];
    float[] prevR = new float[BATCH];
    for (int i = 0; i < 20_000; i++) {
      for (int k = 0; k < obs.length; k++) {
        obs[k] = (float) (r.nextGaussian() * 3);
      }
      for (int e = 0; e < BATCH; e++) {
        prevA[e] = r.nextInt(SPEC.numActions() + 1) - 1;
        prevR[e] = (float) r.nextGaussian();
      }
      warm.step(obs, prevA, prevR);
      if (i % 500 == 0) {
        warm.resetAllStates();
      }
    }
    List<String> hot = replay(BatchOps.best());
    List<String> cold = replayInFreshInterpretedJvm();

    assertEquals(STEPS, hot.size(), "hot replay steps");
    for (int t = 0; t < STEPS; t++) {
      assertSameBits(cold.get(t), hot.get(t), "step " + t + ", cold (-Xint JVM) vs hot (after 20k steps)");
      assertSameBits(firstInThisJvm.get(t), hot.get(t), "step " + t + ", first replay in this JVM vs hot");
    }
  }

  /** Fails naming the first differing float (Q-values first, then h and c per env) and how many differ. */
  private static void assertSameBits(String expected, String actual, String what) {
    String[] e = expected.split(" ");
    String[] a = actual.split(" ");
    assertEquals(e.length, a.length, what + ": number of floats");
    int first = -1;
    int differing = 0;
    for (int i = 0; i < e.length; i++) {
      if (!e[i].equals(a[i])) {
        differing++;
        first = first < 0 ? i : first;
      }
    }
    if (differing > 0) {
      org.junit.jupiter.api.Assertions.fail(what + ": " + differing + " of " + e.length + " floats differ;"
          + " first at token " + first + ": 0x" + e[first] + " vs 0x" + a[first]
          + " (tokens: Q-values, '|', then h and c interleaved per env)");
    }
  }

  static ParamSnapshot snapshot() {
    return KernelFixtures.randomSnapshot(SPEC, 17, 2.0, 1);
  }

  /**
   * The fixed episode: per step one line with the raw bits of every Q-value and state float. Large
   * observations and gain 2 push gates into saturation, where exp implementations differ most.
   */
  static List<String> replay(BatchOps ops) {
    RecurrentQKernel k = new RecurrentQKernel(SPEC, BATCH, ops);
    k.load(snapshot());
    Random r = new Random(99);
    float[] obs = new float[BATCH * SPEC.obsSize()];
    int[] prevA = new int[BATCH];
    float[] prevR = new float[BATCH];
    java.util.Arrays.fill(prevA, -1);
    int hs = SPEC.coreSize();
    float[] state = new float[SPEC.stateSize()]; // [h | c]
    List<String> lines = new ArrayList<>();
    for (int t = 0; t < STEPS; t++) {
      for (int i = 0; i < obs.length; i++) {
        obs[i] = (float) (r.nextGaussian() * 4);
      }
      k.step(obs, prevA, prevR);
      StringBuilder sb = new StringBuilder();
      for (float q : k.qValues()) {
        sb.append(Integer.toHexString(Float.floatToRawIntBits(q))).append(' ');
      }
      sb.append('|');
      for (int e = 0; e < BATCH; e++) {
        k.copyState(e, state, 0);
        for (int j = 0; j < hs; j++) {
          sb.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(state[j])))
              .append(' ').append(Integer.toHexString(Float.floatToRawIntBits(state[hs + j])));
        }
        prevA[e] = r.nextInt(SPEC.numActions());
        prevR[e] = (float) r.nextGaussian();
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  private static List<String> replayInFreshInterpretedJvm() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), ColdReplay.class.getName());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint replay JVM did not finish in 120 s");
    assertEquals(0, p.exitValue(), "the -Xint replay JVM failed; its output: " + out);
    List<String> lines = out.lines().filter(l -> l.contains("|")).toList();
    assertEquals(STEPS, lines.size(), "lines from the -Xint replay JVM; its output: " + out);
    return lines;
  }

  /** Entry point of the cold replay: a fresh JVM, run with {@code -Xint}. */
  static final class ColdReplay {
    public static void main(String[] args) {
      if (!BatchOps.vectorApiAvailable()) {
        throw new IllegalStateException("the cold replay needs jdk.incubator.vector");
      }
      for (String line : replay(BatchOps.best())) {
        System.out.println(line);
      }
    }
  }
}
