package dev.mnemo.learners.r2d2.ablation;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.RecurrentQSpec;

/**
 * The Q-value discrepancy of Kapturowski et al. (2019, Section 3, Figure 1):
 * <pre>
 *   ΔQ_i = ‖q(ĥ_{t+i}) − q(h_{t+i})‖₂ / |max_{a, j} q(ĥ_{t+j})_a|      i, j in [0, m)
 * </pre>
 * where ĥ are the TRUE recurrent states (the current parameters unrolled over the whole episode from its
 * start) and h the states of the learner's unroll of a replayed window: it starts {@code burnIn} steps
 * before the first trained step {@code t} (never before the episode start) from the zero state or from
 * the state stored there (produced by the older parameters that acted), and runs on through the
 * {@code m} trained steps. The normaliser is the largest |Q| of the true unroll over the trained steps,
 * so ΔQ is scale-free across training. ΔQ = 0 means the replayed unroll reproduces the true Q-values.
 *
 * <p>Usage: {@link #prepare} once per (parameters, episode), then {@link #measure} per window and
 * strategy; the true unroll is shared. Buffers are sized at construction for episodes up to
 * {@code maxLength} steps and reused (nothing is allocated per step). Not thread-safe.
 */
public final class QDiscrepancy {

  private final RecurrentQSpec spec;
  private final int maxLength;
  private final int numActions;
  private final int hidden;
  private final RecurrentQKernel kernel;
  private final float[] qTrue;
  private final float[] qUnroll;
  private final int[] prevA = new int[1];
  private final float[] prevR = new float[1];
  private final float[] obs;
  private RecordedEpisode episode;

  public QDiscrepancy(RecurrentQSpec spec, int maxLength) {
    if (spec == null) {
      throw new IllegalArgumentException("spec must not be null");
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    this.spec = spec;
    this.maxLength = maxLength;
    this.numActions = spec.numActions();
    this.hidden = spec.stateSize();
    this.kernel = new RecurrentQKernel(spec, 1);
    this.qTrue = new float[maxLength * numActions];
    this.qUnroll = new float[maxLength * numActions];
    this.obs = new float[spec.obsSize()];
  }

  /**
   * Loads the current parameters and computes the true Q-values q(ĥ_t) of every step of the episode by
   * unrolling them from the zero state at the episode start.
   */
  public void prepare(ParamSnapshot current, RecordedEpisode ep) {
    if (ep.length() > maxLength) {
      throw new IllegalArgumentException("episode of " + ep.length() + " steps exceeds maxLength " + maxLength);
    }
    if (ep.obsSize() != spec.obsSize() || ep.stateSize() != hidden) {
      throw new IllegalArgumentException("episode has obsSize=" + ep.obsSize() + ", stateSize="
          + ep.stateSize() + " but the network expects " + spec.obsSize() + ", " + hidden);
    }
    kernel.load(current);
    kernel.resetAllStates();
    run(ep, 0, ep.length(), qTrue);
    this.episode = ep;
  }

  /**
   * ΔQ of the window of {@code traceLength} trained steps starting at step {@code t} of the prepared
   * episode, unrolled with {@code strategy}.
   *
   * @return ΔQ at the first and the last trained step (NaN if every true Q of the window is 0)
   */
  public Discrepancy measure(int t, int traceLength, UnrollStrategy strategy) {
    if (episode == null) {
      throw new IllegalStateException("call prepare(params, episode) before measure");
    }
    if (traceLength < 1 || t < 0 || t + traceLength > episode.length()) {
      throw new IllegalArgumentException("window [" + t + ", " + (t + traceLength) + ") must lie inside the"
          + " episode's " + episode.length() + " steps with traceLength >= 1");
    }
    int s = Math.max(0, t - strategy.burnIn());
    if (strategy.start() == StartState.STORED) {
      kernel.setState(0, episode.storedStates(), s * hidden);
    } else {
      kernel.resetAllStates();
    }
    run(episode, s, t + traceLength, qUnroll);
    double scale = scale(qTrue, t, traceLength, numActions);
    return new Discrepancy(distance(qTrue, qUnroll, t, numActions) / scale,
        distance(qTrue, qUnroll, t + traceLength - 1, numActions) / scale);
  }

  /** Steps the kernel from its current state over steps [from, to), writing step t's Q at row t of {@code q}. */
  private void run(RecordedEpisode ep, int from, int to, float[] q) {
    int os = spec.obsSize();
    for (int t = from; t < to; t++) {
      System.arraycopy(ep.obs(), t * os, obs, 0, os);
      prevA[0] = ep.prevActions()[t];
      prevR[0] = ep.prevRewards()[t];
      kernel.step(obs, prevA, prevR);
      System.arraycopy(kernel.qValues(), 0, q, t * numActions, numActions);
    }
  }

  /** ‖a_t − b_t‖₂ over the {@code numActions} Q-values of step (row) {@code t}. */
  static double distance(float[] a, float[] b, int t, int numActions) {
    double sum = 0;
    for (int k = t * numActions; k < (t + 1) * numActions; k++) {
      double d = (double) a[k] - b[k];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /**
   * The paper's normaliser |max_{a, j} q(ĥ_{t+j})_a| over the {@code steps} rows from row {@code t}. We take
   * the largest absolute value, so that a window whose Q-values are all negative is not normalised by a
   * near-zero maximum. NaN when all are 0 (ΔQ is undefined there).
   */
  static double scale(float[] q, int t, int steps, int numActions) {
    double m = 0;
    for (int k = t * numActions; k < (t + steps) * numActions; k++) {
      m = Math.max(m, Math.abs(q[k]));
    }
    return m > 0 ? m : Double.NaN;
  }

  /**
   * The episode an actor with parameters {@code acting} lives on these inputs: its states before every
   * step, unrolled from the zero state at the episode start (a fresh kernel; for tests and offline use).
   */
  public static RecordedEpisode actedBy(RecurrentQSpec spec, ParamSnapshot acting, int length, float[] obs,
      int[] prevActions, float[] prevRewards) {
    RecurrentQKernel k = new RecurrentQKernel(spec, 1);
    k.load(acting);
    k.resetAllStates();
    int os = spec.obsSize();
    int hs = spec.stateSize();
    float[] states = new float[length * hs];
    float[] o = new float[os];
    int[] pa = new int[1];
    float[] pr = new float[1];
    for (int t = 0; t < length; t++) {
      k.copyState(0, states, t * hs);
      System.arraycopy(obs, t * os, o, 0, os);
      pa[0] = prevActions[t];
      pr[0] = prevRewards[t];
      k.step(o, pa, pr);
    }
    return new RecordedEpisode(length, os, hs, obs, prevActions, prevRewards, states);
  }
}
