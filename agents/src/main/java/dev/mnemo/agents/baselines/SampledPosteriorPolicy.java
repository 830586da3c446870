package dev.mnemo.agents.baselines;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What the randomised baselines share: Beta(1, 1)-style counts per arm (1 success in 2 trials before any
 * pull, as the RL² evaluation did), updated by every reward, and the task's random stream from
 * {@link #reset}. Subclasses only decide which arm to pull.
 */
abstract class SampledPosteriorPolicy implements BanditPolicy {
  protected final BetaCounts counts = new BetaCounts(1, 1);
  protected RandomGenerator rng;

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    counts.reset(arms, horizon);
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  @Override
  public final void observe(int arm, float reward) {
    counts.observe(arm, reward);
  }
}
