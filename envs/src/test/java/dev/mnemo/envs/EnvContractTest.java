package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Env contract, checked on every registered environment. */
class EnvContractTest {

  static Stream<String> ids() {
    return EnvRegistry.list().stream().map(EnvInfo::id);
  }

  @ParameterizedTest
  @MethodSource("ids")
  void sameSeedGivesIdenticalTrajectories(String id) {
    Env a = EnvRegistry.make(id);
    Env b = EnvRegistry.make(id);
    for (long seed = 5; seed < 8; seed++) {
      Rollouts.Episode ea = Rollouts.episode(a, seed, Rollouts.random(a.spec().numActions(), seed));
      Rollouts.Episode eb = Rollouts.episode(b, seed, Rollouts.random(b.spec().numActions(), seed));
      assertEquals(ea.length(), eb.length(), id + " episode length, seed " + seed);
      for (int t = 0; t < ea.observations().size(); t++) {
        assertArrayEquals(ea.observations().get(t), eb.observations().get(t), id + " obs at t=" + t);
      }
      assertEquals(ea.rewards(), eb.rewards(), id + " rewards, seed " + seed);
      assertEquals(ea.terminated(), eb.terminated(), id + " terminated");
    }
  }

  @ParameterizedTest
  @MethodSource("ids")
  void nothingLeaksFromOneEpisodeIntoTheNext(String id) {
    Env used = EnvRegistry.make(id);
    int n = used.spec().numActions();
    Rollouts.episode(used, 100, Rollouts.random(n, 1)); // leaves whatever state an episode leaves
    Rollouts.Episode again = Rollouts.episode(used, 42, Rollouts.random(n, 2));
    Rollouts.Episode fresh = Rollouts.episode(EnvRegistry.make(id), 42, Rollouts.random(n, 2));
    assertEquals(fresh.rewards(), again.rewards(), id + ": a used env must replay a seed like a new one");
    for (int t = 0; t < fresh.observations().size(); t++) {
      assertArrayEquals(fresh.observations().get(t), again.observations().get(t), id + " obs at t=" + t);
    }
  }

  @ParameterizedTest
  @MethodSource("ids")
  void differentSeedsGiveDifferentEpisodes(String id) {
    Env env = EnvRegistry.make(id);
    boolean differs = false;
    Rollouts.Episode first = Rollouts.episode(env, 1, Rollouts.random(env.spec().numActions(), 3));
    for (long seed = 2; seed < 6 && !differs; seed++) {
      Rollouts.Episode other = Rollouts.episode(env, seed, Rollouts.random(env.spec().numActions(), 3));
      differs = other.length() != first.length() || !other.rewards().equals(first.rewards());
      for (int t = 0; !differs && t < Math.min(first.observations().size(), other.observations().size()); t++) {
        differs = !java.util.Arrays.equals(first.observations().get(t), other.observations().get(t));
      }
    }
    assertTrue(differs, id + ": episodes with seeds 1..5 and the same actions were all identical");
  }

  @ParameterizedTest
  @MethodSource("ids")
  void episodesRespectTheSpec(String id) {
    Env env = EnvRegistry.make(id);
    EnvSpec spec = env.spec();
    for (long seed = 0; seed < 3; seed++) {
      Rollouts.Episode e = Rollouts.episode(env, seed, Rollouts.random(spec.numActions(), seed + 9));
      for (float[] o : e.observations()) {
        assertEquals(spec.obsSize(), o.length, id + " observation length");
        for (float x : o) {
          assertTrue(Float.isFinite(x), id + " observation must be finite, got " + x);
        }
      }
      if (spec.maxEpisodeSteps() > 0) {
        assertTrue(e.length() <= spec.maxEpisodeSteps(), id + ": episode of " + e.length()
            + " steps exceeds maxEpisodeSteps " + spec.maxEpisodeSteps());
      }
      assertFalse(e.terminated() && e.truncated(), id + ": terminated and truncated together");
    }
  }

  @ParameterizedTest
  @MethodSource("ids")
  void badActionsAndMisplacedStepsFailLoudly(String id) {
    Env env = EnvRegistry.make(id);
    int n = env.spec().numActions();
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> env.step(0),
        id + ": step before the first reset");
    assertTrue(early.getMessage().contains("reset"), early.getMessage());
    env.reset(1);
    IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> env.step(n));
    assertTrue(high.getMessage().contains("action " + n + " out of range [0, " + n + ")"),
        high.getMessage());
    assertThrows(IllegalArgumentException.class, () -> env.step(-1), id + ": action -1");
    Rollouts.episode(env, 2, Rollouts.random(n, 4));
    IllegalStateException after = assertThrows(IllegalStateException.class, () -> env.step(0),
        id + ": step after the episode ended");
    assertTrue(after.getMessage().contains("after the episode ended"), after.getMessage());
    env.reset(3);
    env.step(0); // a reset makes stepping legal again
  }
}
