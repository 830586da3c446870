package dev.mnemo.agents.kernel;

import dev.mnemo.envs.SplitMixRandom;

/**
 * Per-actor epsilon-greedy action selection over a batch of Q-value rows, as in Ape-X and R2D2: actor
 * {@code i} of {@code N} explores with {@code eps_i = 0.4^(1 + 7 i / (N - 1))} ({@code N = 1}: 0.4),
 * so a few actors explore a lot and most act nearly greedily. Greedy ties go to the lowest action
 * index, so a run is reproducible from its seed. Allocation-free; not thread-safe.
 */
public final class EpsilonGreedy {

  /** Ape-X's base epsilon. */
  public static final double APE_X_BASE = 0.4;
  /** Ape-X's exponent spread. */
  public static final double APE_X_ALPHA = 7.0;

  private final double[] epsilons;
  private final int numActions;
  private final SplitMixRandom rng;

  /**
   * @param epsilons exploration probability per batch row, each in [0, 1]
   * @param numActions A
   * @param seed seeds the exploration draws
   */
  public EpsilonGreedy(double[] epsilons, int numActions, long seed) {
    if (epsilons == null || epsilons.length == 0) {
      throw new IllegalArgumentException("epsilons must hold one value per batch row");
    }
    if (numActions < 1) {
      throw new IllegalArgumentException("numActions must be >= 1, got " + numActions);
    }
    for (int i = 0; i < epsilons.length; i++) {
      if (!(epsilons[i] >= 0.0 && epsilons[i] <= 1.0)) {
        throw new IllegalArgumentException("epsilons[" + i + "] = " + epsilons[i] + ", expected [0, 1]");
      }
    }
    this.epsilons = epsilons.clone();
    this.numActions = numActions;
    this.rng = new SplitMixRandom(seed);
  }

  /** The exploration stream's state (a checkpoint saves it: {@link #setRngState} continues the draws exactly). */
  public long rngState() {
    return rng.state();
  }

  /** Continues the exploration draws from a saved {@link #rngState()}. */
  public void setRngState(long state) {
    rng.setState(state);
  }

  /**
   * Ape-X/R2D2's epsilon for actor {@code i} of {@code n}: {@code 0.4^(1 + 7 i / (n - 1))}, and 0.4
   * when {@code n = 1}.
   */
  public static double apeXEpsilon(int i, int n) {
    return apeXEpsilon(i, n, APE_X_BASE, APE_X_ALPHA);
  }

  /**
   * The same schedule with a configurable base and spread: {@code base^(1 + alpha i / (n - 1))}, and
   * {@code base} when {@code n = 1}.
   */
  public static double apeXEpsilon(int i, int n, double base, double alpha) {
    if (n < 1 || i < 0 || i >= n) {
      throw new IllegalArgumentException("need 0 <= i < n, got i=" + i + ", n=" + n);
    }
    if (!(base >= 0.0 && base <= 1.0) || !(alpha >= 0.0)) {
      throw new IllegalArgumentException(
          "need base in [0, 1] and alpha >= 0, got base=" + base + ", alpha=" + alpha);
    }
    if (n == 1) {
      return base;
    }
    return Math.pow(base, 1.0 + alpha * i / (n - 1));
  }

  /**
   * The epsilons of actors {@code first .. first + count - 1} out of {@code total}: one worker's envs
   * when every env of every worker counts as one actor.
   */
  public static double[] apeXSchedule(int first, int count, int total) {
    if (count < 1 || first < 0 || first + count > total) {
      throw new IllegalArgumentException("need count >= 1 and 0 <= first, first + count <= total; got"
          + " first=" + first + ", count=" + count + ", total=" + total);
    }
    double[] eps = new double[count];
    for (int k = 0; k < count; k++) {
      eps[k] = apeXEpsilon(first + k, total);
    }
    return eps;
  }

  /** Per-actor epsilon-greedy for {@code n} actors (batch rows), actor i getting {@link #apeXEpsilon}. */
  public static EpsilonGreedy apeX(int n, int numActions, long seed) {
    return new EpsilonGreedy(apeXSchedule(0, n, n), numActions, seed);
  }

  /**
   * Chooses one action per batch row from {@code q} ({@code rows x A}, row-major, the layout of
   * {@link RecurrentQKernel#qValues()}): with probability {@code eps_row} uniformly at random over all
   * actions, otherwise the greedy action.
   *
   * @param actions receives {@code rows} actions
   */
  public void select(float[] q, int[] actions) {
    int rows = epsilons.length;
    if (q.length < rows * numActions || actions.length < rows) {
      throw new IllegalArgumentException("select needs q >= " + rows * numActions + " floats and "
          + rows + " action slots; got q=" + q.length + ", actions=" + actions.length);
    }
    for (int r = 0; r < rows; r++) {
      // One uniform draw per row whatever the outcome keeps the random stream aligned across rows.
      double u = rng.nextDouble();
      if (u < epsilons[r]) {
        actions[r] = rng.nextInt(numActions);
      } else {
        actions[r] = argmax(q, r * numActions, numActions);
      }
    }
  }

  /**
   * Index (relative to {@code off}) of the largest of {@code q[off .. off + n)}; the lowest index wins
   * ties.
   *
   * @throws IllegalStateException if a value is NaN (broken parameters must not act silently)
   */
  public static int argmax(float[] q, int off, int n) {
    int best = 0;
    float bestQ = q[off];
    for (int a = 0; a < n; a++) {
      float v = q[off + a];
      if (v != v) {
        throw new IllegalStateException("Q-value is NaN at index " + (off + a) + " (action " + a + ")");
      }
      if (v > bestQ) {
        bestQ = v;
        best = a;
      }
    }
    return best;
  }

  /** Exploration probability of batch row {@code row}. */
  public double epsilon(int row) {
    return epsilons[row];
  }

  public int rows() {
    return epsilons.length;
  }
}
