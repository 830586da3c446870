package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * UCB1 (Auer et al. 2002) with a tunable exploration scale: pulls the arm maximising
 * {@code mean_i + c * sqrt(2 ln t / m_i)}, where t counts real pulls so far and the counts start from
 * the 1-in-2 pseudo-count (so no arm needs a forced first pull). At t = 0 the bonus is zero, the same
 * as the authors' code whose undefined ln 0 made every index NaN and picked arm 0.
 */
public final class Ucb1Policy implements BanditPolicy {
  private final BetaCounts counts = new BetaCounts(1, 1);
  private final double c;

  public Ucb1Policy(double c) {
    if (!(c >= 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("c must be a finite value >= 0, got " + c);
    }
    this.c = c;
  }

  @Override
  public String name() {
    return "ucb1";
  }

  @Override
  public String hyperparameter() {
    return "c=" + c;
  }

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    counts.reset(arms, horizon);
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    int t = counts.pulls();
    double twoLogT = t > 0 ? 2.0 * Math.log(t) : 0.0;
    int best = 0;
    double bestIndex = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < counts.arms(); i++) {
      double index = counts.mean(i) + c * Math.sqrt(twoLogT / counts.trials(i));
      if (index > bestIndex) {
        bestIndex = index;
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
