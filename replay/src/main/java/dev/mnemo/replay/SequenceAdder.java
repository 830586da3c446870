package dev.mnemo.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Cuts the steps of one environment stream into overlapping fixed-length sequences and hands each
 * finished one to a {@link SequenceSink}. One adder per environment stream; not thread-safe.
 *
 * <p>Protocol, per step: act from observation {@code o_t} with recurrent state {@code (h_t, c_t)}, step
 * the environment, then {@link #add} {@code o_t}, the action, the reward and the terminated/truncated
 * flags of that step, and the state from <em>before</em> the step. When the step ended the episode, call
 * {@link #endEpisode} with the final observation (required after truncation, which is bootstrapped from
 * it). With {@link SequenceBoundary#TRIAL}, episode ends inside a trial need no call; {@link #endTrial}
 * closes the trial. The adder tracks the previous action and reward itself.
 *
 * <p>Sequences start at steps {@code 0, period, 2·period, ...} of an episode and never cross its end;
 * the tail is padded and masked (see {@link SequenceBatch} for the exact padding and bootstrap step).
 * A sequence whose trained window {@code [burnIn, burnIn + trainLength)} would hold no real step is
 * dropped and counted ({@link #droppedSequences()}), because it carries no loss: so an episode shorter
 * than the burn-in yields nothing, and only the first {@code burnIn} steps of an episode are never
 * trained on, every later step falls in the trained window of some emitted sequence.
 *
 * <p>Steady-state {@code add} allocates nothing: steps go into a ring of T preallocated steps and a
 * finished sequence is assembled in a reusable batch of one.
 */
public final class SequenceAdder {
  private final SequenceConfig cfg;
  private final SequenceSink sink;
  private final SequencePriority priorityFn;
  private final int actorId;
  private final int len;
  private final int obsSize;
  private final int stateSize;
  private final int numActions;

  // Ring of the last T steps of the current episode (trial): step t lives at t % T.
  private final float[] ringObs;
  private final int[] ringActions;
  private final float[] ringRewards;
  private final float[] ringDiscounts;
  private final int[] ringPrevActions;
  private final float[] ringPrevRewards;
  private final float[] ringEpisodeStarts;
  private final float[] ringState;
  private final float[] ringLogits;
  private final long[] ringVersions;

  private final SequenceBatch out;

  private int segmentStep;
  private int prevAction = -1;
  private float prevReward;
  private boolean nextIsEpisodeStart = true;
  private boolean awaitingEpisodeEnd;
  private long paramVersion;
  private long steps;
  private long emitted;
  private long dropped;

  /** An adder without actor-side priorities (sequences enter at the replay's max priority). */
  public SequenceAdder(SequenceConfig cfg, SequenceSink sink, int actorId) {
    this(cfg, sink, actorId, null);
  }

  /**
   * @param cfg how to cut sequences
   * @param sink receives finished sequences
   * @param actorId stored with every sequence
   * @param priorityFn actor-side priority of a finished sequence, or null for the replay's max
   */
  public SequenceAdder(SequenceConfig cfg, SequenceSink sink, int actorId, SequencePriority priorityFn) {
    if (cfg == null || sink == null) {
      throw new IllegalArgumentException("cfg and sink must not be null");
    }
    this.cfg = cfg;
    this.sink = sink;
    this.priorityFn = priorityFn;
    this.actorId = actorId;
    this.len = cfg.length();
    this.obsSize = cfg.obsSize();
    this.stateSize = cfg.stateSize();
    this.numActions = cfg.numActions();
    ringObs = new float[len * obsSize];
    ringActions = new int[len];
    ringRewards = new float[len];
    ringDiscounts = new float[len];
    ringPrevActions = new int[len];
    ringPrevRewards = new float[len];
    ringEpisodeStarts = new float[len];
    ringState = new float[len * stateSize];
    ringLogits = cfg.storeLogits() ? new float[len * numActions] : null;
    ringVersions = new long[len];
    out = new SequenceBatch(1, cfg);
  }

  public SequenceConfig config() {
    return cfg;
  }

  /** Parameter version the actor runs from now on (recorded per step; a sequence keeps its first). */
  public void setParamVersion(long version) {
    this.paramVersion = version;
  }

  /** Adds a step without behaviour logits (the config must not store logits). */
  public void add(float[] obs, int obsOffset, int action, float reward, boolean terminated,
      boolean truncated, float[] state, int stateOffset) throws InterruptedException {
    add(obs, obsOffset, action, reward, terminated, truncated, state, stateOffset, null, 0);
  }

  /**
   * Adds one step.
   *
   * @param obs observation at which the action was taken, read at {@code obsOffset}
   * @param action action taken, in {@code [0, numActions)}
   * @param reward reward received after the action
   * @param terminated the episode reached a terminal state at this step (value after it is 0)
   * @param truncated the episode was cut at this step (time limit; bootstrapped from the final obs)
   * @param state the recurrent core's state before this step ({@code stateSize} floats, opaque), read at
   *     {@code stateOffset}; null means zeros
   * @param logits behaviour logits of this step, read at {@code logitsOffset}; required iff the
   *     config stores logits
   * @throws InterruptedException if the sink was interrupted while waiting (the partial episode is
   *     then dropped)
   */
  public void add(float[] obs, int obsOffset, int action, float reward, boolean terminated,
      boolean truncated, float[] state, int stateOffset, float[] logits, int logitsOffset)
      throws InterruptedException {
    if (awaitingEpisodeEnd) {
      throw new IllegalStateException("actor " + actorId + ": the episode ended at the previous step;"
          + " call endEpisode(finalObs) before adding the first step of the next episode");
    }
    if (action < 0 || action >= numActions) {
      throw new IllegalArgumentException("action must be in [0, " + numActions + "), got " + action);
    }
    if (cfg.storeLogits() && logits == null) {
      throw new IllegalArgumentException("config stores behaviour logits but logits is null");
    }
    if (segmentStep == 0) {
      // The classic pitfall is an actor that forgets to reset its state at an episode start: the
      // first sequence would then store a state from the previous episode.
      requireZero(state, stateOffset, "state");
    }
    int t = segmentStep;
    int pos = t % len;
    System.arraycopy(obs, obsOffset, ringObs, pos * obsSize, obsSize);
    ringActions[pos] = action;
    ringRewards[pos] = reward;
    ringDiscounts[pos] = terminated ? 0f : 1f;
    ringPrevActions[pos] = prevAction;
    ringPrevRewards[pos] = prevReward;
    ringEpisodeStarts[pos] = nextIsEpisodeStart ? 1f : 0f;
    copyOrZero(state, stateOffset, ringState, pos * stateSize, stateSize);
    if (ringLogits != null) {
      System.arraycopy(logits, logitsOffset, ringLogits, pos * numActions, numActions);
    }
    ringVersions[pos] = paramVersion;
    prevAction = action;
    prevReward = reward;
    nextIsEpisodeStart = false;
    segmentStep = t + 1;
    steps++;
    boolean episodeEnded = terminated || truncated;
    if (episodeEnded) {
      if (cfg.boundary() == SequenceBoundary.EPISODE) {
        awaitingEpisodeEnd = true;
      } else {
        nextIsEpisodeStart = true;
      }
    }
    int start = segmentStep - len;
    if (start >= 0 && start % cfg.period() == 0) {
      emit(start, len, null, 0);
    }
  }

  /**
   * Closes the episode whose last step was just added with terminated or truncated set, emitting its
   * remaining sequences padded.
   *
   * @param finalObs the observation after the last step (required after truncation; may be null
   *     after termination), read at {@code offset}
   */
  public void endEpisode(float[] finalObs, int offset) throws InterruptedException {
    if (cfg.boundary() != SequenceBoundary.EPISODE) {
      throw new IllegalStateException("boundary is " + cfg.boundary() + ": close trials with endTrial");
    }
    if (!awaitingEpisodeEnd) {
      throw new IllegalStateException("actor " + actorId
          + ": endEpisode without a terminated or truncated step (use reset() to abandon an episode)");
    }
    flush(finalObs, offset);
  }

  /**
   * Closes the current trial ({@link SequenceBoundary#TRIAL}), emitting its remaining sequences padded.
   *
   * @param finalObs the observation after the last step (required unless the last step terminated)
   */
  public void endTrial(float[] finalObs, int offset) throws InterruptedException {
    if (cfg.boundary() != SequenceBoundary.TRIAL) {
      throw new IllegalStateException("boundary is " + cfg.boundary() + ": close episodes with endEpisode");
    }
    if (segmentStep == 0) {
      throw new IllegalStateException("actor " + actorId + ": endTrial on an empty trial");
    }
    flush(finalObs, offset);
  }

  /** Abandons the current episode (trial) without emitting its unfinished sequences. */
  public void reset() {
    segmentStep = 0;
    prevAction = -1;
    prevReward = 0f;
    nextIsEpisodeStart = true;
    awaitingEpisodeEnd = false;
  }

  /**
   * Writes the episode under way (the ring of its last T steps) and the counters, so that {@link #readState}
   * continues cutting sequences exactly where this adder stands.
   */
  public void writeState(DataOutput out) throws IOException {
    out.writeInt(len);
    out.writeInt(obsSize);
    out.writeInt(stateSize);
    out.writeInt(numActions);
    out.writeBoolean(ringLogits != null);
    writeFloats(out, ringObs);
    writeInts(out, ringActions);
    writeFloats(out, ringRewards);
    writeFloats(out, ringDiscounts);
    writeInts(out, ringPrevActions);
    writeFloats(out, ringPrevRewards);
    writeFloats(out, ringEpisodeStarts);
    writeFloats(out, ringState);
    if (ringLogits != null) {
      writeFloats(out, ringLogits);
    }
    for (long v : ringVersions) {
      out.writeLong(v);
    }
    out.writeInt(segmentStep);
    out.writeInt(prevAction);
    out.writeFloat(prevReward);
    out.writeBoolean(nextIsEpisodeStart);
    out.writeBoolean(awaitingEpisodeEnd);
    out.writeLong(paramVersion);
    out.writeLong(steps);
    out.writeLong(emitted);
    out.writeLong(dropped);
  }

  /**
   * Restores a {@link #writeState} of an adder with the same sequence shapes.
   *
   * @throws IllegalStateException naming the shape that differs
   */
  public void readState(DataInput in) throws IOException {
    int l = in.readInt();
    int o = in.readInt();
    int st = in.readInt();
    int a = in.readInt();
    boolean logits = in.readBoolean();
    if (l != len || o != obsSize || st != stateSize || a != numActions || logits != (ringLogits != null)) {
      throw new IllegalStateException("actor " + actorId + ": the saved adder cut sequences of " + l + " steps, obs "
          + o + ", state " + st + ", " + a + " actions, logits " + logits + "; this one " + len + ", " + obsSize
          + ", " + stateSize + ", " + numActions + ", " + (ringLogits != null));
    }
    readFloats(in, ringObs);
    readInts(in, ringActions);
    readFloats(in, ringRewards);
    readFloats(in, ringDiscounts);
    readInts(in, ringPrevActions);
    readFloats(in, ringPrevRewards);
    readFloats(in, ringEpisodeStarts);
    readFloats(in, ringState);
    if (ringLogits != null) {
      readFloats(in, ringLogits);
    }
    for (int i = 0; i < ringVersions.length; i++) {
      ringVersions[i] = in.readLong();
    }
    segmentStep = in.readInt();
    prevAction = in.readInt();
    prevReward = in.readFloat();
    nextIsEpisodeStart = in.readBoolean();
    awaitingEpisodeEnd = in.readBoolean();
    paramVersion = in.readLong();
    steps = in.readLong();
    emitted = in.readLong();
    dropped = in.readLong();
  }

  // envs' StateIo writes the same encoding; replay depends on the JDK alone, so these four stay here.
  private static void writeFloats(DataOutput out, float[] a) throws IOException {
    for (float v : a) {
      out.writeFloat(v);
    }
  }

  private static void writeInts(DataOutput out, int[] a) throws IOException {
    for (int v : a) {
      out.writeInt(v);
    }
  }

  private static void readFloats(DataInput in, float[] a) throws IOException {
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readFloat();
    }
  }

  private static void readInts(DataInput in, int[] a) throws IOException {
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readInt();
    }
  }

  /** Steps added since creation. */
  public long steps() {
    return steps;
  }

  /** Sequences handed to the sink. */
  public long emittedSequences() {
    return emitted;
  }

  /** Sequences dropped because their trained window held no real step. */
  public long droppedSequences() {
    return dropped;
  }

  private void flush(float[] finalObs, int offset) throws InterruptedException {
    int length = segmentStep;
    int lastPos = (length - 1) % len;
    if (finalObs == null && ringDiscounts[lastPos] != 0f) {
      throw new IllegalArgumentException("actor " + actorId
          + ": finalObs is required when the last step did not terminate (it is bootstrapped from)");
    }
    try {
      // Sequences already emitted in full started at or before length - len; the open ones follow.
      int period = cfg.period();
      int first = Math.max(0, length - len + 1);
      first = ((first + period - 1) / period) * period;
      for (int s = first; s < length; s += period) {
        if (s + cfg.burnIn() >= length) {
          dropped++;
        } else {
          emit(s, length - s, finalObs, offset);
        }
      }
    } finally {
      reset();
    }
  }

  /** Assembles the sequence starting at segment step {@code start} with {@code real} real steps. */
  private void emit(int start, int real, float[] finalObs, int finalOffset) throws InterruptedException {
    SequenceBatch b = out;
    int p0 = start % len;
    int first = Math.min(real, len - p0);
    copySteps(p0, 0, first);
    if (real > first) {
      copySteps(0, first, real - first);
    }
    if (real < len) {
      int pad = real;
      Arrays.fill(b.obs, pad * obsSize, len * obsSize, 0f);
      Arrays.fill(b.actions, pad, len, 0);
      Arrays.fill(b.rewards, pad, len, 0f);
      Arrays.fill(b.discounts, pad, len, 0f);
      Arrays.fill(b.mask, pad, len, 0f);
      Arrays.fill(b.prevActions, pad, len, -1);
      Arrays.fill(b.prevRewards, pad, len, 0f);
      Arrays.fill(b.episodeStarts, pad, len, 0f);
      if (b.behaviourLogits != null) {
        Arrays.fill(b.behaviourLogits, pad * numActions, len * numActions, 0f);
      }
      // The bootstrap step: the final observation and what led to it, masked out of the loss.
      if (finalObs != null) {
        System.arraycopy(finalObs, finalOffset, b.obs, pad * obsSize, obsSize);
      }
      b.prevActions[pad] = b.actions[pad - 1];
      b.prevRewards[pad] = b.rewards[pad - 1];
    }
    if (cfg.storeZeroState()) {
      Arrays.fill(b.state0, 0f);
    } else {
      System.arraycopy(ringState, p0 * stateSize, b.state0, 0, stateSize);
    }
    b.actorIds[0] = actorId;
    b.paramVersions[0] = ringVersions[p0];
    float priority = priorityFn == null ? SequenceSink.MAX_PRIORITY : priorityFn.priority(b, 0);
    boolean done = false;
    try {
      sink.accept(b, 0, priority);
      done = true;
      emitted++;
    } finally {
      if (!done) {
        reset();
      }
    }
  }

  private void copySteps(int ringFrom, int seqFrom, int n) {
    SequenceBatch b = out;
    System.arraycopy(ringObs, ringFrom * obsSize, b.obs, seqFrom * obsSize, n * obsSize);
    System.arraycopy(ringActions, ringFrom, b.actions, seqFrom, n);
    System.arraycopy(ringRewards, ringFrom, b.rewards, seqFrom, n);
    System.arraycopy(ringDiscounts, ringFrom, b.discounts, seqFrom, n);
    Arrays.fill(b.mask, seqFrom, seqFrom + n, 1f);
    System.arraycopy(ringPrevActions, ringFrom, b.prevActions, seqFrom, n);
    System.arraycopy(ringPrevRewards, ringFrom, b.prevRewards, seqFrom, n);
    System.arraycopy(ringEpisodeStarts, ringFrom, b.episodeStarts, seqFrom, n);
    if (ringLogits != null) {
      System.arraycopy(ringLogits, ringFrom * numActions, b.behaviourLogits, seqFrom * numActions,
          n * numActions);
    }
  }

  private void requireZero(float[] state, int offset, String name) {
    if (state == null) {
      return;
    }
    for (int i = 0; i < stateSize; i++) {
      if (state[offset + i] != 0f) {
        throw new IllegalArgumentException("actor " + actorId + ": recurrent state " + name
            + " must be zero at the start of an " + cfg.boundary().name().toLowerCase()
            + " (the actor did not reset it), got " + name + "[" + i + "]=" + state[offset + i]);
      }
    }
  }

  private static void copyOrZero(float[] src, int off, float[] dst, int dstOff, int n) {
    if (src == null) {
      Arrays.fill(dst, dstOff, dstOff + n, 0f);
    } else {
      System.arraycopy(src, off, dst, dstOff, n);
    }
  }
}
