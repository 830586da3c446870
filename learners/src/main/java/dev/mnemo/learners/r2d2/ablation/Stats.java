package dev.mnemo.learners.r2d2.ablation;

/** Mean and Student-t 95% confidence half-width of a small sample (seeds). */
record Stats(double mean, double ci95, int n) {

  /** Two-sided 97.5% quantiles of Student's t for 1..10 degrees of freedom; 1.96 beyond. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};

  /** Statistics of the non-NaN values (n = 0 and NaN mean if there are none; CI NaN below 2 values). */
  static Stats of(double... xs) {
    int n = 0;
    double sum = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        n++;
        sum += x;
      }
    }
    if (n == 0) {
      return new Stats(Double.NaN, Double.NaN, 0);
    }
    double mean = sum / n;
    if (n == 1) {
      return new Stats(mean, Double.NaN, 1);
    }
    double ss = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        ss += (x - mean) * (x - mean);
      }
    }
    double sd = Math.sqrt(ss / (n - 1));
    double t = n - 1 <= T975.length ? T975[n - 2] : 1.96;
    return new Stats(mean, t * sd / Math.sqrt(n), n);
  }

  /** {@code mean ± ci} with {@code digits} decimals (just the mean when there is no CI). */
  String format(int digits) {
    String f = "%." + digits + "f";
    if (Double.isNaN(mean)) {
      return "n/a";
    }
    return Double.isNaN(ci95) ? String.format(java.util.Locale.ROOT, f, mean)
        : String.format(java.util.Locale.ROOT, f + " ± " + f, mean, ci95);
  }
}
