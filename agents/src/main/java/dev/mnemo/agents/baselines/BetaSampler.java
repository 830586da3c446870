package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * Allocation-free Gamma and Beta variates for the Thompson-sampling baselines. Shapes are the Beta
 * posterior's counts, which start at 1 and only grow, so the Marsaglia-Tsang method for shape >= 1
 * is all that is needed.
 */
final class BetaSampler {
  private BetaSampler() {}

  /** A Gamma(shape, 1) variate by Marsaglia and Tsang (2000); shape must be >= 1. */
  static double gamma(RandomGenerator rng, double shape) {
    if (!(shape >= 1)) {
      throw new IllegalArgumentException("gamma shape must be >= 1, got " + shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
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
