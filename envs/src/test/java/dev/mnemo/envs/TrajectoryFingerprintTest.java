package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pins each speed-tuned env's trajectories to fingerprints taken before the tuning (main at ab4be57; I-Maze and Meta-Fetch): a faster
 * step must give the same observations, rewards and flags, bit for bit, for the same seeds and actions, both one
 * env stepped by hand and its copies in a {@link VectorEnv}.
 */
class TrajectoryFingerprintTest {
  private static final Map<String, Long> PINNED = new TreeMap<>(Map.of(
      "imaze", -4108596086809759952L,
      "imaze?length=3&arm=2", 4924894258976980244L,
      "imaze?length=1&arm=1&maxSteps=5", 2651977567547796922L,
      "metafetch", 2811193926104911355L,
      "metafetch?size=2&objects=3&maxSteps=40", 3457366148203703695L,
      "metafetch?size=5&objects=1", -3056585642664455896L));

  /** FNV-style hash over every step's obs bits, reward bits and flags; 20 episodes' worth of random actions. */
  static long singleFingerprint(String id) {
    Env env = EnvRegistry.make(id);
    Rng actions = new Rng(99);
    long h = 0xcbf29ce484222325L;
    long episode = 0;
    Step s = env.reset(Seeds.episodeSeed(3, 0, episode++));
    h = mix(h, s);
    for (int k = 0; k < 5000; k++) {
      s = env.step(actions.nextInt(env.spec().numActions()));
      h = mix(h, s);
      if (s.terminated || s.truncated) {
        s = env.reset(Seeds.episodeSeed(3, 0, episode++));
        h = mix(h, s);
      }
    }
    return h;
  }

  static long vectorFingerprint(String id) {
    VectorEnv v = new VectorEnv(id, 5, 3);
    int n = v.size();
    int os = v.spec().obsSize();
    float[] obs = new float[n * os];
    float[] rewards = new float[n];
    boolean[] term = new boolean[n];
    boolean[] trunc = new boolean[n];
    int[] a = new int[n];
    Rng actions = new Rng(98);
    v.reset(obs);
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < 1000; k++) {
      for (int i = 0; i < n; i++) {
        a[i] = actions.nextInt(v.spec().numActions());
      }
      v.step(a, obs, rewards, term, trunc);
      for (int i = 0; i < n * os; i++) {
        h = (h ^ Float.floatToRawIntBits(obs[i])) * 0x100000001b3L;
      }
      for (int i = 0; i < n; i++) {
        h = (h ^ Float.floatToRawIntBits(rewards[i])) * 0x100000001b3L;
        h = (h ^ ((term[i] ? 1 : 0) | (trunc[i] ? 2 : 0))) * 0x100000001b3L;
      }
    }
    return h;
  }

  private static long mix(long h, Step s) {
    for (float f : s.obs) {
      h = (h ^ Float.floatToRawIntBits(f)) * 0x100000001b3L;
    }
    h = (h ^ Float.floatToRawIntBits(s.reward)) * 0x100000001b3L;
    return (h ^ ((s.terminated ? 1 : 0) | (s.truncated ? 2 : 0))) * 0x100000001b3L;
  }

  @Test
  void tunedEnvsKeepTheirTrajectoriesBitForBit() {
    StringBuilder diff = new StringBuilder();
    for (Map.Entry<String, Long> e : PINNED.entrySet()) {
      long got = singleFingerprint(e.getKey()) ^ Long.rotateLeft(vectorFingerprint(e.getKey()), 17);
      if (got != e.getValue()) {
        diff.append(String.format("\"%s\", %dL,%n", e.getKey(), got));
      }
    }
    assertEquals("", diff.toString(), "trajectory fingerprints differ from the pinned ones (got):");
  }
}
