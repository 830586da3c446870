package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * Always pulls the arm with the highest true success probability, which the evaluation reveals before
 * each task. Not a baseline of the paper: it measures how good the sampled tasks were (its mean is
 * n E[max_i p_i] = n k / (k + 1) in expectation), which separates task-sample luck, shared by every
 * algorithm under common random numbers, from real differences with the paper.
 */
public final class OraclePolicy implements BanditPolicy {
  private final BetaCounts counts = new BetaCounts(1, 1);
  private double[] p;
  private int bestArm;

  @Override
  public String name() {
    return "oracle";
  }

  @Override
  public String hyperparameter() {
    return "-";
  }

  /** The task's true success probabilities; must be called before {@link #reset}. */
  public void reveal(double[] probabilities) {
    this.p = java.util.Objects.requireNonNull(probabilities, "probabilities");
  }

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    if (p == null || p.length != arms) {
      throw new IllegalStateException("reveal the task's " + arms + " probabilities before reset, got "
          + (p == null ? "none" : p.length));
    }
    counts.reset(arms, horizon);
    bestArm = 0;
    for (int i = 1; i < arms; i++) {
      if (p[i] > p[bestArm]) {
        bestArm = i;
      }
    }
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    return bestArm;
  }

  @Override
  public void observe(int arm, float reward) {
    counts.observe(arm, reward);
  }
}
