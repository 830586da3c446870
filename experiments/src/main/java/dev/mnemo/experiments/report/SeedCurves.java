package dev.mnemo.experiments.report;

import dev.mnemo.agents.stats.MeanCi;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * One setting's learning curve over seeds whose evaluations fall at different x (env steps differ between seeds when
 * episodes end at different times; wall time always does): at each x of the curve, every seed counts with its latest
 * evaluation at or before x,
 *
 * <pre>  y(x) = mean over seeds s with x_s,first <= x of  y_s(max { x_s,i : x_s,i <= x })</pre>
 *
 * with a 95% Student-t interval over those seeds. A seed whose run ended before x (stopped at its target return, or
 * at a smaller budget) holds its last evaluation; before its first evaluation it does not count. The curve's x are
 * the union of the seeds' x, thinned to at most {@code maxPoints} evenly spaced ones (error bars stay readable);
 * seeds that share one schedule give exactly their shared points and their plain means.
 */
public final class SeedCurves {

  /** The curve: x ascending, mean and 95% interval half-width (0 where one seed counts), seeds counted. */
  public record Curve(double[] x, double[] mean, double[] ci95, int[] seeds) {}

  private SeedCurves() {}

  /**
   * @param seeds per seed its points as {@code {x, y}} pairs in ascending x (NaN-free)
   * @param maxPoints the most points the curve gets, >= 2
   */
  public static Curve mean(List<double[][]> seeds, int maxPoints) {
    if (maxPoints < 2) {
      throw new IllegalArgumentException("maxPoints must be >= 2, got " + maxPoints);
    }
    TreeSet<Double> union = new TreeSet<>();
    for (double[][] s : seeds) {
      for (double[] p : s) {
        union.add(p[0]);
      }
    }
    double[] xs = union.stream().mapToDouble(Double::doubleValue).toArray();
    if (xs.length > maxPoints) {
      double lo = xs[0];
      double hi = xs[xs.length - 1];
      xs = new double[maxPoints];
      for (int i = 0; i < maxPoints; i++) {
        xs[i] = lo + (hi - lo) * i / (maxPoints - 1);
      }
    }
    double[] mean = new double[xs.length];
    double[] ci = new double[xs.length];
    int[] counted = new int[xs.length];
    double[] ys = new double[seeds.size()];
    for (int i = 0; i < xs.length; i++) {
      int n = 0;
      for (double[][] s : seeds) {
        int j = latestAtOrBefore(s, xs[i]);
        if (j >= 0) {
          ys[n++] = s[j][1];
        }
      }
      MeanCi m = MeanCi.studentT(Arrays.copyOf(ys, n));
      mean[i] = m.mean();
      ci[i] = Double.isNaN(m.ci95()) ? 0 : m.ci95();
      counted[i] = n;
    }
    return new Curve(xs, mean, ci, counted);
  }

  /** The index of the last point with x <= {@code x}, -1 if none. */
  private static int latestAtOrBefore(double[][] points, double x) {
    int lo = 0;
    int hi = points.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid][0] <= x) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
