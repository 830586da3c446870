package dev.mnemo.agents.baselines;

/**
 * With probability ε pulls a uniformly random arm, otherwise the greedy arm (same 1-in-2 pseudo-count
 * as {@link GreedyPolicy}). The coin is tossed every pull, as in the RL² authors' evaluation code.
 */
public final class EpsilonGreedyPolicy extends SampledPosteriorPolicy {
  private final double epsilon;

  public EpsilonGreedyPolicy(double epsilon) {
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return "eps_greedy";
  }

  @Override
  public String hyperparameter() {
    return "eps=" + epsilon;
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    if (rng.nextDouble() < epsilon) {
      return rng.nextInt(counts.arms());
    }
    return counts.greedyArm();
  }
}
