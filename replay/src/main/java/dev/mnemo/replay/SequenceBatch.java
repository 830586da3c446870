package dev.mnemo.replay;

import java.util.Arrays;

/**
 * A batch of B sequences of T steps as struct-of-arrays, laid out row-major so a learner wraps each
 * array as a [B, T, ...] tensor without copying element by element. Reusable: the replay samples
 * <em>into</em> an existing batch, and a {@link SequenceAdder} hands finished sequences to its sink as
 * a batch of one.
 *
 * <h2>Steps, padding and bootstrapping</h2>
 * Step {@code t} of row {@code b} lives at index {@code b*T + t} (times the element width). For a real
 * step ({@code mask = 1}), {@code obs} is the observation at which {@code actions[t]} was taken,
 * {@code rewards[t]} the reward received after it, and {@code discounts[t]} is 0 if the episode
 * TERMINATED at step t and 1 otherwise (also 1 when the episode was TRUNCATED there). Steps after the
 * end of an episode are padding ({@code mask = 0}, discount 0, reward 0, action 0).
 *
 * <p>Truncation (a time limit) is bootstrappable: when an episode ends after its last real step
 * {@code e}, the step {@code e+1} (if it fits in the window) is a padding step that still carries the
 * episode's final observation in {@code obs} (required after a truncation; after a termination only if
 * the actor passed it, else zeros), with {@code prevActions[e+1] = actions[e]} and
 * {@code prevRewards[e+1] = rewards[e]}, so a learner can compute the value of that observation. Its
 * discount is 0 and its mask 0: it is an input, never a training step. After a TERMINATION
 * {@code discounts[e] = 0} so whatever is at {@code e+1} gets no weight. Padding after {@code e+1} is all
 * zeros with {@code prevActions = -1}.
 *
 * <p>A sequence whose episode continues past its window has all T steps real. The learner unrolls
 * steps {@code [0, burnIn)} from {@code state0} without gradient, trains on
 * {@code [burnIn, burnIn + trainLength)} and uses the last {@code nStep} steps only as bootstrap
 * targets. A sequence never crosses an episode (or, with {@link SequenceBoundary#TRIAL}, a trial), so
 * burn-in never sees a previous episode; a sequence that starts at an episode start stores the zero
 * state the actor started from.
 *
 * <p>{@code prevActions[t]} is the action before step t and {@code -1} at an episode start (a trial
 * start with {@link SequenceBoundary#TRIAL}); {@code prevRewards[t]} is 0 there. {@code episodeStarts[t]}
 * is 1 at the first step of an episode (RL²'s "done" input is {@code episodeStarts[t]} for t past the
 * trial start).
 *
 * <p>Sampled batches also carry, per row, the replay {@link #slots} and {@link #generations} that key a
 * priority update, and the normalised importance weights {@link #weights}.
 */
public final class SequenceBatch {
  private final int batchSize;
  private final int length;
  private final int obsSize;
  private final int stateSize;
  private final int numActions;

  /** [B*T*obsSize] observation at which actions[t] was taken (final observation in the bootstrap step). */
  public final float[] obs;
  /** [B*T] action taken at step t (0 on padding). */
  public final int[] actions;
  /** [B*T] reward received after actions[t]. */
  public final float[] rewards;
  /** [B*T] 0 if the episode terminated at step t or t is padding, else 1. */
  public final float[] discounts;
  /** [B*T] 1 for a real step, 0 for padding. */
  public final float[] mask;
  /** [B*T] action before step t; -1 at an episode (or trial) start. */
  public final int[] prevActions;
  /** [B*T] reward before step t; 0 at an episode (or trial) start. */
  public final float[] prevRewards;
  /** [B*T] 1 at the first step of an episode, else 0. */
  public final float[] episodeStarts;
  /**
   * [B*stateSize] the recurrent core's state before step 0 of each sequence: one opaque vector per row
   * whose width and meaning belong to the core (LSTM: [h | c]; GRU, Elman: [h]).
   */
  public final float[] state0;
  /** [B] id of the actor that produced each sequence. */
  public final int[] actorIds;
  /** [B] parameter version the actor ran at the first step of each sequence. */
  public final long[] paramVersions;
  /** [B*T*numActions] behaviour policy logits (or Q-values) per step, or null when not stored. */
  public final float[] behaviourLogits;
  /** [B] replay slot of each sampled row (key of a priority update). */
  public final int[] slots;
  /** [B] generation of each sampled row (key of a priority update; stale keys are ignored). */
  public final long[] generations;
  /** [B] importance weights (N·P)^-β divided by their maximum over the batch. */
  public final float[] weights;

