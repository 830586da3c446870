package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RecurrentQKernelTest {

  private static final double TOL = 1e-5;

  /** Paper-like sizes, and odd sizes that exercise every SIMD tail and row-remainder path. */
  private static final RecurrentQSpec PAPERISH = new RecurrentQSpec(16, 4, List.of(64), 128, 64);
  private static final RecurrentQSpec ODD = new RecurrentQSpec(5, 3, List.of(19, 11), 13, 7);
  private static final RecurrentQSpec NO_ENCODER = new RecurrentQSpec(7, 2, List.of(), 33, 17);

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      b.add(Arguments.of(ops, PAPERISH, 1));
      b.add(Arguments.of(ops, PAPERISH, 13)); // 8-row, 4-row and 1-row tiles
      b.add(Arguments.of(ops, ODD, 9));
      b.add(Arguments.of(ops, NO_ENCODER, 4));
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} batch {2}")
  @MethodSource("cases")
  void kernelMatchesDoublePrecisionReferenceOver250StepsWithMidEpisodeResets(BatchOps ops,
      RecurrentQSpec spec, int batch) {
    ParamSnapshot snap = KernelFixtures.randomSnapshot(spec, 11 + batch, 1.5, 3);
    RecurrentQKernel kernel = new RecurrentQKernel(spec, batch, ops);
    kernel.load(snap);
    ReferenceRecurrentQ ref = new ReferenceRecurrentQ(spec, snap.params());
    int hs = spec.coreSize();
    int ss = spec.stateSize();
    assertEquals(2 * hs, ss, "the LSTM core's state row is [h | c]");
    assertEquals(ss, kernel.stateSize(), "kernel state width");
    int a = spec.numActions();
    double[][] rs = new double[batch][ss];
    float[] obs = new float[batch * spec.obsSize()];
    int[] prevA = new int[batch];
    float[] prevR = new float[batch];
    float[] ks = new float[ss];
    Random rng = new Random(batch * 31L + hs);
    int resets = 0;
    for (int t = 0; t < 250; t++) {
      for (int e = 0; e < batch; e++) {
        if (t > 0 && rng.nextDouble() < 0.02) {
          kernel.resetState(e);
          java.util.Arrays.fill(rs[e], 0.0);
          prevA[e] = -1;
          prevR[e] = 0f;
          resets++;
        } else {
          prevA[e] = t == 0 ? -1 : rng.nextInt(a);
          prevR[e] = (float) (rng.nextGaussian() * 2);
        }
        for (int i = 0; i < spec.obsSize(); i++) {
          obs[e * spec.obsSize() + i] = (float) rng.nextGaussian();
        }
      }
      kernel.step(obs, prevA, prevR);
      for (int e = 0; e < batch; e++) {
        float[] o = java.util.Arrays.copyOfRange(obs, e * spec.obsSize(), (e + 1) * spec.obsSize());
        double[] rq = ref.step(o, prevA[e], prevR[e], rs[e]);
        for (int j = 0; j < a; j++) {
          assertClose(rq[j], kernel.q(e, j), "Q", e, j, t);
        }
        kernel.copyState(e, ks, 0);
        for (int j = 0; j < hs; j++) {
          assertClose(rs[e][j], ks[j], "h", e, j, t);
          assertClose(rs[e][hs + j], ks[hs + j], "c", e, j, t);
        }
      }
    }
    assertTrue(resets > 0, "the unroll should include mid-episode resets");
  }

  /** Fails naming {@code what[env, index]} at {@code step} (message built only on failure). */
  private static void assertClose(double expected, float actual, String what, int env, int index,
      int step) {
    double err = Math.abs(expected - actual);
    if (!(err <= TOL * Math.max(1.0, Math.abs(expected)))) {
      fail(what + "[env " + env + ", " + index + "] at step " + step + ": kernel " + actual
          + " vs reference " + expected + " (error " + err + ")");
    }
  }

  @Test
  void stateBeforeStepIsTheStateThatFedIt() {
    RecurrentQKernel kernel = new RecurrentQKernel(ODD, 3);
    kernel.load(KernelFixtures.randomSnapshot(ODD, 5, 1.5, 0));
    float[] obs = new float[3 * ODD.obsSize()];
    int[] prevA = {-1, 0, 2};
    float[] prevR = {0f, 1f, -1f};
    java.util.Arrays.fill(obs, 0.3f);
    kernel.step(obs, prevA, prevR);
    int hs = ODD.coreSize();
    int ss = ODD.stateSize();
    float[] s1 = new float[ss];
    kernel.copyState(1, s1, 0);
    kernel.step(obs, prevA, prevR);
    float[] sb = new float[ss];
    kernel.copyStateBefore(1, sb, 0);
    assertArrayEquals(h(s1, hs), h(sb, hs), "h before step 2 must be h after step 1");
    assertArrayEquals(c(s1, hs), c(sb, hs), "c before step 2 must be c after step 1");
    float[] s2 = new float[ss];
    kernel.copyState(1, s2, 0);
    assertNotEquals(s1[0], s2[0], "the step must have moved the state on");
  }

  @Test
  void resetZeroesOnlyThatEnvsStateAndKeepsTheStateBeforeTheStep() {
    RecurrentQKernel kernel = new RecurrentQKernel(ODD, 2);
    kernel.load(KernelFixtures.randomSnapshot(ODD, 6, 1.5, 0));
    float[] obs = new float[2 * ODD.obsSize()];
    java.util.Arrays.fill(obs, 0.7f);
    kernel.step(obs, new int[] {-1, -1}, new float[2]);
    kernel.step(obs, new int[] {1, 1}, new float[] {1f, 1f});
    int hs = ODD.coreSize();
    int ss = ODD.stateSize();
    float[] before = new float[ss];
    kernel.copyStateBefore(0, before, 0);
    kernel.resetState(0);
    float[] s0 = new float[ss];
    kernel.copyState(0, s0, 0);
    assertArrayEquals(new float[hs], h(s0, hs), "reset env 0: h must be zero");
    assertArrayEquals(new float[hs], c(s0, hs), "reset env 0: c must be zero");
    float[] s1 = new float[ss];
    kernel.copyState(1, s1, 0);
    assertNotEquals(0f, s1[0], "env 1 must keep its state");
    float[] beforeAfterReset = new float[ss];
    kernel.copyStateBefore(0, beforeAfterReset, 0);
    assertArrayEquals(before, beforeAfterReset, "reset must not touch the state before the last step");
  }

  @Test
  void setStateThenStepMatchesTheReferenceFromThatState() {
    RecurrentQKernel kernel = new RecurrentQKernel(NO_ENCODER, 1);
    ParamSnapshot snap = KernelFixtures.randomSnapshot(NO_ENCODER, 8, 1.5, 0);
    kernel.load(snap);
    Random rng = new Random(3);
    int hs = NO_ENCODER.coreSize();
    float[] s = new float[NO_ENCODER.stateSize()]; // [h | c]
    double[] rs = new double[s.length];
    for (int j = 0; j < hs; j++) {
      s[j] = (float) Math.tanh(rng.nextGaussian());
      s[hs + j] = (float) rng.nextGaussian();
      rs[j] = s[j];
      rs[hs + j] = s[hs + j];
    }
    kernel.setState(0, s, 0);
    float[] obs = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f};
    kernel.step(obs, new int[] {1}, new float[] {0.5f});
    double[] rq = new ReferenceRecurrentQ(NO_ENCODER, snap.params()).step(obs, 1, 0.5f, rs);
    for (int j = 0; j < 2; j++) {
      assertClose(rq[j], kernel.q(0, j), "Q from a set state", 0, j, 0);
    }
  }

  /** The h part (first {@code hs} floats) of an LSTM state row {@code [h | c]}. */
  private static float[] h(float[] state, int hs) {
    return java.util.Arrays.copyOfRange(state, 0, hs);
  }

  /** The c part (floats {@code [hs, 2 hs)}) of an LSTM state row {@code [h | c]}. */
  private static float[] c(float[] state, int hs) {
    return java.util.Arrays.copyOfRange(state, hs, 2 * hs);
  }

  /** A kernel loaded with snapshot 1 and its loop: 300 steps with a reload (snapshot 2), resets and selection. */
  private record AllocationCase(RecurrentQKernel kernel, Runnable loop) {}

  private static AllocationCase allocationCase() {
    int batch = 16;
    RecurrentQKernel kernel = new RecurrentQKernel(PAPERISH, batch);
    ParamSnapshot s1 = KernelFixtures.randomSnapshot(PAPERISH, 1, 1.0, 1);
    ParamSnapshot s2 = KernelFixtures.randomSnapshot(PAPERISH, 2, 1.0, 2);
    EpsilonGreedy policy = EpsilonGreedy.apeX(batch, PAPERISH.numActions(), 9);
    float[] obs = new float[batch * PAPERISH.obsSize()];
    int[] actions = new int[batch];
    float[] rewards = new float[batch];
    float[] sb = new float[PAPERISH.stateSize()];
    java.util.Arrays.fill(actions, -1);
    kernel.load(s1);
    Runnable loop = () -> {
      for (int t = 0; t < 300; t++) {
        if (t == 150) {
          kernel.load(t % 2 == 0 ? s2 : s1);
        }
        if (t % 50 == 0) {
          kernel.resetState(t % batch);
        }
        kernel.step(obs, actions, rewards);
        kernel.copyStateBefore(t % batch, sb, 0);
        policy.select(kernel.qValues(), actions);
      }
    };
    return new AllocationCase(kernel, loop);
  }

  /** The fresh JVM's loop (FreshJvmAllocation calls it by name). */
  private static Runnable allocationLoop() {
    return allocationCase().loop();
  }

  /**
   * 300 steps with a reload, resets and selection allocate nothing once compiled, measured in a fresh JVM ({@link
   * dev.mnemo.agents.transformer.FreshJvmAllocation}): in the test JVM, what earlier tests compiled decides it (after
   * the Transformer blocks' tests an in-JVM check saw 37 MB per run: VectorOps' tiles boxing their vectors after a
   * deoptimisation, as for the other kernels' checks).
   */
  @Test
  void stepAndReloadAllocateNothingAfterWarmUp() throws Exception {
    assertEquals(0L, dev.mnemo.agents.transformer.FreshJvmAllocation.bytesPerRun(RecurrentQKernelTest.class,
        "allocationLoop", 30, 2000), "bytes allocated by 300 steps with a reload, resets and selection");
    AllocationCase c = allocationCase();
    c.loop().run();
    assertEquals(2L, c.kernel().paramVersion(), "version of the snapshot loaded last");
  }

  @Test
  void snapshotOfTheWrongSizeFailsNamingBothSizes() {
    RecurrentQKernel kernel = new RecurrentQKernel(PAPERISH, 2);
    int n = PAPERISH.paramCount();
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> kernel.load(new ParamSnapshot(new float[n - 1], 4)));
    assertTrue(ex.getMessage().contains(String.valueOf(n - 1)) && ex.getMessage().contains(
        String.valueOf(n)), "message should name the sizes: " + ex.getMessage());
  }

  @Test
  void stepBeforeLoadAndOutOfRangePreviousActionFailLoudly() {
    RecurrentQKernel kernel = new RecurrentQKernel(ODD, 2);
    float[] obs = new float[2 * ODD.obsSize()];
    IllegalStateException notLoaded = assertThrows(IllegalStateException.class,
        () -> kernel.step(obs, new int[] {-1, -1}, new float[2]));
    assertTrue(notLoaded.getMessage().contains("load"), notLoaded.getMessage());
    kernel.load(KernelFixtures.randomSnapshot(ODD, 1, 1.0, 0));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> kernel.step(obs, new int[] {0, 3}, new float[2]));
    assertTrue(bad.getMessage().contains("prevAction[1] = 3"), bad.getMessage());
    IllegalArgumentException shortObs = assertThrows(IllegalArgumentException.class,
        () -> kernel.step(new float[3], new int[] {0, 0}, new float[2]));
    assertTrue(shortObs.getMessage().contains("obs=3"), shortObs.getMessage());
  }

  @Test
  void reloadingASnapshotReplacesEveryWeight() {
    // Loading s2 over s1 must give exactly what a fresh kernel on s2 gives: no stale packed block.
    RecurrentQKernel reloaded = new RecurrentQKernel(ODD, 5);
    RecurrentQKernel fresh = new RecurrentQKernel(ODD, 5);
    reloaded.load(KernelFixtures.randomSnapshot(ODD, 1, 1.0, 0));
    ParamSnapshot s2 = KernelFixtures.randomSnapshot(ODD, 2, 1.0, 1);
    reloaded.load(s2);
    fresh.load(s2);
    float[] obs = new float[5 * ODD.obsSize()];
    java.util.Arrays.fill(obs, -0.4f);
    int[] prevA = {-1, 0, 1, 2, -1};
    float[] prevR = {0f, 1f, 2f, 3f, 4f};
    reloaded.step(obs, prevA, prevR);
    fresh.step(obs, prevA, prevR);
    assertArrayEquals(fresh.qValues(), reloaded.qValues(), 0f, "Q after reload vs fresh kernel");
  }
}
