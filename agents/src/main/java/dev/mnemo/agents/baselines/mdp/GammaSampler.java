package dev.mnemo.agents.baselines.mdp;

import dev.mnemo.agents.baselines.BetaSampler;
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
    return BetaSampler.gamma(rng, shape); // Marsaglia-Tsang for shape >= 1, the same draws
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
