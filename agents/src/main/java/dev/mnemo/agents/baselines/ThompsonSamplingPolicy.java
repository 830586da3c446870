package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * Thompson sampling (Thompson 1933) with a Beta(1, 1) prior per arm: draws one success probability
 * from each arm's posterior and pulls the arm with the largest draw.
 */
public final class ThompsonSamplingPolicy implements BanditPolicy {
  private final BetaCounts counts = new BetaCounts(1, 1);
  private RandomGenerator rng;

  @Override
  public String name() {
    return "ts";
  }

  @Override
  public String hyperparameter() {
    return "-";
  }

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    counts.reset(arms, horizon);
    this.rng = java.util.Objects.requireNonNull(rng, "rng");
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

  @Override
  public void observe(int arm, float reward) {
    counts.observe(arm, reward);
  }
}
