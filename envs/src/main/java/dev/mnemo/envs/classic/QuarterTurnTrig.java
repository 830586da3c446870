package dev.mnemo.envs.classic;

/**
 * Sine and cosine of any angle a simulated pendulum reaches, by reduction to a quarter turn and
 * {@link SmallAngleTrig}'s series:
 *
 * <pre>
 *   x = k·π/2 + r,  k = rint(2x/π),  |r| ≤ π/4 (a hair more where rounding decides k)
 *   (sin x, cos x) = (sin r, cos r), (cos r, −sin r), (−sin r, −cos r), (−cos r, sin r)   for k mod 4 = 0, 1, 2, 3
 * </pre>
 *
 * <p>{@code r = ((x − k·P1) − k·P2) − k·P3}, with π/2 = P1 + P2 + P3 split so that P1 and P2 have 33 significant
 * bits each: {@code k·P1} and {@code k·P2} are exact for {@code |k| < 2²⁰}, the subtractions of nearly equal numbers
 * are exact, and r keeps its accuracy even next to a multiple of π/2 (Cody and Waite's method). Beyond
 * {@link #LIMIT} both functions are {@code Math}'s. Results are within 2 ulps of {@code Math}'s for {@code |x| ≤ 100}
 * and 3 ulps up to the limit (checked in the tests). Why: see {@link SmallAngleTrig}; pure Java arithmetic, so a
 * single env and a {@code CopiesStepper} of its copies get the same bits.
 */
public final class QuarterTurnTrig {
  /** Largest |x| reduced here; beyond it {@link Math}. */
  public static final double LIMIT = 1e6;
  /** The leading 33 bits of π/2. */
  static final double P1 = 1.57079632673412561417e+00;
  /** The next 33 bits of π/2. */
  static final double P2 = 6.07710050630396597660e-11;
  /** π/2 − P1 − P2, rounded. */
  static final double P3 = 2.02226624879595063154e-21;
  private static final double TWO_OVER_PI = 2 / Math.PI;

  private QuarterTurnTrig() {}

  /** Whether {@code x} is reduced here (else both functions are {@code Math}'s): {@code |x| ≤} {@link #LIMIT}. */
  static boolean reduces(double x) {
    return Math.abs(x) <= LIMIT;
  }

  /** {@code sin x}. */
  public static double sin(double x) {
    if (!reduces(x)) {
      return Math.sin(x);
    }
    double k = quarterTurns(x);
    double r = remainder(x, k);
    return sinOf(SmallAngleTrig.sinSeries(r), SmallAngleTrig.cosSeries(r), (long) k);
  }

  /** {@code cos x}. */
  public static double cos(double x) {
    if (!reduces(x)) {
      return Math.cos(x);
    }
    double k = quarterTurns(x);
    double r = remainder(x, k);
    return cosOf(SmallAngleTrig.sinSeries(r), SmallAngleTrig.cosSeries(r), (long) k);
  }

  /**
   * {@code sin} and {@code cos} of {@code x[0 .. n)} into {@code sin} and {@code cos}, element by element what
   * {@link #sin} and {@link #cos} give: reduction and series in one loop over the arrays, then {@code Math} beyond
   * {@link #LIMIT}.
   */
  static void sinCos(double[] x, double[] sin, double[] cos, int n) {
    for (int i = 0; i < n; i++) {
      double xi = x[i];
      double k = quarterTurns(xi);
      double r = remainder(xi, k);
      double sinR = SmallAngleTrig.sinSeries(r);
      double cosR = SmallAngleTrig.cosSeries(r);
      long q = (long) k;
      sin[i] = sinOf(sinR, cosR, q);
      cos[i] = cosOf(sinR, cosR, q);
    }
    for (int i = 0; i < n; i++) {
      if (!reduces(x[i])) {
        sin[i] = Math.sin(x[i]);
        cos[i] = Math.cos(x[i]);
      }
    }
  }

  /** {@code k = rint(2x/π)}: the nearest whole number of quarter turns. */
  static double quarterTurns(double x) {
    return Math.rint(x * TWO_OVER_PI);
  }

  /** {@code r = x − k·π/2}. */
  static double remainder(double x, double k) {
    return ((x - k * P1) - k * P2) - k * P3;
  }

  /** {@code sin x} from {@code sin r}, {@code cos r} and {@code k} (its quarter turns); no branch. */
  static double sinOf(double sinR, double cosR, long k) {
    long odd = -(k & 1); // all ones when k is odd: cos r, else sin r
    long bits = (Double.doubleToRawLongBits(sinR) & ~odd) | (Double.doubleToRawLongBits(cosR) & odd);
    return Double.longBitsToDouble(bits ^ ((k & 2) << 62)); // negated for k mod 4 in {2, 3}
  }

  /** {@code cos x} from {@code sin r}, {@code cos r} and {@code k}; no branch. */
  static double cosOf(double sinR, double cosR, long k) {
    long odd = -(k & 1); // all ones when k is odd: sin r, else cos r
    long bits = (Double.doubleToRawLongBits(cosR) & ~odd) | (Double.doubleToRawLongBits(sinR) & odd);
    return Double.longBitsToDouble(bits ^ (((k + 1) & 2) << 62)); // negated for k mod 4 in {1, 2}
  }
}
