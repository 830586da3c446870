package dev.mnemo.agents.baselines;

/**
 * Thompson sampling (Thompson 1933) with a Beta(1, 1) prior per arm: draws one success probability
 * from each arm's posterior and pulls the arm with the largest draw.
 */
public final class ThompsonSamplingPolicy extends SampledPosteriorPolicy {

  @Override
  public String name() {
    return "ts";
  }

  @Override
  public String hyperparameter() {
    return "-";
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    int best = 0;
    double bestDraw = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < counts.arms(); i++) {
      double draw = BetaSampler.beta(rng, counts.alpha(i), counts.beta(i));
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    return best;
  }
}
