package dev.mnemo.rl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** An RL4J MDP (here a Mnemo env behind {@link EnvMdp}) stepped as a Mnemo {@link Env}. */
class MdpEnvTest {

  @Test
  void envBehindMdpBehindEnvReproducesTheOriginalIncludingTruncations() {
    String id = "tmaze?length=3&maxSteps=6";
    long seed = 21;
    Env original = EnvRegistry.make(id);
    MdpEnv wrapped = new MdpEnv("rl4j:" + id, EnvMdp.of(id, seed), 6);
    assertArrayEquals(original.spec().obsShape(), wrapped.spec().obsShape());
    assertEquals(original.spec().numActions(), wrapped.spec().numActions());
    SplittableRandom rng = new SplittableRandom(1);
    long episode = 0;
    int truncations = 0;
    // The MDP cannot take a seed: the episodes follow EnvMdp's own seed stream, whatever reset(seed) says.
    assertArrayEquals(original.reset(Seeds.episodeSeed(seed, 0, episode++)).obs, wrapped.reset(999).obs);
    for (int t = 0; t < 300; t++) {
      int a = rng.nextInt(4);
      Step o = original.step(a);
      Step w = wrapped.step(a);
      assertArrayEquals(o.obs, w.obs, "step " + t + ": observation");
      assertEquals(o.reward, w.reward, "step " + t + ": reward");
      assertEquals(o.terminated, w.terminated, "step " + t + ": terminated");
      assertEquals(o.truncated, w.truncated, "step " + t + ": truncated (read from the reply's info)");
      if (o.done()) {
        truncations += o.truncated ? 1 : 0;
        assertArrayEquals(original.reset(Seeds.episodeSeed(seed, 0, episode++)).obs, wrapped.reset(0).obs);
      }
    }
    assertTrue(truncations > 0, "the run must contain time-limit truncations");
    wrapped.close();
  }

  @Test
  void steppingBeforeResetAndBadActionsThrowLikeEveryEnv() {
    MdpEnv env = new MdpEnv("rl4j:cartpole", EnvMdp.of("cartpole", 0), 500);
    String m = assertThrows(IllegalStateException.class, () -> env.step(0)).getMessage();
    assertTrue(m.contains("rl4j:cartpole") && m.contains("reset(seed) first"), m);
    env.reset(0);
    m = assertThrows(IllegalArgumentException.class, () -> env.step(-1)).getMessage();
    assertTrue(m.contains("action -1 out of range [0, 2)"), m);
  }
}
