package dev.mnemo.agents.baselines.mdp;

import java.util.random.RandomGenerator;

/** Uniformly random actions: the floor of the table (expected total n H E[mu] = n H on the RL² tasks). */
public final class RandomMdpAgent implements MdpAgent {
  private RandomGenerator rng;
  private int actions;

  @Override
  public String name() {
    return "random";
  }

  @Override
  public String hyperparameter() {
    return "";
  }

  @Override
  public void reset(int states, int actions, int horizon, RandomGenerator rng) {
    this.actions = actions;
    this.rng = rng;
  }

  @Override
  public void beginEpisode() {}

  @Override
  public int act(int step, int state) {
    return rng.nextInt(actions);
  }

  @Override
  public void observe(int state, int action, double reward, int next) {}
}
