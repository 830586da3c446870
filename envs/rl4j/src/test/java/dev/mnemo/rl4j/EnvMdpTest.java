package dev.mnemo.rl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.gym.StepReply;
import org.deeplearning4j.rl4j.mdp.MDP;
import org.deeplearning4j.rl4j.space.Box;
import org.deeplearning4j.rl4j.space.DiscreteSpace;
import org.junit.jupiter.api.Test;

/** Mnemo envs driven through RL4J's {@link MDP} interface (rl4j-api M1.1 on ND4J M2.1). */
class EnvMdpTest {

  private static float[] floats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** The MDP's trajectory equals the env's stepped in-process with the documented episode seeds. */
  private static int[] compare(String id, long seed, int steps) {
    MDP<Box, Integer, DiscreteSpace> mdp = EnvMdp.of(id, seed);
    Env env = EnvRegistry.make(id);
    assertArrayEquals(env.spec().obsShape(), mdp.getObservationSpace().getShape(), id + ": observation shape");
    assertEquals(env.spec().numActions(), mdp.getActionSpace().getSize(), id + ": actions");
    assertTrue(mdp.isDone(), "no episode before the first reset");
    SplittableRandom rng = new SplittableRandom(seed);
    long episode = 0;
    int[] ends = new int[2];
    assertArrayEquals(env.reset(Seeds.episodeSeed(seed, 0, episode++)).obs, floats(mdp.reset().toArray()),
        id + ": first observation");
    for (int t = 0; t < steps; t++) {
      int a = rng.nextInt(env.spec().numActions());
      Step s = env.step(a);
      StepReply<Box> r = mdp.step(a);
      assertArrayEquals(s.obs, floats(r.getObservation().toArray()), id + " step " + t + ": observation");
      assertEquals(s.reward, (float) r.getReward(), id + " step " + t + ": reward");
      assertEquals(s.done(), r.isDone(), id + " step " + t + ": done");
      assertEquals(s.done(), mdp.isDone(), id + " step " + t + ": isDone()");
      assertEquals(Map.of("terminated", s.terminated, "truncated", s.truncated), r.getInfo(),
          id + " step " + t + ": info carries the two ways an episode ends");
      if (s.done()) {
        ends[s.terminated ? 0 : 1]++;
        assertArrayEquals(env.reset(Seeds.episodeSeed(seed, 0, episode++)).obs, floats(mdp.reset().toArray()),
            id + " step " + t + ": next episode's first observation");
      }
    }
    mdp.close();
    return ends;
  }

  @Test
  void tMazeThroughTheMdpInterfaceMatchesTheEnvStepForStep() {
    int[] ends = compare("tmaze?length=3&maxSteps=6", 4, 300);
    assertTrue(ends[0] > 0 && ends[1] > 0, "both episode ends must occur: " + ends[0] + " terminated, "
        + ends[1] + " truncated");
  }

  @Test
  void realValuedObservationsPassThroughBoxUnchanged() {
    compare("cartpole?maxSteps=40", 9, 200);
    compare("popgym/RepeatPrevious-Easy", 2, 100);
  }

  @Test
  void newInstanceIsAnIndependentCopyReplayingTheSameEpisodes() {
    EnvMdp a = EnvMdp.of("popgym/CountRecall-Easy", 17);
    EnvMdp b = a.newInstance();
    assertNotSame(a, b);
    double[] first = a.reset().toArray();
    a.step(1);
    a.step(0);
    assertArrayEquals(first, b.reset().toArray(), "the copy starts with episode 0 of the same seed");
    assertFalse(b.isDone());
  }

  @Test
  void randomActionsAreInRangeAndSeeded() {
    DiscreteSpace s1 = EnvMdp.of("tmaze", 5).getActionSpace();
    DiscreteSpace s2 = EnvMdp.of("tmaze", 5).getActionSpace();
    int[] counts = new int[4];
    for (int i = 0; i < 400; i++) {
      int a = s1.randomAction();
      assertEquals(a, (int) s2.randomAction(), "same seed, same random actions (draw " + i + ")");
      counts[a]++;
    }
    for (int c : counts) {
      assertTrue(c > 50, "every one of the 4 actions is drawn: " + java.util.Arrays.toString(counts));
    }
  }

  @Test
  void badActionsAndSteppingPastTheEndFailNamingTheEnv() {
    EnvMdp mdp = EnvMdp.of("bandit?arms=2&pulls=1", 0);
    mdp.reset();
    String m = assertThrows(IllegalArgumentException.class, () -> mdp.step(2)).getMessage();
    assertTrue(m.contains("bandit?arms=2&pulls=1") && m.contains("action 2 out of range [0, 2)"), m);
    assertTrue(mdp.step(0).isDone(), "a one-pull trial ends at once");
    m = assertThrows(IllegalStateException.class, () -> mdp.step(0)).getMessage();
    assertTrue(m.contains("call reset(seed) first"), m);
    m = assertThrows(IllegalArgumentException.class, () -> mdp.step(null)).getMessage();
    assertTrue(m.contains("must not be null"), m);
  }
}
