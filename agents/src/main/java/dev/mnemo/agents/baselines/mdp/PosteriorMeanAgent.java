package dev.mnemo.agents.baselines.mdp;


/**
 * Greedy and ε-greedy: plan on the posterior-mean MDP ({@link TabularPosterior#meanMdp}); at each step take a
 * uniformly random action with probability ε, else the planned greedy action. ε = 0 is the greedy baseline.
 */
public final class PosteriorMeanAgent extends ModelBasedAgent {
  private final double epsilon;

  private PosteriorMeanAgent(MdpPrior prior, double epsilon) {
    super(prior);
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  public static PosteriorMeanAgent greedy(MdpPrior prior) {
    return new PosteriorMeanAgent(prior, 0.0);
  }

  public static PosteriorMeanAgent epsilonGreedy(MdpPrior prior, double epsilon) {
    return new PosteriorMeanAgent(prior, epsilon);
  }

  @Override
  public String name() {
    return epsilon == 0 ? "greedy" : "eps_greedy";
  }

  @Override
  public String hyperparameter() {
    return epsilon == 0 ? "" : "eps=" + Numbers.compact(epsilon);
  }

  @Override
  void plan() {
    posterior.meanMdp(model);
    BackwardInduction.solve(model, q);
  }

  @Override
  public int act(int step, int state) {
    if (epsilon > 0 && rng.nextDouble() < epsilon) {
      return rng.nextInt(actions);
    }
    return super.act(step, state);
  }
}
