package dev.mnemo.envs.classic;

/**
 * Sine and cosine by their Taylor series, for the small angles a balancing cart-pole lives at:
 *
 * <pre>
 *   sin x = x − x³/3! + x⁵/5! − … − x¹⁵/15!        cos x = 1 − x²/2! + x⁴/4! − … + x¹⁶/16!      (|x| ≤ π/4)
 * </pre>
 *
 * <p>Within {@code |x| ≤ π/4} the first omitted terms are below 2⁻⁵³ of the result, and the Horner sums are within
 * 1 ulp of {@link Math#sin} and {@link Math#cos} (checked on a fine grid in the tests); outside it both fall back to
 * {@code Math}. Why not {@code Math}: its intrinsic is a call the JIT does not inline, one per function, and a
 * cart-pole's step spends most of its time in the two; this is a few multiply-adds the JIT inlines and overlaps across
 * the copies of a vector env. Pure Java arithmetic (no fused multiply-add), so every caller gets the same bits.
 */
public final class SmallAngleTrig {
  /** Largest |x| the series serve; beyond it {@link Math}. */
  public static final double LIMIT = Math.PI / 4;

  private static final double S3 = -1.0 / 6;
  private static final double S5 = 1.0 / 120;
  private static final double S7 = -1.0 / 5040;
  private static final double S9 = 1.0 / 362_880;
  private static final double S11 = -1.0 / 39_916_800;
  private static final double S13 = 1.0 / 6_227_020_800.0;
  private static final double S15 = -1.0 / 1_307_674_368_000.0;
  private static final double C2 = -0.5;
  private static final double C4 = 1.0 / 24;
  private static final double C6 = -1.0 / 720;
  private static final double C8 = 1.0 / 40_320;
  private static final double C10 = -1.0 / 3_628_800;
  private static final double C12 = 1.0 / 479_001_600;
  private static final double C14 = -1.0 / 87_178_291_200.0;
  private static final double C16 = 1.0 / 20_922_789_888_000.0;

  private SmallAngleTrig() {}

  /** {@code sin x}: the series for {@code |x| ≤ π/4}, else {@link Math#sin}. */
  public static double sin(double x) {
    return Math.abs(x) <= LIMIT ? sinSeries(x) : Math.sin(x);
  }

  /** {@code cos x}: the series for {@code |x| ≤ π/4}, else {@link Math#cos}. */
  public static double cos(double x) {
    return Math.abs(x) <= LIMIT ? cosSeries(x) : Math.cos(x);
  }

  /**
   * {@code sin} and {@code cos} of {@code x[0 .. n)} into {@code sin} and {@code cos}, element by element what
   * {@link #sin} and {@link #cos} give: the series in one straight-line loop over the arrays (which the JIT
   * vectorises), then {@code Math} where {@code |x| > π/4}.
   */
  static void sinCos(double[] x, double[] sin, double[] cos, int n) {
    for (int i = 0; i < n; i++) {
      double xi = x[i];
      sin[i] = sinSeries(xi);
      cos[i] = cosSeries(xi);
    }
    for (int i = 0; i < n; i++) {
      if (!(Math.abs(x[i]) <= LIMIT)) {
        sin[i] = Math.sin(x[i]);
        cos[i] = Math.cos(x[i]);
      }
    }
  }

  /** The sine series alone (meaningful for {@code |x| ≤ π/4}): what a loop over many angles inlines. */
  static double sinSeries(double x) {
    double x2 = x * x;
    return x * (1 + x2 * (S3 + x2 * (S5 + x2 * (S7 + x2 * (S9 + x2 * (S11 + x2 * (S13 + x2 * S15)))))));
  }

  /** The cosine series alone (meaningful for {@code |x| ≤ π/4}). */
  static double cosSeries(double x) {
    double x2 = x * x;
    return 1 + x2 * (C2 + x2 * (C4 + x2 * (C6 + x2 * (C8 + x2 * (C10 + x2 * (C12 + x2 * (C14 + x2 * C16)))))));
  }
}
