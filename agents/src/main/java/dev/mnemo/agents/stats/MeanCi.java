package dev.mnemo.agents.stats;

import java.util.Locale;

/**
 * A sample mean with the half-width of its 95% confidence interval: the one statistics helper of the project.
 * <ul>
 *   <li>{@link #studentT}: for few values (seeds, runs): {@code t_{0.975, n-1} s / sqrt(n)}, Student's t for
 *       1..30 degrees of freedom, 1.96 beyond;</li>
 *   <li>{@link #normal}: for many values (evaluation episodes, bandit tasks): {@code 1.96 s / sqrt(n)}.</li>
 * </ul>
 * {@code s} is the sample standard deviation (n - 1 in the denominator).
 *
 * @param mean the sample mean (NaN when there are no values)
 * @param ci95 half-width of the 95% interval of the mean
 * @param n values used
 */
public record MeanCi(double mean, double ci95, int n) {

  /** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};

  /** The t quantile for {@code df} degrees of freedom; the normal 1.96 beyond 30. */
  public static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
    }
    return df <= T975.length ? T975[df - 1] : 1.96;
  }

  /**
   * Student-t interval over the non-NaN values (a missing figure, e.g. an undefined ratio, is skipped): NaN
   * mean and CI when there are none, NaN CI for a single value.
   */
  public static MeanCi studentT(double... xs) {
    int n = 0;
    double sum = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        n++;
        sum += x;
      }
    }
    if (n == 0) {
      return new MeanCi(Double.NaN, Double.NaN, 0);
    }
    double mean = sum / n;
    if (n == 1) {
      return new MeanCi(mean, Double.NaN, 1);
    }
    double ss = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        ss += (x - mean) * (x - mean);
      }
    }
    return new MeanCi(mean, t975(n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n), n);
  }

  /**
   * Normal-approximation interval over all values (at least one): CI 0 for a single value (no spread estimate).
   * The mean is summed as {@code sum(x / n)}, the order the greedy evaluators always used, so seeded runs keep
   * their bits.
   */
  public static MeanCi normal(double... xs) {
    int n = xs.length;
    if (n == 0) {
      throw new IllegalArgumentException("a mean needs at least one value");
    }
    double mean = 0;
    for (double x : xs) {
      mean += x / n;
    }
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0;
    return new MeanCi(mean, 1.96 * sd / Math.sqrt(n), n);
  }

  /** {@code mean ± ci} with {@code digits} decimals (just the mean without a CI; {@code n/a} without a mean). */
  public String format(int digits) {
    String f = "%." + digits + "f";
    if (Double.isNaN(mean)) {
      return "n/a";
    }
    return Double.isNaN(ci95) ? String.format(Locale.ROOT, f, mean)
        : String.format(Locale.ROOT, f + " ± " + f, mean, ci95);
  }
}
