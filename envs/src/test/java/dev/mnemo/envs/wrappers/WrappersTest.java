package dev.mnemo.envs.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.classic.TMaze;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WrappersTest {

  private static Env maze(int length) {
    return new TMaze("tmaze", length, 1000);
  }

  @Test
  void timeLimitTruncatesExactlyAtTheLimit() {
    TimeLimit env = new TimeLimit(maze(10), 5);
    assertEquals(5, env.spec().maxEpisodeSteps(), "spec reports the tighter bound");
    env.reset(1);
    for (int t = 1; t <= 4; t++) {
      Step s = env.step(TMaze.WEST); // bumping at the start never ends the episode
      assertFalse(s.done(), "done early at step " + t);
    }
    Step s = env.step(TMaze.WEST);
    assertTrue(s.truncated, "truncated at step 5");
    assertFalse(s.terminated, "a time limit is not a terminal state");
    assertEquals(TMaze.PENALTY, s.reward, "the inner reward passes through");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(TMaze.WEST));
    assertTrue(e.getMessage().contains("after the episode ended"), e.getMessage());
    env.reset(2);
    assertFalse(env.step(TMaze.EAST).done(), "the counter restarts at reset");
  }

  @Test
  void terminationOnTheLimitStepIsNotTruncation() {
    TimeLimit env = new TimeLimit(maze(1), 2);
    env.reset(3);
    env.step(TMaze.EAST);
    Step s = env.step(TMaze.NORTH);
    assertTrue(s.terminated);
    assertFalse(s.truncated, "terminated on the limit step must stay a termination only");
    assertThrows(IllegalArgumentException.class, () -> new TimeLimit(maze(1), 0));
    assertEquals(3, new TimeLimit(new TimeLimit(maze(1), 3), 8).spec().maxEpisodeSteps());
  }

  @Test
  void prevActionRewardAppendsOneHotActionAndReward() {
    PrevActionReward env = new PrevActionReward(maze(2));
    assertEquals(3 + 4 + 1, env.spec().obsSize());
    float[] first = env.reset(4).obs.clone();
    assertArrayEquals(new float[] {0, 0, 0, 0, 0}, Arrays.copyOfRange(first, 3, 8),
        "no previous action or reward at reset");
    Step s = env.step(TMaze.WEST); // bump: -0.1
    assertArrayEquals(new float[] {0, 0, 0, 1, -0.1f}, Arrays.copyOfRange(s.obs, 3, 8),
        "one-hot WEST and the reward just received");
    assertArrayEquals(new float[] {1, 0, 1}, Arrays.copyOfRange(s.obs, 0, 3), "inner obs first");
    s = env.step(TMaze.EAST);
    assertArrayEquals(new float[] {0, 1, 0, 0, 0}, Arrays.copyOfRange(s.obs, 3, 8));
  }

  @Test
  void observationNoiseIsSeededAndHasTheRequestedSpread() {
    Env clean = maze(1000);
    ObservationNoise noisy = new ObservationNoise(maze(1000), 0.3);
    ObservationNoise again = new ObservationNoise(maze(1000), 0.3);
    float[] a = noisy.reset(7).obs.clone();
    float[] b = again.reset(7).obs.clone();
    assertArrayEquals(a, b, "same seed, same noise");
    assertNotEquals(Arrays.toString(a), Arrays.toString(noisy.reset(8).obs), "other seed, other noise");
    noisy.reset(9);
    clean.reset(9);
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (int t = 0; t < 900; t++) {
      float[] o = noisy.step(TMaze.EAST).obs;
      float[] c = clean.step(TMaze.EAST).obs;
      for (int i = 0; i < 3; i++) {
        double d = o[i] - c[i];
        sum += d;
        sq += d * d;
        n++;
      }
    }
    assertEquals(0, sum / n, 0.03, "noise mean");
    assertEquals(0.3, Math.sqrt(sq / n), 0.02, "noise std");
    assertThrows(IllegalArgumentException.class, () -> new ObservationNoise(maze(1), -0.1));
    assertThrows(IllegalArgumentException.class, () -> new ObservationNoise(maze(1), Double.NaN));
  }

  @Test
  void wrappersKeepCheckingActions() {
    Env env = new PrevActionReward(new TimeLimit(EnvRegistry.make("cartpole"), 10));
    env.reset(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(2));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> new TimeLimit(EnvRegistry.make("cartpole"), 10).step(0), "step before reset");
  }
}