  /**
   * @param batchSize rows B
   * @param length steps per row T
   * @param obsSize floats per observation
   * @param stateSize floats of recurrent state per sequence (the core's state width)
   * @param numActions discrete actions
   * @param withLogits allocate {@link #behaviourLogits}
   */
  public SequenceBatch(int batchSize, int length, int obsSize, int stateSize, int numActions,
      boolean withLogits) {
    require("batchSize", batchSize, 1);
    require("length", length, 1);
    require("obsSize", obsSize, 1);
    require("stateSize", stateSize, 0);
    require("numActions", numActions, 1);
    long steps = (long) batchSize * length;
    if (steps * Math.max(obsSize, numActions) > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("batch too large: " + batchSize + " x " + length + " x "
          + Math.max(obsSize, numActions) + " exceeds one Java array");
    }
    this.batchSize = batchSize;
    this.length = length;
    this.obsSize = obsSize;
    this.stateSize = stateSize;
    this.numActions = numActions;
    int n = (int) steps;
    obs = new float[n * obsSize];
    actions = new int[n];
    rewards = new float[n];
    discounts = new float[n];
    mask = new float[n];
    prevActions = new int[n];
    prevRewards = new float[n];
    episodeStarts = new float[n];
    state0 = new float[batchSize * stateSize];
    actorIds = new int[batchSize];
    paramVersions = new long[batchSize];
    behaviourLogits = withLogits ? new float[n * numActions] : null;
    slots = new int[batchSize];
    generations = new long[batchSize];
    weights = new float[batchSize];
  }

  /** A batch shaped for sequences cut by {@code cfg}. */
  public SequenceBatch(int batchSize, SequenceConfig cfg) {
    this(batchSize, cfg.length(), cfg.obsSize(), cfg.stateSize(), cfg.numActions(), cfg.storeLogits());
  }

  public int batchSize() {
    return batchSize;
  }

  /** T = burnIn + trainLength + nStep. */
  public int length() {
    return length;
  }

  public int obsSize() {
    return obsSize;
  }

  public int stateSize() {
    return stateSize;
  }

  public int numActions() {
    return numActions;
  }

  public boolean hasLogits() {
    return behaviourLogits != null;
  }

  /** Number of real (mask 1) steps in row {@code b}. */
  public int realSteps(int b) {
    int n = 0;
    for (int t = b * length, end = t + length; t < end; t++) {
      if (mask[t] != 0f) {
        n++;
      }
    }
    return n;
  }

  /** True if this batch has the same shape as {@code other} (rows may differ). */
  public boolean sameStepShape(SequenceBatch other) {
    return length == other.length && obsSize == other.obsSize && stateSize == other.stateSize
        && numActions == other.numActions && hasLogits() == other.hasLogits();
  }

  /** Copies row {@code srcRow} of {@code src} into row {@code dstRow} of this batch (same step shape). */
  public void copyRowFrom(SequenceBatch src, int srcRow, int dstRow) {
    if (!sameStepShape(src)) {
      throw new IllegalArgumentException("batch shapes differ: " + src.shape() + " vs " + shape());
    }
    checkRow(srcRow, src.batchSize);
    checkRow(dstRow, batchSize);
    int s = srcRow * length;
    int d = dstRow * length;
    System.arraycopy(src.obs, s * obsSize, obs, d * obsSize, length * obsSize);
    System.arraycopy(src.actions, s, actions, d, length);
    System.arraycopy(src.rewards, s, rewards, d, length);
    System.arraycopy(src.discounts, s, discounts, d, length);
    System.arraycopy(src.mask, s, mask, d, length);
    System.arraycopy(src.prevActions, s, prevActions, d, length);
    System.arraycopy(src.prevRewards, s, prevRewards, d, length);
    System.arraycopy(src.episodeStarts, s, episodeStarts, d, length);
    System.arraycopy(src.state0, srcRow * stateSize, state0, dstRow * stateSize, stateSize);
    if (behaviourLogits != null) {
      System.arraycopy(src.behaviourLogits, s * numActions, behaviourLogits, d * numActions,
          length * numActions);
    }
    actorIds[dstRow] = src.actorIds[srcRow];
    paramVersions[dstRow] = src.paramVersions[srcRow];
    slots[dstRow] = src.slots[srcRow];
    generations[dstRow] = src.generations[srcRow];
    weights[dstRow] = src.weights[srcRow];
  }

  /** Bytes of sequence payload per row (everything but the sampling keys and weights). */
  public static long payloadBytesPerSequence(int length, int obsSize, int stateSize, int numActions,
      boolean withLogits) {
    long perStep = 4L * obsSize + 4L * 7 + (withLogits ? 4L * numActions : 0);
    return perStep * length + 4L * stateSize + 4 + 8;
  }

  /** Resets every array of this batch to zero. */
  public void clear() {
    Arrays.fill(obs, 0f);
    Arrays.fill(actions, 0);
    Arrays.fill(rewards, 0f);
    Arrays.fill(discounts, 0f);
    Arrays.fill(mask, 0f);
    Arrays.fill(prevActions, 0);
    Arrays.fill(prevRewards, 0f);
    Arrays.fill(episodeStarts, 0f);
    Arrays.fill(state0, 0f);
    Arrays.fill(actorIds, 0);
    Arrays.fill(paramVersions, 0L);
    if (behaviourLogits != null) {
      Arrays.fill(behaviourLogits, 0f);
    }
    Arrays.fill(slots, 0);
    Arrays.fill(generations, 0L);
    Arrays.fill(weights, 0f);
  }

  String shape() {
    return "[B=" + batchSize + ", T=" + length + ", obs=" + obsSize + ", state=" + stateSize
        + ", actions=" + numActions + ", logits=" + hasLogits() + "]";
  }

  private static void checkRow(int row, int rows) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
    }
  }

  private static void require(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return "SequenceBatch" + shape();
  }
}
