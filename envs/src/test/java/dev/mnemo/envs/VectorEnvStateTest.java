package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A vector env saved mid-episode and restored into fresh copies steps on exactly as the original does. */
class VectorEnvStateTest {

  private static byte[] save(VectorEnv v) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    v.writeState(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tmaze?length=6", "bandit?arms=3&pulls=7", "mdp?episodes=2", "cartpole"})
  void aRestoredVectorEnvContinuesTheSameEpisodes(String id) throws IOException {
    int n = 5;
    VectorEnv a = new VectorEnv(id, n, 11);
    int obsSize = a.spec().obsSize();
    int numActions = a.spec().numActions();
    float[] obsA = new float[n * obsSize];
    float[] rewA = new float[n];
    boolean[] termA = new boolean[n];
    boolean[] truncA = new boolean[n];
    int[] actions = new int[n];
    Rng pick = new Rng(3);
    a.reset(obsA);
    for (int t = 0; t < 23; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(numActions);
      }
      a.step(actions, obsA, rewA, termA, truncA);
    }
    boolean midEpisode = false;
    for (int i = 0; i < n; i++) {
      midEpisode |= a.currentEpisodeLength(i) > 0;
    }
    assertTrue(midEpisode, "the test should save episodes under way");

    VectorEnv b = new VectorEnv(id, n, 11);
    float[] obsB = new float[n * obsSize];
    b.readState(new DataInputStream(new ByteArrayInputStream(save(a))), obsB);
    assertArrayEquals(obsA, obsB, "observations reached by the re-play");
    float[] rewB = new float[n];
    boolean[] termB = new boolean[n];
    boolean[] truncB = new boolean[n];
    for (int t = 0; t < 200; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(numActions);
      }
      a.step(actions, obsA, rewA, termA, truncA);
      b.step(actions, obsB, rewB, termB, truncB);
      assertArrayEquals(obsA, obsB, "obs at step " + t);
      assertArrayEquals(rewA, rewB, "rewards at step " + t);
      assertArrayEquals(termA, termB, "terminated at step " + t);
      assertArrayEquals(truncA, truncB, "truncated at step " + t);
      assertArrayEquals(a.finalObs(), b.finalObs(), "final obs at step " + t);
      for (int i = 0; i < n; i++) {
        assertEquals(a.currentEpisodeReturn(i), b.currentEpisodeReturn(i));
        assertEquals(a.completedEpisodes(i), b.completedEpisodes(i));
        assertEquals(a.lastEpisodeReturn(i), b.lastEpisodeReturn(i));
      }
    }
  }

  /** An env whose reward ignores the seed (a shared counter across instances) cannot be re-played. */
  @Test
  void anEnvThatIgnoresItsSeedIsRefusedByName() throws IOException {
    AtomicInteger resets = new AtomicInteger();
    java.util.function.IntFunction<Env> factory = i -> new BaseEnv(EnvSpec.flat("counter", 1, 2, 100)) {
      private int base;

      @Override
      protected void onReset(float[] obs) {
        base = resets.getAndIncrement();
        obs[0] = 0f;
      }

      @Override
      protected void onStep(int action, Step out) {
        out.set(base, false, false);
      }
    };
    VectorEnv a = new VectorEnv(factory, 2, 5);
    float[] obs = new float[2];
    a.reset(obs);
    a.step(new int[] {0, 1}, obs, new float[2], new boolean[2], new boolean[2]);
    VectorEnv b = new VectorEnv(factory, 2, 5);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> b.readState(new DataInputStream(new ByteArrayInputStream(save(a))), new float[2]));
    assertTrue(e.getMessage().startsWith("counter: re-playing episode 0 of copy 0"), e.getMessage());
    assertTrue(e.getMessage().contains("not deterministic given its seed"), e.getMessage());
  }

  @Test
  void aStateOfAnotherSizeOrSeedIsRefused() throws IOException {
    VectorEnv a = new VectorEnv("tmaze?length=6", 3, 1);
    a.reset(new float[3 * a.spec().obsSize()]);
    byte[] state = save(a);
    VectorEnv other = new VectorEnv("tmaze?length=6", 3, 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.readState(
        new DataInputStream(new ByteArrayInputStream(state)), new float[3 * a.spec().obsSize()]));
    assertTrue(e.getMessage().contains("seed 1") && e.getMessage().contains("2"), e.getMessage());
  }
}
