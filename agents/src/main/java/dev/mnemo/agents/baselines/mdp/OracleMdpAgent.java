package dev.mnemo.agents.baselines.mdp;

import java.util.random.RandomGenerator;

/**
 * Knows the task: follows the optimal finite-horizon policy of the true model from the first step. Not a
 * baseline of the paper; its figure is the ceiling every learner is measured against (n V*_0(start)).
 */
public final class OracleMdpAgent implements MdpAgent {
  private TabularMdp truth;
  private QTable q;
  private RandomGenerator rng;

  /** The task the next {@link #reset} plans for. */
  public void reveal(TabularMdp task) {
    this.truth = task;
  }

  @Override
  public String name() {
    return "oracle";
  }

  @Override
  public String hyperparameter() {
    return "";
  }

  @Override
  public void reset(int states, int actions, int horizon, RandomGenerator rng) {
    if (truth == null) {
      throw new IllegalStateException("oracle: reset before reveal(task)");
    }
    if (q == null || q.horizon() != horizon || q.states() != states || q.actions() != actions) {
      q = new QTable(horizon, states, actions);
    }
    BackwardInduction.solve(truth, q);
    this.rng = rng;
  }

  @Override
  public void beginEpisode() {}

  @Override
  public int act(int step, int state) {
    return q.greedyAction(step, state, rng);
  }

  @Override
  public void observe(int state, int action, double reward, int next) {}

  /** V*_0(s) of the revealed task (after {@link #reset}). */
  public double optimalValue(int state) {
    return q.value(0, state);
  }
}
