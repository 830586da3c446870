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

  public GittinsIndexPolicy(GittinsIndexTable table) {
    this.table = java.util.Objects.requireNonNull(table, "table");
  }

  @Override
  public String name() {
    return "gittins";
  }

  @Override
  public String hyperparameter() {
    return table.method() == GittinsIndexTable.Method.EXACT ? "exact" : "grid=" + table.gridSize();
  }

  @Override
  public void reset(int arms, int horizon, RandomGenerator rng) {
    if (horizon > table.maxHorizon()) {
      throw new IllegalArgumentException("horizon " + horizon + " exceeds the Gittins table's maxHorizon "
          + table.maxHorizon() + "; build the table for the largest horizon evaluated");
    }
    counts.reset(arms, horizon);
  }

  @Override
  public int selectArm() {
    counts.requireReset();
    int remaining = counts.horizon() - counts.pulls();
    int best = 0;
    double bestIndex = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < counts.arms(); i++) {
      // counts here hold observed successes/failures only (prior 0, 0); the table adds Beta(1, 1).
      double index = table.index((int) counts.alpha(i), (int) counts.beta(i), remaining);
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
