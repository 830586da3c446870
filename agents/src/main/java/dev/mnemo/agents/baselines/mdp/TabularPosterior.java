package dev.mnemo.agents.baselines.mdp;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * What an agent knows about one task after its observations, under an {@link MdpPrior}. Conjugate updates per
 * (s, a) with n visits, reward sum R and next-state counts N(s'):
 *
 * <pre>
 *   P(·|s, a)  ~ Dirichlet(alpha0 + N(s'))                               posterior mean (alpha0 + N(s')) / (S alpha0 + n)
 *   r(s, a)    ~ N( (tau0 mu0 + tau R) / (tau0 + tau n), 1 / (tau0 + tau n) )
 * </pre>
 *
 * Every observed transition counts, including an episode's last one: the simulated task draws a real next
 * state there too (TabulaRL drops it because its environment resets before reporting it).
 */
public final class TabularPosterior {
  private final int states;
  private final int actions;
  private final MdpPrior prior;
  private final int[] visits;
  private final double[] rewardSum;
  /** Next-state counts N(s2 | s, a), laid out like {@link TabularMdp#transition}. */
  private final int[] counts;
  /** One row of Dirichlet parameters alpha0 + N(·|s, a), filled per draw. */
  private final double[] alphaRow;

  public TabularPosterior(int states, int actions, MdpPrior prior) {
    this.states = states;
    this.actions = actions;
    this.prior = prior;
    this.visits = new int[states * actions];
    this.rewardSum = new double[states * actions];
    this.counts = new int[states * actions * states];
    this.alphaRow = new double[states];
    reset();
  }

  /** Back to the prior. */
  public void reset() {
    Arrays.fill(visits, 0);
    Arrays.fill(rewardSum, 0);
    Arrays.fill(counts, 0);
  }

  public void observe(int s, int a, double reward, int next) {
    int sa = s * actions + a;
    visits[sa]++;
    rewardSum[sa] += reward;
    counts[sa * states + next]++;
  }

  public int visits(int s, int a) {
    return visits[s * actions + a];
  }

  /** Posterior mean of r(s, a). */
  public double rewardMean(int s, int a) {
    int sa = s * actions + a;
    return (prior.tau0() * prior.mu0() + prior.tau() * rewardSum[sa]) / (prior.tau0() + prior.tau() * visits[sa]);
  }

  /** Posterior precision of r(s, a). */
  public double rewardPrecision(int s, int a) {
    return prior.tau0() + prior.tau() * visits[s * actions + a];
  }

  /** The posterior-mean MDP (what greedy, ε-greedy and BEB plan on). */
  public void meanMdp(TabularMdp out) {
    for (int sa = 0; sa < states * actions; sa++) {
      out.reward[sa] = rewardMean(sa / actions, sa % actions);
      double total = states * prior.alpha0() + visits[sa];
      for (int s2 = 0; s2 < states; s2++) {
        out.transition[sa * states + s2] = (prior.alpha0() + counts[sa * states + s2]) / total;
      }
    }
  }

  /** One MDP drawn from the posterior (PSRL). */
  public void sampleMdp(RandomGenerator rng, TabularMdp out) {
    for (int sa = 0; sa < states * actions; sa++) {
      int s = sa / actions;
      int a = sa % actions;
      out.reward[sa] = rewardMean(s, a) + rng.nextGaussian() / Math.sqrt(rewardPrecision(s, a));
      for (int s2 = 0; s2 < states; s2++) {
        alphaRow[s2] = prior.alpha0() + counts[sa * states + s2];
      }
      GammaSampler.dirichlet(rng, alphaRow, 0, states, out.transition, sa * states);
    }
  }

  /**
   * The empirical MDP without any prior (UCRL2's estimate): mean observed reward and observed next-state
   * frequencies; a pair never tried gets reward 0 and uniform transitions (its confidence sets are then the
   * widest, so the choice barely matters).
   */
  public void empiricalMdp(TabularMdp out) {
    for (int sa = 0; sa < states * actions; sa++) {
      int n = visits[sa];
      out.reward[sa] = n == 0 ? 0.0 : rewardSum[sa] / n;
      for (int s2 = 0; s2 < states; s2++) {
        out.transition[sa * states + s2] = n == 0 ? 1.0 / states : (double) counts[sa * states + s2] / n;
      }
    }
  }
}
