package dev.mnemo.experiments.report;

/** Mean and Student-t 95% confidence interval over a few runs (seeds), where 1.96 would be too narrow. */
public final class Stats {

  /** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};

  /**
   * @param mean sample mean
   * @param ci95 half-width of the 95% interval of the mean (NaN for a single value)
   * @param n number of values
   */
  public record MeanCi(double mean, double ci95, int n) {}

  private Stats() {}

  /** t quantile for {@code df} degrees of freedom; the normal 1.96 beyond 30. */
  static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
    }
    return df <= T975.length ? T975[df - 1] : 1.96;
  }

  public static MeanCi meanCi(double[] values) {
    int n = values.length;
    if (n == 0) {
      throw new IllegalArgumentException("meanCi: no values");
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    if (n == 1) {
      return new MeanCi(mean, Double.NaN, 1);
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(ss / (n - 1) / n);
    return new MeanCi(mean, t975(n - 1) * se, n);
  }
}
