package dev.mnemo.agents.baselines;

/** Pulls an arm uniformly at random every time: the floor every other baseline must clear. */
public final class RandomPolicy extends SampledPosteriorPolicy {

  @Override
  public String name() {
    return "random";
  }

  @Override
  public String hyperparameter() {
    return "-";
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    return rng.nextInt(counts.arms());
  }
}
