package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.wrappers.ObservationNoise;
import dev.mnemo.envs.wrappers.PrevActionReward;
import dev.mnemo.envs.wrappers.TimeLimit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Env#stepInto} (what {@link VectorEnv} steps its copies with: the observation written straight into the
 * batch row, branch-free rules in some envs) gives the transitions of {@link Env#step}, bit for bit, and the
 * vector env built on it gives what the hand loop over {@code step} and {@link Seeds#episodeSeed} it replaced
 * gives: observations, rewards, flags, final observations, episode statistics and seeds, over many episodes.
 */
class VectorEnvInPlaceTest {

  /** Every registered env with its defaults, and the wrappers (Wrapper.stepInto over onStep and a copy). */
  private static List<Supplier<Env>> allEnvs() {
    List<Supplier<Env>> envs = new ArrayList<>();
    for (EnvInfo info : EnvRegistry.list()) {
      envs.add(() -> EnvRegistry.make(info.id()));
    }
    envs.add(() -> new TimeLimit(EnvRegistry.make("tmaze?length=4"), 7));
    envs.add(() -> new PrevActionReward(EnvRegistry.make("popgym/RepeatPrevious-Easy")));
    envs.add(() -> new ObservationNoise(EnvRegistry.make("popgym/RepeatFirst-Easy"), 0.3));
    envs.add(() -> new VectorEnvTest.Countdown(5));
    // Small mazes, so random walks reach the ends (terminal rewards) and walk back onto the start (the cue).
    envs.add(() -> EnvRegistry.make("imaze?length=1&arm=1"));
    envs.add(() -> EnvRegistry.make("imaze?length=2&arm=3"));
    envs.add(() -> EnvRegistry.make("tmaze?length=1"));
    return envs;
  }

  @Test
  void stepIntoWritesTheTransitionOfStepIntoItsRowAndNothingElse() {
    for (Supplier<Env> make : allEnvs()) {
      Env plain = make.get();
      Env inPlace = make.get();
      String id = plain.spec().id();
      int size = plain.spec().obsSize();
      int rows = 3;
      int row = 1;
      float[] obs = new float[rows * size];
      float[] rewards = new float[rows];
      boolean[] terminated = new boolean[rows];
      boolean[] truncated = new boolean[rows];
      java.util.Arrays.fill(obs, Float.NaN);
      java.util.Arrays.fill(rewards, Float.NaN);
      Rng actions = new Rng(5);
      int episodes = 0;
      long episode = 0;
      plain.reset(Seeds.episodeSeed(3, 0, episode));
      inPlace.reset(Seeds.episodeSeed(3, 0, episode));
      for (int t = 0; t < 5_000 && episodes < 6; t++) {
        int a = actions.nextInt(plain.spec().numActions());
        Step s = plain.step(a);
        boolean done = inPlace.stepInto(a, row, obs, rewards, terminated, truncated);
        String at = id + " step " + t + " of episode " + episode;
        for (int k = 0; k < size; k++) {
          assertEquals(Float.floatToRawIntBits(s.obs[k]), Float.floatToRawIntBits(obs[row * size + k]),
              at + ": observation " + k);
        }
        assertEquals(Float.floatToRawIntBits(s.reward), Float.floatToRawIntBits(rewards[row]), at + ": reward");
        assertEquals(s.terminated, terminated[row], at + ": terminated");
        assertEquals(s.truncated, truncated[row], at + ": truncated");
        assertEquals(s.done(), done, at + ": return value");
        for (int other : new int[] {0, 2}) {
          for (int k = 0; k < size; k++) {
            assertTrue(Float.isNaN(obs[other * size + k]), at + ": row " + other + " written");
          }
          assertTrue(Float.isNaN(rewards[other]) && !terminated[other] && !truncated[other],
              at + ": row " + other + " written");
        }
        if (done) {
          episodes++;
          episode++;
          plain.reset(Seeds.episodeSeed(3, 0, episode));
          inPlace.reset(Seeds.episodeSeed(3, 0, episode));
        }
      }
      assertTrue(episodes >= 2, id + ": the comparison should cross episode ends, saw " + episodes);
    }
  }

  @Test
  void vectorEnvGivesWhatAHandLoopOverStepWithEpisodeSeedsGives() {
    long seed = 17;
    int n = 5;
    for (Supplier<Env> make : allEnvs()) {
      VectorEnv v = new VectorEnv(i -> make.get(), n, seed);
      String id = v.spec().id();
      int size = v.spec().obsSize();
      int numActions = v.spec().numActions();
      Env[] hand = new Env[n];
      long[] episode = new long[n];
      double[] ret = new double[n];
      int[] len = new int[n];
      float[] handObs = new float[n * size];
      for (int i = 0; i < n; i++) {
        hand[i] = make.get();
        System.arraycopy(hand[i].reset(Seeds.episodeSeed(seed, i, 0)).obs, 0, handObs, i * size, size);
      }
      float[] obs = new float[n * size];
      float[] rewards = new float[n];
      boolean[] terminated = new boolean[n];
      boolean[] truncated = new boolean[n];
      int[] actions = new int[n];
      v.reset(obs);
      assertArrayEquals(handObs, obs, id + ": first observations");
      Rng pick = new Rng(9);
      for (int t = 0; t < 4_000 && min(episode) < 3; t++) {
        for (int i = 0; i < n; i++) {
          actions[i] = pick.nextInt(numActions);
        }
        v.step(actions, obs, rewards, terminated, truncated);
        for (int i = 0; i < n; i++) {
          String at = id + " step " + t + " copy " + i;
          Step s = hand[i].step(actions[i]);
          ret[i] += s.reward;
          len[i]++;
          assertEquals(Float.floatToRawIntBits(s.reward), Float.floatToRawIntBits(rewards[i]), at + ": reward");
          assertEquals(s.terminated, terminated[i], at + ": terminated");
          assertEquals(s.truncated, truncated[i], at + ": truncated");
          if (s.done()) {
            assertArrayEquals(s.obs, java.util.Arrays.copyOfRange(v.finalObs(), i * size, (i + 1) * size),
                at + ": final observation");
            assertEquals(ret[i], v.lastEpisodeReturn(i), at + ": episode return");
            assertEquals(len[i], v.lastEpisodeLength(i), at + ": episode length");
            s = hand[i].reset(Seeds.episodeSeed(seed, i, ++episode[i]));
            ret[i] = 0;
            len[i] = 0;
          }
          assertArrayEquals(s.obs, java.util.Arrays.copyOfRange(obs, i * size, (i + 1) * size),
              at + ": observation (the next episode's first after an end)");
          assertEquals(episode[i], v.completedEpisodes(i), at + ": completed episodes");
          assertEquals(len[i], v.currentEpisodeLength(i), at + ": current episode length");
          assertEquals(ret[i], v.currentEpisodeReturn(i), at + ": current episode return");
        }
      }
      assertTrue(min(episode) >= 2, id + ": every copy should end episodes, the fewest ended " + min(episode));
    }
  }

  /** Episodes of 1 to 120 steps, drawn at reset; reward and observation depend on the seed and the actions. */
  static final class RandomLength extends BaseEnv {
    private int length;
    private float tag;

    RandomLength() {
      super(EnvSpec.flat("random-length", 2, 3, 120));
    }

    @Override
    protected void onReset(float[] obs) {
      length = 1 + rng.nextInt(120);
      tag = rng.nextInt(1 << 16);
      obs[0] = 0;
      obs[1] = tag;
    }

    @Override
    protected void onStep(int action, Step out) {
      out.reward = action + tag;
      out.terminated = t >= length;
      out.obs[0] = t;
      out.obs[1] = tag + action;
    }
  }

  private static long min(long[] v) {
    long m = Long.MAX_VALUE;
    for (long x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  /**
   * The action log is one row per step, trimmed to the oldest current episode and grown when full: copies with
   * episodes of very different lengths make it do both, and a state saved at any step must still re-play every
   * copy's current episode.
   */
  @Test
  void checkpointsReplayAcrossTheActionLogsTrimsAndGrowth() throws IOException {
    int n = 6;
    java.util.function.IntFunction<Env> factory = i -> new RandomLength();
    VectorEnv a = new VectorEnv(factory, n, 23);
    float[] obs = new float[n * 2];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    Rng pick = new Rng(4);
    List<int[]> history = new ArrayList<>();
    a.reset(obs);
    for (int t = 0; t < 400; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(3);
      }
      history.add(actions.clone());
      a.step(actions, obs, rewards, terminated, truncated);
      if (t % 37 == 0) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.writeState(new DataOutputStream(bytes));
        VectorEnv b = new VectorEnv(factory, n, 23);
        float[] obsB = new float[n * 2];
        b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), obsB);
        assertArrayEquals(obs, obsB, "observations re-played from the state saved at step " + t);
        for (int i = 0; i < n; i++) {
          assertEquals(a.currentEpisodeLength(i), b.currentEpisodeLength(i), "copy " + i + " at step " + t);
          assertEquals(a.currentEpisodeReturn(i), b.currentEpisodeReturn(i), "copy " + i + " at step " + t);
        }
        // The restored env steps on as one never saved does, through its own log's trims and growth.
        VectorEnv r = new VectorEnv(factory, n, 23);
        float[] obsR = new float[n * 2];
        float[] rewardsR = new float[n];
        boolean[] terminatedR = new boolean[n];
        boolean[] truncatedR = new boolean[n];
        r.reset(obsR);
        for (int[] past : history) {
          r.step(past, obsR, rewardsR, terminatedR, truncatedR);
        }
        Rng ahead = new Rng(t);
        int[] next = new int[n];
        for (int u = 0; u < 150; u++) {
          for (int i = 0; i < n; i++) {
            next[i] = ahead.nextInt(3);
          }
          b.step(next, obsB, rewards, terminated, truncated);
          r.step(next, obsR, rewardsR, terminatedR, truncatedR);
          String at = "restore of step " + t + ", " + u + " steps on";
          assertArrayEquals(obsR, obsB, at);
          assertArrayEquals(rewardsR, rewards, at);
          assertArrayEquals(terminatedR, terminated, at);
          assertArrayEquals(r.finalObs(), b.finalObs(), at);
          for (int i = 0; i < n; i++) {
            assertEquals(r.lastEpisodeLength(i), b.lastEpisodeLength(i), at + ", copy " + i);
            assertEquals(r.currentEpisodeLength(i), b.currentEpisodeLength(i), at + ", copy " + i);
            assertEquals(r.completedEpisodes(i), b.completedEpisodes(i), at + ", copy " + i);
          }
        }
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        b.writeState(new DataOutputStream(again));
        VectorEnv d = new VectorEnv(factory, n, 23);
        d.readState(new DataInputStream(new ByteArrayInputStream(again.toByteArray())), new float[n * 2]);
        for (int i = 0; i < n; i++) {
          assertEquals(b.currentEpisodeLength(i), d.currentEpisodeLength(i), "re-saved copy " + i);
        }
      }
    }
  }
}
