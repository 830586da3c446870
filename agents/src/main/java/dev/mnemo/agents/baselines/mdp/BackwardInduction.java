package dev.mnemo.agents.baselines.mdp;

/**
 * Exact finite-horizon planning by backward induction (value iteration over the H steps of an episode):
 *
 * <pre>
 *   V_H(s)    = 0
 *   Q_h(s, a) = r(s, a) + sum_s' P(s' | s, a) V_{h+1}(s')
 *   V_h(s)    = max_a Q_h(s, a)            for h = H-1, ..., 0
 * </pre>
 *
 * The acting rule {@code argmax_a Q_h(s, a)} is then optimal for the model among all (even
 * history-dependent) policies over an episode of H steps.
 */
public final class BackwardInduction {
  private BackwardInduction() {}

  /** Solves {@code mdp} into {@code out}, whose horizon sets H. */
  public static void solve(TabularMdp mdp, QTable out) {
    induce(mdp, null, out);
  }

  /**
   * Backward induction with a bonus that grows with the steps left after the current one,
   * {@code Q_h(s, a) = r(s, a) + (H - 1 - h) b(s, a) + sum_s' P(s' | s, a) V_{h+1}(s')}: the transition bonus of
   * TabulaRL's {@code compute_qVals_opt}, used only to reproduce the RL² authors' BEB ({@link TabulaRlBebAgent}).
   */
  public static void solveWithStepsLeftBonus(TabularMdp mdp, double[] bonusPerStepLeft, QTable out) {
    induce(mdp, bonusPerStepLeft, out);
  }

  /** The backward induction of both entry points; without a bonus the value is exactly {@code r + sum P V}. */
  private static void induce(TabularMdp mdp, double[] bonusPerStepLeft, QTable out) {
    int states = mdp.states();
    int actions = mdp.actions();
    requireShape(mdp, out);
    int horizon = out.horizon();
    java.util.Arrays.fill(out.v, horizon * states, (horizon + 1) * states, 0.0);
    for (int h = horizon - 1; h >= 0; h--) {
      int next = (h + 1) * states;
      int stepsLeft = horizon - 1 - h;
      for (int s = 0; s < states; s++) {
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < actions; a++) {
          int sa = s * actions + a;
          int row = sa * states;
          double expect = 0;
          for (int s2 = 0; s2 < states; s2++) {
            expect += mdp.transition[row + s2] * out.v[next + s2];
          }
          double value = bonusPerStepLeft == null ? mdp.reward[sa] + expect
              : mdp.reward[sa] + stepsLeft * bonusPerStepLeft[sa] + expect;
          out.q[(h * states + s) * actions + a] = value;
          best = Math.max(best, value);
        }
        out.v[h * states + s] = best;
      }
    }
  }

  static void requireShape(TabularMdp mdp, QTable out) {
    if (out.states() != mdp.states() || out.actions() != mdp.actions()) {
      throw new IllegalArgumentException("q table has " + out.states() + " states x " + out.actions()
          + " actions, the model " + mdp.states() + " x " + mdp.actions());
    }
  }
}
