package dev.mnemo.agents.baselines.mdp;

/**
 * The Bayesian agents' prior over a tabular MDP, independent per (s, a): transitions
 * {@code P(·|s, a) ~ Dirichlet(alpha0, ..., alpha0)} and mean reward {@code r(s, a) ~ N(mu0, 1 / tau0)},
 * rewards observed with known noise precision {@code tau}.
 *
 * @param alpha0 Dirichlet weight per next state (> 0)
 * @param mu0 prior mean of a mean reward
 * @param tau0 prior precision of a mean reward (> 0)
 * @param tau precision of the reward noise (> 0)
 */
public record MdpPrior(double alpha0, double mu0, double tau0, double tau) {
  public MdpPrior {
    if (!(alpha0 > 0) || Double.isInfinite(alpha0)) {
      throw new IllegalArgumentException("prior alpha0 (Dirichlet weight) must be > 0 and finite, got " + alpha0);
    }
    if (!Double.isFinite(mu0)) {
      throw new IllegalArgumentException("prior mu0 (reward mean) must be finite, got " + mu0);
    }
    if (!(tau0 > 0) || Double.isInfinite(tau0)) {
      throw new IllegalArgumentException("prior tau0 (reward precision) must be > 0 and finite, got " + tau0);
    }
    if (!(tau > 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("prior tau (noise precision) must be > 0 and finite, got " + tau);
    }
  }

  /**
   * Dirichlet(1) transitions, N(0, 1) mean rewards, unit noise: the defaults of Osband's TabulaRL
   * ({@code alpha0 = 1, mu0 = 0, tau0 = 1, tau = 1}), the code the RL² authors ran for Table 2. The flat
   * Dirichlet is the task distribution's own; the N(0, 1) mean prior is one unit below the tasks' N(1, 1),
   * i.e. mildly pessimistic, as in the reference runs.
   */
  public static MdpPrior tabulaRl() {
    return new MdpPrior(1.0, 0.0, 1.0, 1.0);
  }
}
