package dev.mnemo.agents.rl2;

/**
 * Adaptive value-target normalisation that preserves the outputs ("PopArt", van Hasselt et al. 2016). The
 * value head predicts a normalised value {@code v}; the value is {@code V = mu + sigma v}. Targets' running
 * moments, per update from a batch's targets {@code R} (rate beta; the first batch sets them):
 * <pre>
 *   mu'  = (1 - beta) mu + beta mean(R),   nu' = (1 - beta) nu + beta mean(R^2),   sigma' = sqrt(max(nu' - mu'^2, s_min^2))
 * </pre>
 * and the head's last linear layer {@code v = u w + b} is rescaled so that every output V is unchanged
 * ("preserving outputs precisely"): {@code w' = w sigma / sigma'},  {@code b' = (sigma b + mu - mu') / sigma'}.
 * The loss then fits {@code v} to {@code (R - mu') / sigma'}, targets of unit scale whatever the return's
 * magnitude (random-MDP trials return ~100; without it a Huber loss with delta 1 and Adam's bounded steps fit
 * such values far too slowly for the advantages to mean anything). The paper's TRPO baseline (rllab) fit
 * normalised returns as well. Not thread-safe.
 */
public final class PopArt {
  /** Floor of sigma: a batch of equal targets must not divide by zero. */
  public static final double SIGMA_MIN = 1e-2;

  private final double rate;
  private double mu;
  private double nu = 1;
  private boolean started;

  /** @param rate beta, in (0, 1] */
  public PopArt(double rate) {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("PopArt rate must lie in (0, 1], got " + rate);
    }
    this.rate = rate;
  }

  public double mean() {
    return mu;
  }

  public double sigma() {
    return Math.sqrt(Math.max(nu - mu * mu, SIGMA_MIN * SIGMA_MIN));
  }

  /** V from the head's normalised output. */
  public double denormalize(double v) {
    return mu + sigma() * v;
  }

  /** The normalised target of a value target R. */
  public double normalize(double r) {
    return (r - mu) / sigma();
  }

  /**
   * Moves the moments toward a batch's ({@code mean(R)}, {@code mean(R^2)}) and rescales the output layer (its
   * {@code in} weights at {@code wOff}, its bias at {@code bOff} in {@code params}) so that V is unchanged.
   */
  public void update(double batchMean, double batchMeanSq, float[] params, int wOff, int in, int bOff) {
    double oldMu = mu;
    double oldSigma = sigma();
    if (started) {
      mu = (1 - rate) * mu + rate * batchMean;
      nu = (1 - rate) * nu + rate * batchMeanSq;
    } else {
      mu = batchMean;
      nu = batchMeanSq;
      started = true;
    }
    double sigma = sigma();
    for (int i = 0; i < in; i++) {
      params[wOff + i] = (float) (params[wOff + i] * oldSigma / sigma);
    }
    params[bOff] = (float) ((oldSigma * params[bOff] + oldMu - mu) / sigma);
  }

  /** The state for a checkpoint: {mu, nu, started ? 1 : 0}. */
  public double[] state() {
    return new double[] {mu, nu, started ? 1 : 0};
  }

  /** Restores {@link #state()}. */
  public void restore(double[] s) {
    mu = s[0];
    nu = s[1];
    started = s[2] != 0;
  }
}
