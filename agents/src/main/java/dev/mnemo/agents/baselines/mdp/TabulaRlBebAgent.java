package dev.mnemo.agents.baselines.mdp;

/**
 * BEB as TabulaRL implements it (class {@code BEB}), which is what the RL² authors ran for Table 2's BEB column;
 * kept beside {@link BebAgent} (Kolter and Ng's rule) to explain the gap between the two. On the posterior-mean
 * MDP, with n(s, a) the visits, posterior reward precision τ0 + τ n and Dirichlet weight S α0 + n, it plans
 *
 * <pre>
 *   Q_h(s, a) = r̄(s, a) + 1 / (τ0 + τ n + 1) + (H - 1 - h) β_T / (1 + S α0 + n) + P̄(·|s, a) · V_{h+1}
 *   β_T       = 2 H^3 · scaling
 * </pre>
 *
 * i.e. an unscaled reward bonus plus a transition bonus multiplied by the steps left, so the bonus enters each
 * value once per remaining step on top of what planning already accumulates. The authors tuned
 * {@code scaling} over 21 log-spaced values in [1e-4, 1].
 */
public final class TabulaRlBebAgent extends ModelBasedAgent {
  private final MdpPrior prior;
  private final double scaling;
  private double[] stepBonus;
  private double[] rewardBonus;

  public TabulaRlBebAgent(MdpPrior prior, double scaling) {
    super(prior);
    if (!(scaling >= 0) || Double.isInfinite(scaling)) {
      throw new IllegalArgumentException("beb_tabularl scaling must be >= 0 and finite, got " + scaling);
    }
    this.prior = prior;
    this.scaling = scaling;
  }

  @Override
  public String name() {
    return "beb_tabularl";
  }

  @Override
  public String hyperparameter() {
    return "scaling=" + Numbers.compact(scaling);
  }

  @Override
  void allocate() {
    stepBonus = new double[states * actions];
    rewardBonus = new double[states * actions];
  }

  @Override
  void plan() {
    posterior.meanMdp(model);
    double betaT = 2.0 * horizon * horizon * horizon * scaling;
    for (int s = 0; s < states; s++) {
      for (int a = 0; a < actions; a++) {
        int n = posterior.visits(s, a);
        rewardBonus[s * actions + a] = 1.0 / (posterior.rewardPrecision(s, a) + 1.0);
        stepBonus[s * actions + a] = betaT / (1.0 + states * prior.alpha0() + n);
      }
    }
    model.addRewardBonus(rewardBonus);
    BackwardInduction.solveWithStepsLeftBonus(model, stepBonus, q);
  }
}
