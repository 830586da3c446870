package dev.mnemo.agents.baselines.mdp;

import dev.mnemo.envs.meta.RandomMdpEnv;

/**
 * A finite tabular MDP: mean rewards {@code r(s, a)} and transition rows {@code P(·|s, a)}. Mutable so that a
 * posterior sampler or estimator can refill one instance every episode without allocating.
 */
public final class TabularMdp {
  private final int states;
  private final int actions;
  /** r(s, a) at {@code s * actions + a}. */
  final double[] reward;
  /** P(s2 | s, a) at {@code (s * actions + a) * states + s2}. */
  final double[] transition;

  public TabularMdp(int states, int actions) {
    if (states < 1) {
      throw new IllegalArgumentException("mdp states must be >= 1, got " + states);
    }
    if (actions < 1) {
      throw new IllegalArgumentException("mdp actions must be >= 1, got " + actions);
    }
    this.states = states;
    this.actions = actions;
    this.reward = new double[states * actions];
    this.transition = new double[states * actions * states];
  }

  /**
   * A model from explicit tables (tests, hand-made MDPs): {@code rewards[s][a]}, {@code p[s][a][s2]}; every
   * transition row must be a probability vector.
   */
  public static TabularMdp of(double[][] rewards, double[][][] p) {
    int s = rewards.length;
    int a = rewards[0].length;
    TabularMdp m = new TabularMdp(s, a);
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < a; j++) {
        m.setReward(i, j, rewards[i][j]);
        if (p[i][j].length != s) {
          throw new IllegalArgumentException("transition row (" + i + ", " + j + ") has " + p[i][j].length
              + " entries, expected " + s);
        }
        double sum = 0;
        for (int k = 0; k < s; k++) {
          if (!(p[i][j][k] >= 0)) {
            throw new IllegalArgumentException("transition P(" + k + "|" + i + ", " + j + ") = " + p[i][j][k]
                + " is not a probability");
          }
          m.setTransition(i, j, k, p[i][j][k]);
          sum += p[i][j][k];
        }
        if (Math.abs(sum - 1) > 1e-9) {
          throw new IllegalArgumentException("transition row (" + i + ", " + j + ") sums to " + sum + ", not 1");
        }
      }
    }
    return m;
  }

  /** Copies the current task of a {@link RandomMdpEnv} with this model's state and action counts. */
  public void copyTask(RandomMdpEnv env) {
    for (int s = 0; s < states; s++) {
      for (int a = 0; a < actions; a++) {
        setReward(s, a, env.rewardMean(s, a));
        for (int s2 = 0; s2 < states; s2++) {
          setTransition(s, a, s2, env.transitionProbability(s, a, s2));
        }
      }
    }
  }

  public int states() {
    return states;
  }

  public int actions() {
    return actions;
  }

  public double reward(int s, int a) {
    return reward[s * actions + a];
  }

  public double transition(int s, int a, int s2) {
    return transition[(s * actions + a) * states + s2];
  }

  public void setReward(int s, int a, double r) {
    reward[s * actions + a] = r;
  }

  public void setTransition(int s, int a, int s2, double p) {
    transition[(s * actions + a) * states + s2] = p;
  }

  /** Adds {@code bonus[s * actions + a]} to every mean reward (exploration bonuses). */
  public void addRewardBonus(double[] bonus) {
    for (int sa = 0; sa < reward.length; sa++) {
      reward[sa] += bonus[sa];
    }
  }
}
