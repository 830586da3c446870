package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * Allocation-free Gamma and Beta variates for the Thompson-sampling baselines (and, for shapes >= 1, the MDP
 * baselines' Dirichlet draws). Shapes are the Beta
 * posterior's counts, which start at 1 and only grow, so the Marsaglia-Tsang method for shape >= 1
 * is all that is needed.
 */
public final class BetaSampler {
  /** Marsaglia-Tsang constants 1 / sqrt(9 (shape - 1/3)) for integer shapes: posterior counts are integers. */
  private static final int TABULATED_SHAPES = 4096;
  private static final double[] C_BY_SHAPE = new double[TABULATED_SHAPES];

  static {
    for (int shape = 1; shape < TABULATED_SHAPES; shape++) {
      C_BY_SHAPE[shape] = 1.0 / Math.sqrt(9.0 * (shape - 1.0 / 3.0));
    }
  }

  private BetaSampler() {}

  /** A Gamma(shape, 1) variate by Marsaglia and Tsang (2000); shape must be >= 1. */
  public static double gamma(RandomGenerator rng, double shape) {
    if (!(shape >= 1)) {
      throw new IllegalArgumentException("gamma shape must be >= 1, got " + shape);
    }
    double d = shape - 1.0 / 3.0;
    int whole = (int) shape;
    double c = whole == shape && whole < TABULATED_SHAPES ? C_BY_SHAPE[whole] : 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x;
      double v;
      do {
        x = rng.nextGaussian();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDouble();
      double x2 = x * x;
      // Cheap squeeze first; the logarithmic test runs for about 2% of draws.
      if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** A Beta(alpha, beta) variate as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
  static double beta(RandomGenerator rng, double alpha, double beta) {
    double x = gamma(rng, alpha);
    double y = gamma(rng, beta);
    return x / (x + y);
  }
}
