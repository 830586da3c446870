package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.core.CoreTraining;
import dev.mnemo.agents.core.RecurrentCore;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded actor and a seeded learner are bit-reproducible whatever the JIT has compiled, for every
 * recurrent core: the Vector API kernel, and each core's training form (forward, then the gradient of a
 * window with dLoss/dFinalState), give the same bits on a cold path (a fresh JVM in the interpreter,
 * {@code -Xint}, where every vector operation runs its Java fallback) and on a hot one (after thousands of
 * steps in this JVM, C2-compiled intrinsics). With {@code VectorOperators.EXP/TANH} the two differed in the
 * last bits; a lane reduction ({@code reduceLanes(ADD)}) may too, which is why the layer norm sums in a fixed
 * order of its own. (That the same kernel matches SameDiff to 1e-5 is {@link KernelMatchesSameDiffTest}'s
 * job, which runs it too.)
 */
class KernelJitDeterminismTest {

  /** Hidden 40: two full 16-lane vectors and a tail, so the scalar tails of the exp and the sums are covered. */
  static final int HIDDEN = 40;
  static final int BATCH = 3;
  static final int STEPS = 30;
  /** The training form's pass: its window [T0, T0 + TW) of TIME steps. */
  static final int IN = 6;
  static final int TIME = 12;
  static final int T0 = 4;
  static final int TW = 8;

  static RecurrentQSpec spec(String core) {
    return new RecurrentQSpec(5, 3, List.of(16), core, HIDDEN, 16);
  }

  static List<String> cores() {
    return RecurrentCores.names();
  }

  @ParameterizedTest
  @MethodSource("cores")
  void actorKernelGivesIdenticalBitsColdInTheInterpreterAndHotAfterC2(String core) throws Exception {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    RecurrentQSpec spec = spec(core);
    List<String> firstInThisJvm = replay(spec, BatchOps.best());

    RecurrentQKernel warm = new RecurrentQKernel(spec, BATCH, BatchOps.best());
    warm.load(snapshot(spec));
    Random r = new Random(5);
    float[] obs = new float[BATCH * spec.obsSize()];
    int[] prevA = new int[BATCH];
    float[] prevR = new float[BATCH];
    for (int i = 0; i < 20_000; i++) {
      for (int k = 0; k < obs.length; k++) {
        obs[k] = (float) (r.nextGaussian() * 3);
      }
      for (int e = 0; e < BATCH; e++) {
        prevA[e] = r.nextInt(spec.numActions() + 1) - 1;
        prevR[e] = (float) r.nextGaussian();
      }
      warm.step(obs, prevA, prevR);
      if (i % 500 == 0) {
        warm.resetAllStates();
      }
    }
    List<String> hot = replay(spec, BatchOps.best());
    List<String> cold = replayInFreshInterpretedJvm(core, "kernel", STEPS);

    assertEquals(STEPS, hot.size(), "hot replay steps");
    for (int t = 0; t < STEPS; t++) {
      assertSameBits(cold.get(t), hot.get(t), core + " step " + t + ", cold (-Xint JVM) vs hot (after 20k steps)");
      assertSameBits(firstInThisJvm.get(t), hot.get(t), core + " step " + t + ", first replay in this JVM vs hot");
    }
  }

  @ParameterizedTest
  @MethodSource("cores")
  void trainingFormGivesIdenticalBitsColdInTheInterpreterAndHotAfterC2(String core) throws Exception {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    List<String> firstInThisJvm = trainingReplay(core);
    for (int i = 0; i < 1500; i++) {
      trainingReplay(core);
    }
    List<String> hot = trainingReplay(core);
    List<String> cold = replayInFreshInterpretedJvm(core, "training", hot.size());
    for (int t = 0; t < hot.size(); t++) {
      assertSameBits(cold.get(t), hot.get(t), core + " training line " + t + " (states per step, then gradient"
          + " and dX), cold (-Xint JVM) vs hot (after 1500 passes)");
      assertSameBits(firstInThisJvm.get(t), hot.get(t), core + " training line " + t + ", first in this JVM vs hot");
    }
  }

