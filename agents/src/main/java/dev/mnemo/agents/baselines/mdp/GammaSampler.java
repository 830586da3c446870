package dev.mnemo.agents.baselines.mdp;

import java.util.random.RandomGenerator;

/** Gamma and Dirichlet variates (Marsaglia and Tsang 2000) for posterior sampling. */
final class GammaSampler {
  private GammaSampler() {}

  /**
   * A Gamma(shape, 1) variate. Shapes below 1 use {@code Gamma(shape) = Gamma(shape + 1) U^(1/shape)}, so a
   * Dirichlet prior weight below 1 is allowed too.
   */
  static double gamma(RandomGenerator rng, double shape) {
    if (!(shape > 0)) {
      throw new IllegalArgumentException("gamma shape must be > 0, got " + shape);
    }
    if (shape < 1) {
      return gamma(rng, shape + 1) * Math.pow(rng.nextDouble(), 1.0 / shape);
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
      if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /**
   * Writes a Dirichlet(alpha[from .. from + k)) draw into {@code out[to .. to + k)} as normalised Gamma
   * variates.
   */
  static void dirichlet(RandomGenerator rng, double[] alpha, int from, int k, double[] out, int to) {
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double g = gamma(rng, alpha[from + i]);
      out[to + i] = g;
      sum += g;
    }
    for (int i = 0; i < k; i++) {
      out[to + i] /= sum;
    }
  }
}
