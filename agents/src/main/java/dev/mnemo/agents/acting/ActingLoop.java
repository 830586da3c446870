package dev.mnemo.agents.acting;

import dev.mnemo.envs.StateIo;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.replay.SequenceAdder;
import dev.mnemo.replay.SequenceConfig;
import dev.mnemo.replay.SequencePriority;
import dev.mnemo.replay.SequenceSink;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The acting step of any replay-fed algorithm, free of any threading: a {@link VectorEnv} of N envs, an
 * {@link ActingPolicy} over them (R2D2's: the Q-network kernel and per-actor epsilon-greedy), and one
 * {@link SequenceAdder} per env that cuts the stream into sequences, each with the policy's recurrent state
 * before its first step, and hands them to a {@link SequenceSink}. An env worker actor drives one of these;
 * a synchronous trainer or a benchmark can drive it the same way.
 *
 * <p>When the sequence config stores behaviour logits, each step stores the policy's
 * {@link ActingPolicy#behaviourLogits()} (R2D2: its Q-values), and the adders give every finished sequence the
 * priority the algorithm's {@link SequencePriority} computes from them (R2D2: its actor-side TD errors); without
 * one, sequences enter at the replay's maximum priority.
 *
 * <p>Each env of the vector counts as one actor (its own policy row and adder, actor id
 * {@code firstActorId + i}). Every array is allocated in the constructor; {@link #step} allocates
 * nothing (the sink may).
 */
public final class ActingLoop {
  private final VectorEnv env;
  private final ActingPolicy policy;
  private final SequenceAdder[] adders;
  private final int n;
  private final int obsSize;
  private final int stateSize;
  private final int numActions;
  private final boolean storeLogits;
  private final float[] obs;
  private final float[] obsBefore;
  private final float[] rewards;
  private final boolean[] terminated;
  private final boolean[] truncated;
  private final int[] actions;
  private final int[] prevAction;
  private final float[] prevReward;
  private final float[] stateBefore;
  private long vectorSteps;
  private long episodes;
  private double returnSum;
  private boolean started;

  /**
   * @param env the envs this loop steps; its size fixes N
   * @param policy acts for the N envs
   * @param seq how sequences are cut (obs, state and action sizes must match env and policy)
   * @param sink receives every finished sequence
   * @param firstActorId actor id stored with the sequences of env 0 (env i gets firstActorId + i)
   * @param priority the actor-side priority of a finished sequence (one instance for this loop's adders, which
   *     run on its thread), or null: sequences enter at the replay's maximum priority
   */
  public ActingLoop(VectorEnv env, ActingPolicy policy, SequenceConfig seq, SequenceSink sink, int firstActorId,
      SequencePriority priority) {
    if (env == null || policy == null || seq == null || sink == null) {
      throw new IllegalArgumentException("ActingLoop needs env, policy, sequence config and sink");
    }
    n = env.size();
    if (policy.batch() != n) {
      throw new IllegalArgumentException("ActingLoop: env has " + n + " copies but the policy acts for "
          + policy.batch());
    }
    obsSize = env.spec().obsSize();
    stateSize = policy.stateSize();
    if (seq.obsSize() != obsSize || seq.stateSize() != stateSize || seq.numActions() != env.spec().numActions()) {
      throw new IllegalArgumentException("ActingLoop: sequence config " + seq + " does not match env "
          + env.spec() + " and the policy's state of " + stateSize + " floats");
    }
    numActions = seq.numActions();
    storeLogits = seq.storeLogits();
    float[] logits = policy.behaviourLogits();
    if (storeLogits && (logits == null || logits.length < n * numActions)) {
      throw new IllegalArgumentException("ActingLoop: the sequence config stores behaviour logits but the policy "
          + (logits == null ? "has none" : "has " + logits.length + " floats, not " + n + " x " + numActions));
    }
    this.env = env;
    this.policy = policy;
    adders = new SequenceAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new SequenceAdder(seq, sink, firstActorId + i, priority);
    }
    obs = new float[n * obsSize];
    obsBefore = new float[n * obsSize];
    rewards = new float[n];
    terminated = new boolean[n];
    truncated = new boolean[n];
    actions = new int[n];
    prevAction = new int[n];
    prevReward = new float[n];
    stateBefore = new float[n * stateSize];
  }

  /** Loads new parameters; running episodes keep their recurrent state (as R2D2's actors do). */
  public void load(ParamSnapshot snapshot) {
    policy.load(snapshot);
    for (SequenceAdder a : adders) {
      a.setParamVersion(snapshot.version());
    }
  }

  /** Parameter version in use, -1 before the first {@link #load}. */
  public long paramVersion() {
    return policy.paramVersion();
  }

  /** One step of every env: act, step, record; finished sequences go to the sink. */
  public void step() throws InterruptedException {
    if (!started) {
      env.reset(obs);
      policy.resetAllStates();
      java.util.Arrays.fill(prevAction, -1);
      java.util.Arrays.fill(prevReward, 0f);
      started = true;
    }
    policy.act(obs, prevAction, prevReward, actions);
    float[] logits = storeLogits ? policy.behaviourLogits() : null;
    for (int i = 0; i < n; i++) {
      policy.copyStateBefore(i, stateBefore, i * stateSize);
    }
    System.arraycopy(obs, 0, obsBefore, 0, obs.length);
    env.step(actions, obs, rewards, terminated, truncated);
    vectorSteps++;
    for (int i = 0; i < n; i++) {
      boolean done = terminated[i] || truncated[i];
      adders[i].add(obsBefore, i * obsSize, actions[i], rewards[i], terminated[i], truncated[i],
          stateBefore, i * stateSize, logits, i * numActions);
      if (done) {
        adders[i].endEpisode(env.finalObs(), i * obsSize);
        policy.resetState(i);
        prevAction[i] = -1;
        prevReward[i] = 0f;
        episodes++;
        returnSum += env.lastEpisodeReturn(i);
      } else {
        prevAction[i] = actions[i];
        prevReward[i] = rewards[i];
      }
    }
  }

  /**
   * Writes everything this loop carries from one step to the next apart from the policy's parameters: the envs
   * ({@link VectorEnv#writeState}), the policy's states and random streams, every adder's episode under way,
   * the observations and previous actions and rewards, and the counters. A checkpoint taken between two
   * {@link #step}s continues exactly after {@link #readState} (with the same parameters loaded).
   */
  public void writeState(DataOutput out) throws IOException {
    out.writeBoolean(started);
    out.writeLong(vectorSteps);
    out.writeLong(episodes);
    out.writeDouble(returnSum);
    env.writeState(out);
    StateIo.writeFloats(out, obs, 0, obs.length);
    for (int i = 0; i < n; i++) {
      out.writeInt(prevAction[i]);
      out.writeFloat(prevReward[i]);
    }
    policy.writeState(out);
    for (SequenceAdder a : adders) {
      a.writeState(out);
    }
  }

  /**
   * Restores a {@link #writeState} into a loop built from the same config.
   *
   * @throws IllegalStateException when the envs' re-play does not reach the saved observations (an env that is
   *     not deterministic given its seed) or the state is for another shape
   */
  public void readState(DataInput in) throws IOException {
    started = in.readBoolean();
    vectorSteps = in.readLong();
    episodes = in.readLong();
    returnSum = in.readDouble();
    float[] replayed = new float[obs.length];
    env.readState(in, replayed);
    StateIo.readFloats(in, obs, 0, obs.length);
    if (started && !Arrays.equals(replayed, obs)) {
      throw new IllegalStateException(env.spec().id() + ": re-playing the envs' episodes from their seeds gave "
          + "other observations than the saved ones: the env is not deterministic given its seed, so the run "
          + "cannot continue exactly from a checkpoint");
    }
    for (int i = 0; i < n; i++) {
      prevAction[i] = in.readInt();
      prevReward[i] = in.readFloat();
    }
    policy.readState(in);
    for (SequenceAdder a : adders) {
      a.readState(in);
    }
  }

  /** Number of envs N. */
  public int size() {
    return n;
  }

  /** Calls of {@link #step}; env steps are {@code vectorSteps() * size()}. */
  public long vectorSteps() {
    return vectorSteps;
  }

  /** Episodes completed so far over all envs. */
  public long episodes() {
    return episodes;
  }

  /** Sum of the undiscounted returns of the completed episodes. */
  public double returnSum() {
    return returnSum;
  }

  /** Envs with an episode under way (its unfinished sequences are lost if the loop is abandoned). */
  public int episodesInFlight() {
    if (!started) {
      return 0;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (env.currentEpisodeLength(i) > 0) {
        k++;
      }
    }
    return k;
  }

  /** Sequences handed to the sink so far, over all envs. */
  public long emittedSequences() {
    long s = 0;
    for (SequenceAdder a : adders) {
      s += a.emittedSequences();
    }
    return s;
  }
}