  /** Fails naming the first differing float and how many differ. */
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
          + " (kernel tokens: Q-values, '|', then each env's state)");
    }
  }

  static ParamSnapshot snapshot(RecurrentQSpec spec) {
    return KernelFixtures.randomSnapshot(spec, 17, 2.0, 1);
  }

  /**
   * The fixed episode: per step one line with the raw bits of every Q-value and state float. Large
   * observations and gain 2 push gates into saturation, where exp implementations differ most.
   */
  static List<String> replay(RecurrentQSpec spec, BatchOps ops) {
    RecurrentQKernel k = new RecurrentQKernel(spec, BATCH, ops);
    k.load(snapshot(spec));
    Random r = new Random(99);
    float[] obs = new float[BATCH * spec.obsSize()];
    int[] prevA = new int[BATCH];
    float[] prevR = new float[BATCH];
    java.util.Arrays.fill(prevA, -1);
    float[] state = new float[spec.stateSize()];
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
        bits(sb, state);
        prevA[e] = r.nextInt(spec.numActions());
        prevR[e] = (float) r.nextGaussian();
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  /**
   * A seeded pass of the core's training form on the Vector API: one line per step with every state, then
   * one with the parameter gradient of the window (dLoss/dFinalState included) and one with dX.
   */
  static List<String> trainingReplay(String name) {
    RecurrentCore core = RecurrentCores.create(name, IN, HIDDEN);
    float[] p = new float[core.paramCount()];
    core.initialize(p, 0, new SplittableRandom(31));
    Random r = new Random(32);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.3);
    }
    CoreTraining tr = core.training(BatchOps.best());
    tr.load(p, 0);
    CoreTraining.Pass pass = tr.newPass(BATCH, TIME);
    int s = core.stateSize();
    float[] x = gaussian(r, BATCH * TIME * IN, 3);
    pass.forward(x, 0, IN, gaussian(r, BATCH * s, 0.5), 0);
    List<String> lines = new ArrayList<>();
    float[] state = new float[s];
    for (int t = 0; t < TIME; t++) {
      StringBuilder sb = new StringBuilder();
      for (int b = 0; b < BATCH; b++) {
        pass.copyState(t, b, state, 0);
        bits(sb, state);
      }
      lines.add(sb.toString().trim());
    }
    float[] grad = new float[p.length];
    int lddx = PackedMatrix.paddedCols(IN, BatchOps.best().lanes()); // the product writes padded rows
    float[] dX = new float[BATCH * TW * lddx];
    pass.backward(T0, TW, gaussian(r, BATCH * TW * HIDDEN, 1), 0, HIDDEN, gaussian(r, BATCH * s, 1), dX, 0, lddx,
        grad, 0);
    lines.add(bits(new StringBuilder(), grad).toString().trim());
    lines.add(bits(new StringBuilder(), dX).toString().trim());
    return lines;
  }

  private static float[] gaussian(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale);
    }
    return a;
  }

  private static StringBuilder bits(StringBuilder sb, float[] v) {
    for (float f : v) {
      sb.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(f)));
    }
    return sb;
  }

  private static List<String> replayInFreshInterpretedJvm(String core, String face, int lines)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), ColdReplay.class.getName(), core, face);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint replay JVM did not finish in 120 s");
    assertEquals(0, p.exitValue(), "the -Xint replay JVM failed; its output: " + out);
    List<String> got = out.lines().filter(l -> l.startsWith("> ")).map(l -> l.substring(2)).toList();
    assertEquals(lines, got.size(), "lines from the -Xint replay JVM; its output: " + out);
    return got;
  }

  /** Entry point of the cold replay: a fresh JVM, run with {@code -Xint}; args: core name, kernel|training. */
  static final class ColdReplay {
    public static void main(String[] args) {
      if (!BatchOps.vectorApiAvailable()) {
        throw new IllegalStateException("the cold replay needs jdk.incubator.vector");
      }
      List<String> lines = args[1].equals("kernel") ? replay(spec(args[0]), BatchOps.best())
          : trainingReplay(args[0]);
      for (String line : lines) {
        System.out.println("> " + line);
      }
    }
  }
}
