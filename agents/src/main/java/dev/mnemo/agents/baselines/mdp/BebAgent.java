package dev.mnemo.agents.baselines.mdp;


/**
 * Bayesian exploration bonus (Kolter and Ng 2009): plan on the posterior-mean MDP with every mean reward raised
 * by a bonus that decays with the visits n(s, a),
 *
 * <pre>
 *   r̃(s, a) = E[r(s, a) | data] + β / (1 + n(s, a))
 * </pre>
 *
 * Kolter and Ng count n as the Dirichlet's total weight (prior included, S alpha0 + visits); visits alone are
 * used here, which only moves the tuned β (the two agree once visits dominate the prior's S).
 */
public final class BebAgent extends ModelBasedAgent {
  private final double beta;
  private double[] bonus;

  public BebAgent(MdpPrior prior, double beta) {
    super(prior);
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beb beta must be >= 0 and finite, got " + beta);
    }
    this.beta = beta;
  }

  @Override
  public String name() {
    return "beb";
  }

  @Override
  public String hyperparameter() {
    return "beta=" + Numbers.compact(beta);
  }

  @Override
  void allocate() {
    bonus = new double[states * actions];
  }

  @Override
  void plan() {
    posterior.meanMdp(model);
    for (int s = 0; s < states; s++) {
      for (int a = 0; a < actions; a++) {
        bonus[s * actions + a] = beta / (1.0 + posterior.visits(s, a));
      }
    }
    model.addRewardBonus(bonus);
    BackwardInduction.solve(model, q);
  }
}
