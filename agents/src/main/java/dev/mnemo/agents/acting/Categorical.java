package dev.mnemo.agents.acting;

import dev.mnemo.envs.SplitMixRandom;

/**
 * Drawing and picking an action from a row of log-probabilities, as every categorical acting policy does: the same
 * uniform number gives the same action whichever policy draws it.
 */
public final class Categorical {

  private Categorical() {
  }

  /**
   * Every env's action from its row of {@code logp} ({@code n} rows of {@code na}, dense): the most probable one when
   * {@code greedy}, else a {@link #sample} with one uniform number from {@code rng} per env, in env order; the chosen
   * action's log-probability into {@code chosen[i]}.
   */
  public static void choose(int n, int na, float[] logp, boolean greedy, SplitMixRandom rng, int[] actions,
      float[] chosen) {
    for (int i = 0; i < n; i++) {
      int a = greedy ? argmax(logp, i * na, na) : sample(logp, i * na, na, rng.nextDouble());
      actions[i] = a;
      chosen[i] = logp[i * na + a];
    }
  }

  /**
   * Inverse-CDF draw from {@code pi_a = exp(logp[off + a])}, {@code a < n}: the first {@code a} with
   * {@code u < pi_0 + ... + pi_a}; the last action takes any rounding remainder.
   *
   * @param u a uniform number in {@code [0, 1)}
   */
  public static int sample(float[] logp, int off, int n, double u) {
    double c = 0;
    for (int a = 0; a < n - 1; a++) {
      c += Math.exp(logp[off + a]);
      if (u < c) {
        return a;
      }
    }
    return n - 1;
  }

  /** The most probable action of the row (the first on ties). */
  public static int argmax(float[] logp, int off, int n) {
    int best = 0;
    for (int a = 1; a < n; a++) {
      if (logp[off + a] > logp[off + best]) {
        best = a;
      }
    }
    return best;
  }
}
