package dev.mnemo.envs.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.VectorEnv;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * RL² trials stepped together ({@link MetaTrial}'s stepper over its bandits' or MDPs' own) give what each trial
 * stepped alone gives, bit for bit, also on tasks and outcomes pinned the way the paired evaluation pins them.
 * (Drawn tasks, many trials: {@code VectorEnvInPlaceTest} and {@code TrajectoryFingerprintTest}.)
 */
class MetaTrialCopiesTest {

  /** Pinned tasks: copy i's arms have probabilities and outcomes of its own, as the bandit table's tasks do. */
  private static IntFunction<Env> pinnedBandits(int arms, int pulls) {
    return i -> {
      MetaTrial m = (MetaTrial) EnvRegistry.make("bandit?arms=" + arms + "&pulls=" + pulls);
      Rng r = new Rng(500 + i);
      double[] p = new double[arms];
      double[] outcomes = new double[arms * pulls];
      for (int a = 0; a < arms; a++) {
        p[a] = r.nextDouble();
      }
      for (int k = 0; k < outcomes.length; k++) {
        outcomes[k] = r.nextDouble();
      }
      m.pinTask(t -> ((BanditEnv) t).setTask(p, outcomes, pulls));
      return m;
    };
  }

  private static void assertSameAsAlone(IntFunction<Env> make, int n, long seed, int steps) {
    VectorEnv v = new VectorEnv(make, n, seed);
    String id = v.spec().id();
    int size = v.spec().obsSize();
    Env[] alone = new Env[n];
    long[] episode = new long[n];
    for (int i = 0; i < n; i++) {
      alone[i] = make.apply(i);
      alone[i].reset(Seeds.episodeSeed(seed, i, episode[i]++));
    }
    float[] obs = new float[n * size];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    v.reset(obs);
    Rng pick = new Rng(8);
    int trials = 0;
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(v.spec().numActions());
      }
      v.step(actions, obs, rewards, terminated, truncated);
      for (int i = 0; i < n; i++) {
        String at = id + " step " + t + " copy " + i;
        Step s = alone[i].step(actions[i]);
        assertEquals(Float.floatToRawIntBits(s.reward), Float.floatToRawIntBits(rewards[i]), at + ": reward");
        assertEquals(s.terminated, terminated[i], at + ": terminated");
        assertEquals(s.truncated, truncated[i], at + ": truncated");
        if (s.done()) {
          trials++;
          assertArrayEquals(s.obs, java.util.Arrays.copyOfRange(v.finalObs(), i * size, (i + 1) * size), at);
          s = alone[i].reset(Seeds.episodeSeed(seed, i, episode[i]++));
          assertTrue(((MetaTrial) v.env(i)).trialStarted(), at + ": a new trial started");
        }
        assertArrayEquals(s.obs, java.util.Arrays.copyOfRange(obs, i * size, (i + 1) * size), at + ": obs");
        assertEquals(((MetaTrial) alone[i]).episodeInTrial(), ((MetaTrial) v.env(i)).episodeInTrial(), at);
      }
    }
    assertTrue(trials >= 2 * n, id + ": trials ended " + trials + " times");
  }

  @Test
  void banditTrialsOnPinnedTasksAndOutcomes() {
    IntFunction<Env> make = pinnedBandits(3, 7);
    Env[] copies = {make.apply(0), make.apply(1)};
    assertNotNull(copies[0].copiesStepper(copies), "bandit trials are stepped together");
    assertSameAsAlone(make, 5, 41, 60);
  }

  @Test
  void drawnBanditAndMdpTrials() {
    for (String id : new String[] {"bandit?arms=4&pulls=5", "mdp?states=3&actions=2&horizon=4&episodes=3"}) {
      Env[] copies = {EnvRegistry.make(id), EnvRegistry.make(id)};
      assertNotNull(copies[0].copiesStepper(copies), id + " trials are stepped together");
      assertSameAsAlone(i -> EnvRegistry.make(id), 4, 9, 80);
    }
  }

  @Test
  void aTrialThatCannotStepStopsAllBeforeAnyMoves() {
    Env[] copies = {EnvRegistry.make("bandit?arms=3&pulls=4"), EnvRegistry.make("bandit?arms=3&pulls=4")};
    copies[0].reset(1);
    copies[1].reset(2);
    CopiesStepper stepper = copies[0].copiesStepper(copies);
    float[] obs = new float[2 * copies[0].spec().obsSize()];
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> stepper.stepAll(new int[] {0, 3}, obs, new float[2], new boolean[2], new boolean[2]));
    assertTrue(bad.getMessage().contains("action 3 out of range"), bad.getMessage());
    // Copy 0 did not pull: alone, its first pull gives what a fresh trial of the same seed gives.
    Env fresh = EnvRegistry.make("bandit?arms=3&pulls=4");
    fresh.reset(1);
    assertArrayEquals(fresh.step(1).obs.clone(), copies[0].step(1).obs.clone());
  }

  @Test
  void trialsOfOtherShapesAreSteppedOneByOne() {
    Env[][] mixed = {
        {EnvRegistry.make("bandit?arms=3&pulls=4"), EnvRegistry.make("bandit?arms=3&pulls=5")},
        {EnvRegistry.make("bandit?arms=3&pulls=4"), EnvRegistry.make("bandit?arms=4&pulls=4")},
        {EnvRegistry.make("bandit?arms=3&pulls=4"), EnvRegistry.make("tmaze")}};
    for (Env[] copies : mixed) {
      assertNull(copies[0].copiesStepper(copies), copies[0].spec().id() + " with " + copies[1].spec().id());
    }
  }
}
