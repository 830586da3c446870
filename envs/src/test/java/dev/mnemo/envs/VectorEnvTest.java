package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.wrappers.TimeLimit;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorEnvTest {

  /**
   * Observation {@code [t, tag]} where tag identifies the episode's seed; reward = action + 1;
   * terminates after {@code length} steps.
   */
  static final class Countdown extends BaseEnv {
    private final int length;
    private float tag;

    Countdown(int length) {
      super(EnvSpec.flat("countdown", 2, 3, length));
      this.length = length;
    }

    static float tagOf(long seed) {
      return (float) (seed & 0xFFFF);
    }

    @Override
    protected void onReset(float[] obs) {
      tag = (float) (rng.nextLong() & 0xFFFF);
      obs[0] = 0;
      obs[1] = tag;
    }

    @Override
    protected void onStep(int action, Step out) {
      out.reward = action + 1;
      out.terminated = t >= length;
      out.obs[0] = t;
      out.obs[1] = tag;
    }
  }

  private static float firstTag(long seed) {
    Countdown c = new Countdown(1);
    return c.reset(seed).obs[1];
  }

  @Test
  void endedEpisodeShowsNextFirstObsAndKeepsFinalObsReturnAndLength() {
    // Two copies with 3-step episodes; action 1 pays 2, action 2 pays 3.
    VectorEnv v = new VectorEnv(i -> new Countdown(3), 2, 11);
    float[] obs = new float[4];
    float[] rew = new float[2];
    boolean[] term = new boolean[2];
    boolean[] trunc = new boolean[2];
    v.reset(obs);
    assertEquals(firstTag(Seeds.episodeSeed(11, 0, 0)), obs[1], "copy 0 episode 0 seed");
    assertEquals(firstTag(Seeds.episodeSeed(11, 1, 0)), obs[3], "copy 1 episode 0 seed");
    float oldTag0 = obs[1];
    int[] actions = {1, 2};
    v.step(actions, obs, rew, term, trunc);
    v.step(actions, obs, rew, term, trunc);
    assertFalse(term[0] || term[1], "not done after 2 of 3 steps");
    assertArrayEquals(new float[] {2, oldTag0}, Arrays.copyOfRange(obs, 0, 2), "copy 0 mid-episode");
    v.step(actions, obs, rew, term, trunc);
    assertTrue(term[0] && term[1], "both copies end at step 3");
    assertFalse(trunc[0] || trunc[1]);
    assertEquals(2f, rew[0], "reward of the last transition (action 1 pays 2)");
    assertArrayEquals(new float[] {0, firstTag(Seeds.episodeSeed(11, 0, 1))},
        Arrays.copyOfRange(obs, 0, 2), "obs row 0 must already be the next episode's first obs");
    assertArrayEquals(new float[] {3, oldTag0}, Arrays.copyOfRange(v.finalObs(), 0, 2),
        "finalObs row 0 must be the ended episode's last obs");
    assertEquals(6.0, v.lastEpisodeReturn(0), 1e-9, "return of copy 0's episode (3 steps x 2)");
    assertEquals(9.0, v.lastEpisodeReturn(1), 1e-9, "return of copy 1's episode (3 steps x 3)");
    assertEquals(3, v.lastEpisodeLength(0));
    assertEquals(1, v.completedEpisodes(0));
    assertEquals(0, v.currentEpisodeLength(0), "the new episode has taken no step yet");
    v.step(actions, obs, rew, term, trunc);
    assertEquals(1, v.currentEpisodeLength(1));
    assertEquals(3.0, v.currentEpisodeReturn(1), 1e-9);
  }

  @Test
  void truncatedCopyExposesTheObservationToBootstrapFrom() {
    VectorEnv v = new VectorEnv(i -> new TimeLimit(new Countdown(100), 4), 1, 3);
    float[] obs = new float[2];
    float[] rew = new float[1];
    boolean[] term = new boolean[1];
    boolean[] trunc = new boolean[1];
    v.reset(obs);
    for (int i = 0; i < 4; i++) {
      v.step(new int[] {0}, obs, rew, term, trunc);
    }
    assertTrue(trunc[0] && !term[0], "truncated by the time limit, not terminated");
    assertEquals(4f, v.finalObs()[0], "final obs is the one after step 4");
    assertEquals(0f, obs[0], "obs already restarted");
  }

  @Test
  void matchesStepwiseCopiesWithDerivedSeeds() {
    String id = "popgym/RepeatPrevious-Easy";
    int n = 3;
    long seed = 99;
    VectorEnv v = new VectorEnv(id, n, seed);
    Env[] ref = new Env[n];
    long[] episode = new long[n];
    int size = v.spec().obsSize();
    float[] obs = new float[n * size];
    float[] refObs = new float[n * size];
    v.reset(obs);
    for (int i = 0; i < n; i++) {
      ref[i] = EnvRegistry.make(id);
      System.arraycopy(ref[i].reset(Seeds.episodeSeed(seed, i, episode[i]++)).obs, 0, refObs, i * size, size);
    }
    assertArrayEquals(refObs, obs, "reset observations");
    Rng rng = new Rng(5);
    int[] a = new int[n];
    float[] rew = new float[n];
    boolean[] term = new boolean[n];
    boolean[] trunc = new boolean[n];
    int ends = 0;
    for (int step = 0; step < 300; step++) {
      for (int i = 0; i < n; i++) {
        a[i] = rng.nextInt(4);
      }
      v.step(a, obs, rew, term, trunc);
      for (int i = 0; i < n; i++) {
        Step s = ref[i].step(a[i]);
        assertEquals(s.reward, rew[i], "reward copy " + i + " step " + step);
        assertEquals(s.terminated, term[i], "terminated copy " + i + " step " + step);
        float[] row = s.obs;
        if (s.done()) {
          ends++;
          assertArrayEquals(row, Arrays.copyOfRange(v.finalObs(), i * size, (i + 1) * size), "final obs");
          row = ref[i].reset(Seeds.episodeSeed(seed, i, episode[i]++)).obs;
        }
        assertArrayEquals(row, Arrays.copyOfRange(obs, i * size, (i + 1) * size), "obs copy " + i);
      }
    }
    assertTrue(ends >= n * 5, "51-step episodes must have ended several times, got " + ends);
  }

  @Test
  void copiesStartFromDifferentSeeds() {
    VectorEnv v = new VectorEnv("cartpole", 4, 1);
    float[] obs = new float[16];
    v.reset(obs);
    assertNotEquals(Arrays.toString(Arrays.copyOfRange(obs, 0, 4)),
        Arrays.toString(Arrays.copyOfRange(obs, 4, 8)), "copies 0 and 1 start identically");
  }

  @Test
  void badSizesAndCallsFailLoudly() {
    assertThrows(IllegalArgumentException.class, () -> new VectorEnv("cartpole", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new VectorEnv("nope", 2, 1));
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
        () -> new VectorEnv(i -> EnvRegistry.make(i == 0 ? "cartpole" : "tmaze"), 2, 1));
    assertTrue(mixed.getMessage().contains("share one spec"), mixed.getMessage());
    VectorEnv v = new VectorEnv("cartpole", 2, 1);
    float[] obs = new float[8];
    IllegalStateException early = assertThrows(IllegalStateException.class,
        () -> v.step(new int[2], obs, new float[2], new boolean[2], new boolean[2]));
    assertTrue(early.getMessage().contains("before reset"), early.getMessage());
    IllegalArgumentException wrongObs = assertThrows(IllegalArgumentException.class,
        () -> v.reset(new float[7]));
    assertTrue(wrongObs.getMessage().contains("'obs' has length 7, expected 8"), wrongObs.getMessage());
    v.reset(obs);
    IllegalArgumentException wrongActions = assertThrows(IllegalArgumentException.class,
        () -> v.step(new int[3], obs, new float[2], new boolean[2], new boolean[2]));
    assertTrue(wrongActions.getMessage().contains("'actions' has length 3, expected 2"),
        wrongActions.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> v.step(new int[] {0, 2}, obs, new float[2], new boolean[2], new boolean[2]),
        "action 2 is out of CartPole's range");
    assertTrue(bad.getMessage().contains("action 2 of copy 1 out of range [0, 2)"), bad.getMessage());
    assertEquals(0, v.currentEpisodeLength(0), "no copy may be stepped when one action is bad");
  }

  @Test
  void rejectsNegativeAndHugeActionsWithoutSteppingOrLoggingThem() throws java.io.IOException {
    VectorEnv v = new VectorEnv("cartpole", 3, 5);
    float[] obs = new float[3 * v.spec().obsSize()];
    float[] rewards = new float[3];
    boolean[] term = new boolean[3];
    boolean[] trunc = new boolean[3];
    v.reset(obs);
    v.step(new int[] {1, 0, 1}, obs, rewards, term, trunc);
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> v.step(new int[] {0, -1, 1}, obs, rewards, term, trunc));
    assertTrue(negative.getMessage().contains("action -1 of copy 1 out of range [0, 2)"), negative.getMessage());
    IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
        () -> v.step(new int[] {0, 1, Integer.MAX_VALUE}, obs, rewards, term, trunc));
    assertTrue(huge.getMessage().contains("action 2147483647 of copy 2"), huge.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> v.step(new int[] {Integer.MIN_VALUE, 0, 0}, obs, rewards, term, trunc));
    assertEquals(1, v.currentEpisodeLength(2), "a rejected step steps no copy");
    v.step(new int[] {0, 1, 0}, obs, rewards, term, trunc);
    // The checkpoint re-plays the logged actions: the rejected rows must not be among them.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    v.writeState(new java.io.DataOutputStream(bytes));
    VectorEnv restored = new VectorEnv("cartpole", 3, 5);
    float[] restoredObs = new float[obs.length];
    restored.readState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
        restoredObs);
    assertArrayEquals(obs, restoredObs, "the restore re-plays exactly the two accepted steps");
  }

  @Test
  void steppingAllocatesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (String id : List.of("cartpole", "popgym/RepeatPrevious-Easy", "popgym/Autoencode-Easy",
        "popgym/CountRecall-Hard", "popgym/NoisyPositionOnlyCartPole-Easy", "pendulum/position-only",
        "tmaze?length=3", "bandit?arms=5&pulls=10", "mdp")) {
      int n = 16;
      VectorEnv v = new VectorEnv(id, n, 1);
      int size = v.spec().obsSize();
      int numActions = v.spec().numActions();
      float[] obs = new float[n * size];
      float[] rew = new float[n];
      boolean[] term = new boolean[n];
      boolean[] trunc = new boolean[n];
      int[] a = new int[n];
      Rng rng = new Rng(2);
      v.reset(obs);
      loop(v, rng, numActions, a, obs, rew, term, trunc, 30_000); // warm-up: JIT compiles the loop
      long before = mx.getThreadAllocatedBytes(thread);
      loop(v, rng, numActions, a, obs, rew, term, trunc, 20_000);
      long allocated = mx.getThreadAllocatedBytes(thread) - before;
      // 320,000 env steps with several thousand auto-resets; a single object per step or per
      // episode would show up as megabytes. The slack covers the MXBean call itself.
      assertTrue(allocated < 2_000, id + ": VectorEnv stepping allocated " + allocated + " bytes");
    }
  }

  private static void loop(VectorEnv v, Rng rng, int numActions, int[] a, float[] obs, float[] rew,
      boolean[] term, boolean[] trunc, int steps) {
    for (int s = 0; s < steps; s++) {
      for (int i = 0; i < a.length; i++) {
        a[i] = rng.nextInt(numActions);
      }
      v.step(a, obs, rew, term, trunc);
    }
  }
}
