package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/** Pulls an arm uniformly at random every time: the floor every other baseline must clear. */
public final class RandomPolicy implements BanditPolicy {
  private final BetaCounts counts = new BetaCounts(1, 1);
  private RandomGenerator rng;

  @Override
  public String name() {
    return "random";
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
    return rng.nextInt(counts.arms());
  }

  @Override
  public void observe(int arm, float reward) {
    counts.observe(arm, reward);
  }
}
