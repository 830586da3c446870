package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * Pulls the arm with the highest finite-horizon Gittins index for the pulls that remain (Beta(1, 1)
 * prior), looked up in a shared {@link GittinsIndexTable}. Near the end of the task the remaining
 * horizon shrinks the exploration bonus to zero and the policy turns greedy, which an
 * infinite-horizon index would not do.
 */
public final class GittinsIndexPolicy implements BanditPolicy {
  private final BetaCounts counts = new BetaCounts(0, 0);
  private final GittinsIndexTable table;
  private final int fixedLookahead;

  /** The index for the pulls that remain in the task (the default, Bayes-sensible rule). */
  public GittinsIndexPolicy(GittinsIndexTable table) {
    this(table, 0);
  }

  /**
   * With {@code fixedLookahead > 0}, the index of each arm for a look-ahead of
   * {@code min(fixedLookahead, maxHorizon) - pulls of that arm} pulls, whatever the task's remaining
   * horizon: the authors' code computed every arm's index over a fixed 500-pull look-ahead. Kept as a
   * diagnostic of the paper's Gittins column; it over-explores short tasks.
   */
  public GittinsIndexPolicy(GittinsIndexTable table, int fixedLookahead) {
    this.table = java.util.Objects.requireNonNull(table, "table");
    if (fixedLookahead < 0) {
      throw new IllegalArgumentException("fixedLookahead must be >= 0 (0 = remaining horizon), got " + fixedLookahead);
    }
    this.fixedLookahead = fixedLookahead;
  }

  @Override
  public String name() {
    return fixedLookahead > 0 ? "gittins_fixed" : "gittins";
  }

  @Override
  public String hyperparameter() {
    String how = table.method() == GittinsIndexTable.Method.EXACT ? "exact" : "grid=" + table.gridSize();
    return fixedLookahead > 0 ? how + ",lookahead=" + Math.min(fixedLookahead, table.maxHorizon()) : how;
  }

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    if (fixedLookahead == 0 && horizon > table.maxHorizon()) {
      throw new IllegalArgumentException("horizon " + horizon + " exceeds the Gittins table's maxHorizon "
          + table.maxHorizon() + "; build the table for the largest horizon evaluated");
    }
    counts.reset(arms, horizon);
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    int remaining = counts.horizon() - counts.pulls();
    int lookahead = Math.min(fixedLookahead, table.maxHorizon());
    int best = 0;
    double bestIndex = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < counts.arms(); i++) {
      // counts here hold observed successes/failures only (prior 0, 0); the table adds Beta(1, 1).
      int successes = (int) counts.alpha(i);
      int failures = (int) counts.beta(i);
      int r = fixedLookahead > 0 ? Math.max(1, lookahead - successes - failures) : remaining;
      double index = table.index(successes, failures, r);
      if (index > bestIndex) {
        bestIndex = index;
        best = i;
      }
    }
    return best;
  }

  @Override
  public void observe(int arm, float reward) {
    counts.observe(arm, reward);
  }
}
