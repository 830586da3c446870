package dev.mnemo.agents.baselines;

/**
 * Per-arm success and trial counts with a pseudo-count prior, plus the bookkeeping every policy needs:
 * argument checks and the pull counter. Shared by composition so each policy stays a few lines of the
 * algorithm itself.
 */
final class BetaCounts {
  private final double priorSuccesses;
  private final double priorFailures;
  private double[] successes = new double[0];
  private double[] failures = new double[0];
  private int arms;
  private int horizon;
  private int pulls;

  /**
   * @param priorSuccesses pseudo-successes every arm starts with (Beta alpha)
   * @param priorFailures pseudo-failures every arm starts with (Beta beta)
   */
  BetaCounts(double priorSuccesses, double priorFailures) {
    this.priorSuccesses = priorSuccesses;
    this.priorFailures = priorFailures;
  }

  void reset(int arms, int horizon) {
    if (arms < 1) {
      throw new IllegalArgumentException("arms must be >= 1, got " + arms);
    }
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    }
    if (successes.length < arms) {
      successes = new double[arms];
      failures = new double[arms];
    }
    for (int i = 0; i < arms; i++) {
      successes[i] = priorSuccesses;
      failures[i] = priorFailures;
    }
    this.arms = arms;
    this.horizon = horizon;
    this.pulls = 0;
  }

  void observe(int arm, float reward) {
    if (arms == 0) {
      throw new IllegalStateException("observe called before reset");
    }
    if (arm < 0 || arm >= arms) {
      throw new IllegalArgumentException("arm " + arm + " out of range [0, " + arms + ")");
    }
    if (reward != 0f && reward != 1f) {
      throw new IllegalArgumentException("reward must be 0 or 1 (Bernoulli), got " + reward);
    }
    if (pulls >= horizon) {
      throw new IllegalStateException("observe called " + (pulls + 1) + " times, horizon is " + horizon);
    }
    if (reward == 1f) {
      successes[arm] += 1;
    } else {
      failures[arm] += 1;
    }
    pulls++;
  }

  void requireReset() {
    if (arms == 0) {
      throw new IllegalStateException("selectArm called before reset");
    }
  }

  int arms() {
    return arms;
  }

  int horizon() {
    return horizon;
  }

  /** Pulls observed so far in this task (the 0-based index of the next pull). */
  int pulls() {
    return pulls;
  }

  /** Alpha of the arm's Beta posterior: prior plus observed successes. */
  double alpha(int arm) {
    return successes[arm];
  }

  /** Beta of the arm's Beta posterior: prior plus observed failures. */
  double beta(int arm) {
    return failures[arm];
  }

  double mean(int arm) {
    return successes[arm] / (successes[arm] + failures[arm]);
  }

  double trials(int arm) {
    return successes[arm] + failures[arm];
  }

  /** Arm with the highest posterior mean; the lowest index wins ties (arms are exchangeable a priori). */
  int greedyArm() {
    int best = 0;
    double bestMean = mean(0);
    for (int i = 1; i < arms; i++) {
      double m = mean(i);
      if (m > bestMean) {
        bestMean = m;
        best = i;
      }
    }
    return best;
  }
}
