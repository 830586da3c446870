package dev.mnemo.agents.baselines.mdp;

/**
 * UCRL2's extended value iteration (Jaksch, Ortner and Auer 2010, section 3.1.2) for a finite horizon: the
 * optimal values of the most optimistic MDP in the confidence set around an estimate
 * {@code (r̂, p̂)},
 *
 * <pre>
 *   V_H(s)    = 0
 *   Q_h(s, a) = r̂(s, a) + c_r(s, a) + max { p · V_{h+1} : p a distribution, ||p - p̂(·|s, a)||_1 <= c_p(s, a) }
 *   V_h(s)    = max_a Q_h(s, a)
 * </pre>
 *
 * The inner maximum is solved exactly by the paper's greedy rule ({@link #optimisticExpectation}): put
 * {@code min(1, p̂(s_1) + c_p / 2)} on the best next state s_1, then take the surplus back from the worst
 * states upward until the vector sums to 1. Whenever the true model lies in the confidence set, the result is
 * at least the true optimal value at every step and state (tested).
 */
public final class ExtendedValueIteration {
  private final int states;
  private final int[] order;
  private final double[] p;

  public ExtendedValueIteration(int states) {
    this.states = states;
    this.order = new int[states];
    this.p = new double[states];
  }

  /**
   * Solves into {@code out}: {@code rewardSlack[sa]} and {@code transitionSlack[sa]} (both >= 0, indexed
   * {@code s * actions + a}) are the confidence radii c_r and the L1 radius c_p.
   */
  public void solve(TabularMdp estimate, double[] rewardSlack, double[] transitionSlack, QTable out) {
    BackwardInduction.requireShape(estimate, out);
    if (estimate.states() != states) {
      throw new IllegalArgumentException("extended value iteration built for " + states + " states, model has "
          + estimate.states());
    }
    int actions = estimate.actions();
    int horizon = out.horizon();
    java.util.Arrays.fill(out.v, horizon * states, (horizon + 1) * states, 0.0);
    for (int h = horizon - 1; h >= 0; h--) {
      int next = (h + 1) * states;
      sortByValueDescending(out.v, next);
      for (int s = 0; s < states; s++) {
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < actions; a++) {
          int sa = s * actions + a;
          double value = estimate.reward[sa] + rewardSlack[sa]
              + optimisticExpectation(estimate.transition, sa * states, transitionSlack[sa], out.v, next);
          out.q[(h * states + s) * actions + a] = value;
          best = Math.max(best, value);
        }
        out.v[h * states + s] = best;
      }
    }
  }

  /**
   * {@code max p · v} over distributions p with {@code ||p - p̂||_1 <= slack}, where {@code p̂} is
   * {@code pHat[row .. row + S)} and v is {@code v[vOffset .. vOffset + S)}; {@link #order} must hold the
   * states sorted by v, best first.
   */
  double optimisticExpectation(double[] pHat, int row, double slack, double[] v, int vOffset) {
    if (!(slack >= 0)) {
      throw new IllegalArgumentException("transition slack must be >= 0, got " + slack);
    }
    System.arraycopy(pHat, row, p, 0, states);
    int top = order[0];
    p[top] = Math.min(1.0, pHat[row + top] + slack / 2);
    double sum = 0;
    for (int i = 0; i < states; i++) {
      sum += p[i];
    }
    // Remove the surplus from the lowest-valued states first.
    for (int i = states - 1; i > 0 && sum > 1; i--) {
      int worst = order[i];
      double keep = Math.max(0.0, p[worst] - (sum - 1));
      sum -= p[worst] - keep;
      p[worst] = keep;
    }
    double expect = 0;
    for (int i = 0; i < states; i++) {
      expect += p[i] * v[vOffset + i];
    }
    return expect;
  }

  /** Fills {@link #order} with the states sorted by {@code v[offset + s]}, largest first (insertion sort: S is small). */
  void sortByValueDescending(double[] v, int offset) {
    for (int i = 0; i < states; i++) {
      int s = i;
      int j = i - 1;
      while (j >= 0 && v[offset + order[j]] < v[offset + s]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = s;
    }
  }
}
