package dev.mnemo.agents.baselines.mdp;

import java.util.random.RandomGenerator;

/**
 * Time-indexed action values of a finite-horizon MDP: {@code Q_h(s, a)} for steps {@code h = 0..H-1} of an
 * episode and {@code V_h(s) = max_a Q_h(s, a)} with {@code V_H = 0}.
 */
public final class QTable {
  private final int horizon;
  private final int states;
  private final int actions;
  /** Q_h(s, a) at {@code (h * states + s) * actions + a}. */
  final double[] q;
  /** V_h(s) at {@code h * states + s}, h = 0..H (row H stays 0). */
  final double[] v;

  public QTable(int horizon, int states, int actions) {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    }
    this.horizon = horizon;
    this.states = states;
    this.actions = actions;
    this.q = new double[horizon * states * actions];
    this.v = new double[(horizon + 1) * states];
  }

  public int horizon() {
    return horizon;
  }

  public int states() {
    return states;
  }

  public int actions() {
    return actions;
  }

  public double q(int h, int s, int a) {
    return q[(h * states + s) * actions + a];
  }

  /** V_h(s); {@code h = horizon} gives 0. */
  public double value(int h, int s) {
    return v[h * states + s];
  }

  /**
   * An action of largest Q_h(s, ·), uniformly among exact ties. Random tie-breaking matters: before any data
   * every action of a posterior-mean model is tied, and a fixed lowest-index rule would make greedy agents
   * always start with action 0 (the reference implementations break ties at random too).
   */
  public int greedyAction(int h, int s, RandomGenerator rng) {
    int base = (h * states + s) * actions;
    double best = Double.NEGATIVE_INFINITY;
    int ties = 0;
    int chosen = 0;
    for (int a = 0; a < actions; a++) {
      double x = q[base + a];
      if (x > best) {
        best = x;
        chosen = a;
        ties = 1;
      } else if (x == best) {
        // Reservoir sampling over the tied actions: each ends up chosen with probability 1 / ties.
        ties++;
        if (rng.nextInt(ties) == 0) {
          chosen = a;
        }
      }
    }
    return chosen;
  }

  /** Element-wise maximum with {@code other} (same shape): the optimistic envelope of several solutions. */
  public void maxWith(QTable other) {
    if (other.horizon != horizon || other.states != states || other.actions != actions) {
      throw new IllegalArgumentException("q tables differ in shape");
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = Math.max(q[i], other.q[i]);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(v[i], other.v[i]);
    }
  }
}
