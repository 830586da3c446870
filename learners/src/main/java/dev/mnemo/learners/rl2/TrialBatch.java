package dev.mnemo.learners.rl2;

import java.util.Arrays;
import java.util.List;

/**
 * Whole trials as a learner consumes them: {@code trials} rows by {@code time} steps, struct of arrays,
 * time-major ({@code r = t * trials + b}), reused from one collection to the next (nothing allocated per
 * step). A trial shorter than {@code time} is padded: its later steps have {@code mask = 0} and count in no
 * loss. Every trial starts at its first step from the zero recurrent state.
 */
public final class TrialBatch {
  private final int trials;
  private final int time;
  private final int obsSize;
  private final int numActions;
  /** x_t per row, {@code obsSize} floats. */
  final float[] obs;
  final int[] actions;
  final float[] rewards;
  /** The behaviour policy's log-probabilities of every action per row, {@code numActions} floats. */
  final float[] logMu;
  /** 1 for a real step, 0 for padding. */
  final float[] mask;
  /** Undiscounted return of each trial. */
  final double[] trialReturns;
  /** Valid steps of each trial. */
  final int[] lengths;
  /**
   * Per row, the index (from 0) of the inner episode the step belongs to within its trial, where the trial env says
   * ({@code MetaTrial}); -1 where it does not.
   */
  final int[] episodeInTrial;
  /** Version of the parameters that acted. */
  long paramVersion;

  public TrialBatch(int trials, int time, int obsSize, int numActions) {
    if (trials < 1 || time < 1 || obsSize < 1 || numActions < 1) {
      throw new IllegalArgumentException("trial batch sizes must be positive: trials=" + trials + ", time=" + time
          + ", obsSize=" + obsSize + ", numActions=" + numActions);
    }
    this.trials = trials;
    this.time = time;
    this.obsSize = obsSize;
    this.numActions = numActions;
    int n = trials * time;
    obs = new float[n * obsSize];
    actions = new int[n];
    rewards = new float[n];
    logMu = new float[n * numActions];
    mask = new float[n];
    trialReturns = new double[trials];
    lengths = new int[trials];
    episodeInTrial = new int[n];
  }

  public int trials() {
    return trials;
  }

  public int time() {
    return time;
  }

  public int obsSize() {
    return obsSize;
  }

  public int numActions() {
    return numActions;
  }

  public long paramVersion() {
    return paramVersion;
  }

  /** Valid (unpadded) steps over every trial. */
  public long validSteps() {
    long s = 0;
    for (int l : lengths) {
      s += l;
    }
    return s;
  }

  /** Trial b's undiscounted return. */
  public double trialReturn(int b) {
    return trialReturns[b];
  }

  /** Trial b's valid steps. */
  public int length(int b) {
    return lengths[b];
  }

  /** The action of trial b at step t. */
  public int action(int t, int b) {
    return actions[t * trials + b];
  }

  public float reward(int t, int b) {
    return rewards[t * trials + b];
  }

  public boolean valid(int t, int b) {
    return mask[t * trials + b] != 0f;
  }

  /** Copies x_t of trial b into {@code dst[off..]}. */
  public void copyObs(int t, int b, float[] dst, int off) {
    System.arraycopy(obs, (t * trials + b) * obsSize, dst, off, obsSize);
  }

  /**
   * The index (from 0) of the inner episode that trial b's step t belongs to, or -1 where the trial env does not
   * say (an env that is not a {@code MetaTrial}).
   */
  public int episodeInTrial(int t, int b) {
    return episodeInTrial[t * trials + b];
  }

  /** The behaviour log-probability of action a of trial b at step t. */
  public float logMu(int t, int b, int a) {
    return logMu[(t * trials + b) * numActions + a];
  }

  void clear() {
    Arrays.fill(mask, 0f);
    Arrays.fill(rewards, 0f);
    Arrays.fill(trialReturns, 0);
    Arrays.fill(lengths, 0);
    Arrays.fill(episodeInTrial, -1);
  }

  /** Mean undiscounted trial return. */
  public double meanReturn() {
    double s = 0;
    for (double r : trialReturns) {
      s += r;
    }
    return s / trials;
  }

  /**
   * Lays {@code parts} side by side into {@code into} (time-major rows {@code t * trials + b}: each part's rows of
   * step t become a contiguous run of step t's row), whose trial count must be their sum.
   */
  public static TrialBatch merge(List<TrialBatch> parts, TrialBatch into) {
    int total = 0;
    for (TrialBatch p : parts) {
      if (p.time() != into.time() || p.obsSize() != into.obsSize() || p.numActions() != into.numActions()) {
        throw new IllegalArgumentException("cannot merge a batch of " + p.time() + " steps, obs " + p.obsSize()
            + ", actions " + p.numActions() + " into one of " + into.time() + ", " + into.obsSize() + ", "
            + into.numActions());
      }
      total += p.trials();
    }
    if (total != into.trials()) {
      throw new IllegalArgumentException("batches of " + total + " trials in all do not fill " + into.trials());
    }
    int n = into.trials();
    int obs = into.obsSize();
    int na = into.numActions();
    long oldest = Long.MAX_VALUE;
    int first = 0;
    for (TrialBatch p : parts) {
      int m = p.trials();
      for (int t = 0; t < into.time(); t++) {
        int src = t * m;
        int dst = t * n + first;
        System.arraycopy(p.obs, src * obs, into.obs, dst * obs, m * obs);
        System.arraycopy(p.actions, src, into.actions, dst, m);
        System.arraycopy(p.rewards, src, into.rewards, dst, m);
        System.arraycopy(p.logMu, src * na, into.logMu, dst * na, m * na);
        System.arraycopy(p.mask, src, into.mask, dst, m);
        System.arraycopy(p.episodeInTrial, src, into.episodeInTrial, dst, m);
      }
      System.arraycopy(p.trialReturns, 0, into.trialReturns, first, m);
      System.arraycopy(p.lengths, 0, into.lengths, first, m);
      oldest = Math.min(oldest, p.paramVersion);
      first += m;
    }
    into.paramVersion = oldest;
    return into;
  }}
