package dev.mnemo.learners.agent;

/**
 * The two sentinels of "solved", one definition for every runtime: a run's solved step when no evaluation
 * reached the threshold, and the threshold that means "none" (reference.conf's {@code 1e300}: a config that
 * sets no threshold is never solved, and its summary then says neither solved nor unsolved).
 */
public final class Solved {

  /** {@code solved_at_env_step} of a run whose evaluations never reached the threshold. */
  public static final long NEVER = -1;

  /** Thresholds at or above this are "no threshold". */
  public static final double NO_THRESHOLD = 1e299;

  private Solved() {}

  /** Whether {@code threshold} is a real one (finite and below {@link #NO_THRESHOLD}). */
  public static boolean hasThreshold(double threshold) {
    return Double.isFinite(threshold) && threshold < NO_THRESHOLD;
  }
}
