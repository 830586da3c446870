package dev.mnemo.learners.r2d2;

/**
 * What one learner update reports.
 *
 * @param update update count after this update
 * @param loss masked, importance-weighted TD loss (before the step)
 * @param meanAbsTd mean |delta| over valid trained steps
 * @param meanQ mean Q(s, a) of the taken actions over valid trained steps
 * @param gradNorm global gradient norm before clipping
 * @param seconds wall time of the update
 * @param priorities new priority per sequence of the batch (same order)
 */
public record UpdateStats(long update, double loss, double meanAbsTd, double meanQ, double gradNorm,
    double seconds, float[] priorities) {

  /** Updates per second of this update alone. */
  public double updatesPerSecond() {
    return seconds > 0 ? 1 / seconds : Double.POSITIVE_INFINITY;
  }
}
