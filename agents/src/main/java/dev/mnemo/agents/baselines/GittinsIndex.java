package dev.mnemo.agents.baselines;

/**
 * The finite-horizon Gittins index of a Bernoulli arm with a Beta(a, b) posterior and {@code r} pulls
 * left, undiscounted:
 *
 * <pre>
 *   G(a, b, r) = max over stopping times 1 <= tau <= r of  E[X_1 + ... + X_tau] / E[tau]
 * </pre>
 *
 * equivalently the retirement reward per remaining pull that makes "pull once more, then play
 * optimally" and "retire now" equally good (the calibration problem). Computed exactly by Dinkelbach's
 * method: fix lambda, solve the optimal-stopping problem "continue while E[reward - lambda] to come is
 * positive" by backward induction over the posterior states (a + s, b + f) reachable in r pulls,
 * replace lambda by the ratio achieved by that stopping rule, and repeat; the ratios increase and
 * reach the index after a handful of iterations, each costing r(r+1)/2 state updates.
 */
public final class GittinsIndex {
  private GittinsIndex() {}

  /**
   * Exact index, using {@code work} (length >= 2 (r + 1)) as scratch so that tabulating many states
   * allocates nothing per state.
   */
  static double exact(double a, double b, int remaining, double[] work) {
    return exact(a, b, remaining, work, a / (a + b));
  }

  /**
   * Exact index by Dinkelbach's method started from {@code lowerBound}, which must be the ratio of
   * some stopping rule (for example the posterior mean, or a value from the lambda grid); a good start
   * saves most iterations.
   */
  static double exact(double a, double b, int remaining, double[] work, double lowerBound) {
    if (!(a > 0) || !(b > 0)) {
      throw new IllegalArgumentException("Beta parameters must be > 0, got a=" + a + ", b=" + b);
    }
    if (remaining < 1) {
      throw new IllegalArgumentException("remaining pulls must be >= 1, got " + remaining);
    }
    if (work.length < 2 * (remaining + 1)) {
      throw new IllegalArgumentException(
          "work array too short: need " + 2 * (remaining + 1) + ", got " + work.length);
    }
    double lambda = Math.max(lowerBound, a / (a + b));
    for (int iteration = 0; iteration < 10_000; iteration++) {
      double ratio = stoppingRatio(a, b, remaining, lambda, work);
      // Dinkelbach's ratios strictly increase until the stopping rule is optimal at lambda; the
      // relative tolerance absorbs rounding in the backward induction.
      if (ratio <= lambda * (1 + 1e-13)) {
        return Math.max(lambda, ratio);
      }
      lambda = ratio;
    }
    throw new IllegalStateException(
        "Dinkelbach iteration did not converge for a=" + a + ", b=" + b + ", r=" + remaining);
  }

  /** Exact index; allocates its own scratch (use for single queries and tests). */
  public static double exact(double a, double b, int remaining) {
    return exact(a, b, remaining, new double[2 * (Math.max(remaining, 1) + 1)]);
  }

  /**
   * E[sum of rewards] / E[pulls] of the rule "pull now, then keep pulling while the expected value of
   * continuing at retirement price lambda is positive", from state (a, b) with r pulls left.
   */
  static double stoppingRatio(double a, double b, int remaining, double lambda, double[] work) {
    int width = remaining + 1;
    // work[0..width) holds E[rewards] and work[width..2 width) E[pulls] of the level below, indexed by
    // successes j; updating j in increasing order in place only reads entries j and j + 1 of the
    // level below, which are still unwritten.
    java.util.Arrays.fill(work, 0, 2 * width, 0.0);
    for (int depth = remaining - 1; depth >= 0; depth--) {
      double total = a + b + depth;
      for (int j = 0; j <= depth; j++) {
        double p = (a + j) / total;
        double rewards = p + p * work[j + 1] + (1 - p) * work[j];
        double pulls = 1 + p * work[width + j + 1] + (1 - p) * work[width + j];
        if (depth == 0) {
          return rewards / pulls;
        }
        boolean keepPulling = rewards - lambda * pulls > 0;
        work[j] = keepPulling ? rewards : 0;
        work[width + j] = keepPulling ? pulls : 0;
      }
    }
    throw new AssertionError("unreachable: depth 0 returns");
  }
}
