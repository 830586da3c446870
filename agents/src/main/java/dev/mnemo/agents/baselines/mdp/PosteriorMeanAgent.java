package dev.mnemo.agents.baselines.mdp;


/**
 * Greedy and ε-greedy: plan on the posterior-mean MDP ({@link TabularPosterior#meanMdp}); at each step take a
 * uniformly random action with probability ε, else the planned greedy action. ε = 0 is the greedy baseline.
 */
public final class PosteriorMeanAgent extends ModelBasedAgent {
  /**
   * The prior of TabulaRL's {@code EpsilonGreedy}, which the RL² authors ran for both greedy columns: Dirichlet
   * 1e-4 and N(0, 1/1e-4), i.e. nearly the empirical MDP (a pair never tried: reward 0, uniform transitions).
   */
  public static final MdpPrior TABULARL_EPSILON_GREEDY_PRIOR = new MdpPrior(1e-4, 0.0, 1e-4, 1.0);

  private final double epsilon;
  private final String suffix;

  private PosteriorMeanAgent(MdpPrior prior, double epsilon, String suffix) {
    super(prior);
    this.suffix = suffix;
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  public static PosteriorMeanAgent greedy(MdpPrior prior) {
    return new PosteriorMeanAgent(prior, 0.0, "");
  }

  public static PosteriorMeanAgent epsilonGreedy(MdpPrior prior, double epsilon) {
    return new PosteriorMeanAgent(prior, epsilon, "");
  }

  /**
   * As the RL² authors ran it (TabulaRL's {@code EpsilonGreedy} prior, {@link #TABULARL_EPSILON_GREEDY_PRIOR});
   * named {@code greedy_tabularl} / {@code eps_greedy_tabularl} and compared with the same paper column.
   */
  public static PosteriorMeanAgent tabulaRl(double epsilon) {
    return new PosteriorMeanAgent(TABULARL_EPSILON_GREEDY_PRIOR, epsilon, "_tabularl");
  }

  @Override
  public String name() {
    return (epsilon == 0 ? "greedy" : "eps_greedy") + suffix;
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
