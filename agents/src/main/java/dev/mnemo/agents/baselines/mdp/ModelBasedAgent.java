package dev.mnemo.agents.baselines.mdp;

import java.util.random.RandomGenerator;

/**
 * The shared loop of the model-based baselines: a posterior over the task, a model refilled and a Q table
 * solved at every episode start by {@link #plan()}, greedy acting on that table.
 */
abstract class ModelBasedAgent implements MdpAgent {
  private final MdpPrior prior;
  protected TabularPosterior posterior;
  protected TabularMdp model;
  protected QTable q;
  protected RandomGenerator rng;
  protected int states;
  protected int actions;
  protected int horizon;

  ModelBasedAgent(MdpPrior prior) {
    this.prior = prior;
  }

  @Override
  public void reset(int states, int actions, int horizon, RandomGenerator rng) {
    // Buffers are kept across trials of the same shape: evaluation runs thousands of trials per agent.
    if (q == null || states != this.states || actions != this.actions || horizon != this.horizon) {
      this.states = states;
      this.actions = actions;
      this.horizon = horizon;
      posterior = new TabularPosterior(states, actions, prior);
      model = new TabularMdp(states, actions);
      q = new QTable(horizon, states, actions);
      allocate();
    } else {
      posterior.reset();
    }
    this.rng = rng;
  }

  /** Subclasses allocate their own buffers here (shape known). */
  void allocate() {}

  @Override
  public void beginEpisode() {
    plan();
  }

  /** Refills {@link #q} from what the posterior knows now. */
  abstract void plan();

  @Override
  public int act(int step, int state) {
    return q.greedyAction(step, state, rng);
  }

  @Override
  public void observe(int state, int action, double reward, int next) {
    posterior.observe(state, action, reward, next);
  }

  /** The values planned for the current episode (tests). */
  QTable plannedValues() {
    return q;
  }
}
