package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pins each speed-tuned env's trajectories to fingerprints taken before its tuning (main at ab4be57 for I-Maze and
 * Meta-Fetch, 7e473d3 for the POPGym card tasks and the RL² bandit, 2706d65 for the Pendulums, bc8ab37 for the
 * cart-poles): a faster step must give the same observations, rewards and flags, bit for bit, for the same seeds and
 * actions, both one env stepped by hand and its copies in a {@link VectorEnv}.
 */
class TrajectoryFingerprintTest {
  private static final Map<String, Long> PINNED = new TreeMap<>(Map.ofEntries(
      Map.entry("imaze", -4108596086809759952L),
      Map.entry("imaze?length=3&arm=2", 4924894258976980244L),
      Map.entry("imaze?length=1&arm=1&maxSteps=5", 2651977567547796922L),
      Map.entry("metafetch", 2811193926104911355L),
      Map.entry("metafetch?size=2&objects=3&maxSteps=40", 3457366148203703695L),
      Map.entry("metafetch?size=5&objects=1", -3056585642664455896L),
      // Taken at 7e473d3, before the card decks held faces as bytes and the bandit's reward became a sign bit.
      Map.entry("popgym/RepeatFirst-Easy", 8739086133446856143L),
      Map.entry("popgym/RepeatFirst-Hard", 2564980755663164227L),
      Map.entry("popgym/RepeatPrevious-Medium", 4793279972662334193L),
      Map.entry("popgym/Autoencode-Easy", 1323349504598072501L),
      Map.entry("popgym/Autoencode-Hard", -7104465064969057505L),
      Map.entry("popgym/CountRecall-Easy", -1238074572727303656L),
      Map.entry("popgym/CountRecall-Medium", -2625795729619994016L),
      Map.entry("popgym/CountRecall-Hard", -6079800675709004393L),
      Map.entry("popgym/HigherLower-Easy", 4527622564319978752L),
      Map.entry("popgym/HigherLower-Hard", -7368005350036381633L),
      Map.entry("pendulum/position-only", 4863540502279169902L),
      Map.entry("popgym/PositionOnlyPendulum-Hard", 5133433699729225762L),
      // Taken at bc8ab37, before the cart-pole's sine and cosine became series and its copies a CopiesStepper: with
      // random actions the observations keep their bits (balanced for hundreds of steps they can part, the state's
      // last-bit differences growing with the pole's instability).
      Map.entry("cartpole", 5343460953816128250L),
      Map.entry("cartpole/position-only", 5648660847480695801L),
      Map.entry("cartpole/velocity-only", -5133836509204593707L),
      Map.entry("popgym/PositionOnlyCartPole-Hard", 2824650327080406930L),
      Map.entry("popgym/VelocityOnlyCartPole-Medium", 2737159219868093894L),
      // Taken at 825d6e7, when the noise became ziggurat draws (other bits than the polar method's, by design).
      Map.entry("popgym/NoisyPositionOnlyCartPole-Easy", -5196450985630769327L),
      // Taken at bc8ab37, before the MDP and the T-Maze had steppers of their copies.
      Map.entry("mdp", 648966076342322786L),
      Map.entry("mdp?states=25", -2790420741413922480L),
      Map.entry("tmaze", 229820648270936455L),
      Map.entry("bandit", 6560347401968199634L),
      Map.entry("bandit?arms=50&pulls=3", -2115474129680418015L)));

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
