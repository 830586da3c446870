package dev.mnemo.agents.acting;

/**
 * Drawing and picking an action from a row of log-probabilities, as every categorical acting policy does: the same
 * uniform number gives the same action whichever policy draws it.
 */
public final class Categorical {

  private Categorical() {
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
