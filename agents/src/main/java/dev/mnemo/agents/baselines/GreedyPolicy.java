package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * Pulls the arm with the highest empirical mean, each arm starting from a pseudo-count of 1 success in
 * 2 trials (the RL² authors' evaluation code), so an arm that failed once drops below the untried ones.
 */
public final class GreedyPolicy implements BanditPolicy {
  private final BetaCounts counts = new BetaCounts(1, 1);

  @Override
  public String name() {
    return "greedy";
  }

  @Override
  public String hyperparameter() {
    return "-";
  }

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    counts.reset(arms, horizon);
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    return counts.greedyArm();
  }

  @Override
  public void observe(int arm, float reward) {
    counts.observe(arm, reward);
  }
}
