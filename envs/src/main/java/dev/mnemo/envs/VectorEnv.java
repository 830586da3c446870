package dev.mnemo.envs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * N copies of one environment stepped together, with auto-reset, writing into caller-owned buffers.
 *
 * <p>Buffers are row-major: row {@code i} of {@code obs} is {@code obs[i*obsSize .. (i+1)*obsSize)}.
 *
 * <p>Auto-reset semantics (the ones a recurrent trainer needs): when copy {@code i} ends an episode in
 * {@link #step}, {@code terminated[i]} / {@code truncated[i]} and {@code rewards[i]} describe the last
 * transition of the ended episode, while row {@code i} of {@code obs} already holds the FIRST
 * observation of the next episode (so the next {@code step} acts in the new episode). The last
 * observation of the ended episode, which a truncated transition bootstraps from, is row {@code i} of
 * {@link #finalObs()}; the ended episode's return and length are {@link #lastEpisodeReturn(int)} and
 * {@link #lastEpisodeLength(int)}. Those three stay valid until copy {@code i} ends its next episode.
 *
 * <p>Seeds: episode {@code e} of copy {@code i} is reset with {@link Seeds#episodeSeed}(seed, i, e), so
 * a run is reproducible from the master seed alone, whatever the order in which copies end episodes.
 *
 * <p>Checkpoints ({@link #writeState}, {@link #readState}): an episode is a function of its reset seed and its
 * actions (the {@link Env} contract), so the vector env keeps the actions of every copy's current episode, and a
 * restore re-plays them from the episode's seed instead of asking every env type to serialise itself.
 *
 * <p>Speed: copies are stepped together by their type's {@link CopiesStepper} when it has one (states in arrays,
 * loops the JIT vectorises, constants the copies share read once), else one by one through {@link Env#stepInto},
 * which writes each transition straight into the caller's buffers. A stepper checks every copy's action itself
 * before any moves, so the actions are checked here only for copies stepped one by one. The per-copy bookkeeping is
 * one add (the running return) and a branch-free append to the list of copies whose episode ended (made by the
 * stepper, in its own loop where copies end at different steps: {@link CopiesStepper#stepAllListingEnded}); episode
 * lengths are step counts and the action log is one row per step, copied in bulk; rows of a few floats are copied by
 * loops, not {@code System.arraycopy} (whose call costs more than the copy). With envs whose step costs 10 ns, a few
 * ns per copy is the difference between beating a hand loop over one env and running at half its rate.
 *
 * <p>No allocation per step: every array is allocated in the constructor except the action log, which grows,
 * amortised, to the longest stretch of steps some copy's current episode spans (rows older than every copy's
 * current episode are dropped when it fills).
 */
public final class VectorEnv implements AutoCloseable {
  private final Env[] envs;
  /** The env type's way of stepping all copies in one call ({@link Env#copiesStepper}), or null: one by one. */
  private final CopiesStepper stepper;
  /** {@link CopiesStepper#listsEndedWhileStepping} of {@link #stepper}, asked once. */
  private final boolean stepperListsEnded;
  private final EnvSpec spec;
  private final int obsSize;
  private final long seed;
  private final long[] episodeCount;
  /**
   * {@link Seeds#combinePrefix} of {@code combine(seed, i)} per copy: episode seeds are
   * {@link Seeds#episodeSeed}{@code (seed, i, e) = combineWith(prefix[i], e)}, one mix instead of four per reset
   * (with one-step episodes, the four were a third of a cheap env's step).
   */
  private final long[] seedPrefix;
  private final float[] finalObs;
  private final double[] runningReturn;
  private final double[] lastReturn;
  private final int[] lastLength;
  private final long[] completedEpisodes;
  /**
   * Vector steps since {@link #reset}, and per copy the step at which its current episode began: its length so
   * far is their difference, so no per-copy counter is written on every step.
   */
  private long steps;
  private final long[] episodeStart;
  /** Scratch for {@link #step}: the copies whose episode the step ended, in copy order. */
  private final int[] endedCopies;
  /**
   * The actions of recent steps, one row of {@code n} per step ({@code System.arraycopy} of the caller's
   * actions, instead of a store into a per-copy log per copy): row {@code r} holds step {@code logBase + r}
   * (counted from 0 since the reset), for the {@code logRows} steps since the oldest start of a current episode.
   * What a restore re-plays.
   */
  private int[] actionLog;
  private long logBase;
  private int logRows;
  private boolean started;

  /**
   * @param factory makes copy {@code i}; every copy must have the same spec
   * @param n number of copies, at least 1
   * @param seed master seed from which every episode's seed is derived
   */
  public VectorEnv(IntFunction<Env> factory, int n, long seed) {
    BaseEnv.requirePositive("VectorEnv size n", n);
    if (factory == null) {
      throw new IllegalArgumentException("VectorEnv env factory must not be null");
    }
    this.envs = new Env[n];
    for (int i = 0; i < n; i++) {
      envs[i] = factory.apply(i);
      if (envs[i] == null) {
        throw new IllegalArgumentException("VectorEnv env factory returned null for copy " + i);
      }
    }
    this.spec = envs[0].spec();
    for (int i = 1; i < n; i++) {
      if (!envs[i].spec().equals(spec)) {
        throw new IllegalArgumentException("VectorEnv copies must share one spec: copy 0 has " + spec
            + ", copy " + i + " has " + envs[i].spec());
      }
    }
    this.obsSize = spec.obsSize();
    this.seed = seed;
    this.episodeCount = new long[n];
    this.seedPrefix = new long[n];
    for (int i = 0; i < n; i++) {
      seedPrefix[i] = Seeds.combinePrefix(Seeds.combine(seed, i));
    }
    this.finalObs = new float[n * obsSize];
    this.runningReturn = new double[n];
    this.lastReturn = new double[n];
    this.lastLength = new int[n];
    this.completedEpisodes = new long[n];
    this.episodeStart = new long[n];
    this.endedCopies = new int[n];
    this.actionLog = new int[16 * n];
    this.stepper = envs[0].copiesStepper(envs.clone());
    this.stepperListsEnded = stepper != null && stepper.listsEndedWhileStepping();
  }

  /** {@code n} copies of the registry environment {@code id} (see {@link EnvRegistry#make}). */
  public VectorEnv(String id, int n, long seed) {
    this(i -> EnvRegistry.make(id), n, seed);
  }

  /** Number of copies. */
  public int size() {
    return envs.length;
  }

  /** The spec every copy shares. */
  public EnvSpec spec() {
    return spec;
  }

  /** Copy {@code i}, e.g. to inspect its hidden state in a test; do not step it directly. */
  public Env env(int i) {
    return envs[i];
  }

  /**
   * Starts a fresh episode in every copy and writes the first observations into {@code obs}. The
   * episode counters restart too, so resetting again replays the same seeds (useful for evaluation).
   */
  public void reset(float[] obs) {
    checkLength("obs", obs.length, envs.length * obsSize);
    steps = 0;
    logBase = 0;
    logRows = 0;
    for (int i = 0; i < envs.length; i++) {
      episodeCount[i] = 0;
      completedEpisodes[i] = 0;
      startEpisode(i, obs);
    }
    started = true;
  }

  /**
   * Steps every copy with {@code actions[i]} and auto-resets the copies whose episode ended (see the
   * class comment for what each buffer holds then).
   */
  public void step(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
      boolean[] truncated) {
    if (!started) {
      throw new IllegalStateException(spec.id() + ": VectorEnv.step() before reset(obs)");
    }
    int n = envs.length;
    checkLength("actions", actions.length, n);
    checkLength("obs", obs.length, n * obsSize);
    checkLength("rewards", rewards.length, n);
    checkLength("terminated", terminated.length, n);
    checkLength("truncated", truncated.length, n);
    // Every action is validated before any copy steps: a bad action must not leave the copies out of step with each
    // other. A stepper checks its copies itself before any moves (its contract), so the check is not made twice.
    if (stepper == null) {
      int lastAction = spec.numActions() - 1;
      int outOfRange = 0;
      for (int i = 0; i < n; i++) {
        outOfRange |= actions[i] | (lastAction - actions[i]);
      }
      if (outOfRange < 0) {
        throw badAction(actions);
      }
    }
    if (logRows * n == actionLog.length) {
      makeLogRoom();
    }
    long step = steps + 1;
    // Two passes: the steps alone in a tight loop, then the (rare) ends of episodes. A reset inlined into the
    // stepping loop (a deck shuffle is a loop of its own) would make it an outer loop the JIT optimises less.
    boolean anyEnded = false;
    int[] ended = endedCopies;
    int count = 0;
    if (stepper != null) {
      try {
        if (stepperListsEnded) {
          count = stepper.stepAllListingEnded(actions, obs, rewards, terminated, truncated, ended);
          anyEnded = count > 0;
        } else {
          anyEnded = stepper.stepAll(actions, obs, rewards, terminated, truncated);
        }
      } catch (IllegalArgumentException e) {
        throw actionsInRange(actions) ? e : badAction(actions); // no copy has moved
      }
    } else {
      for (int i = 0; i < n; i++) {
        anyEnded |= envs[i].stepInto(actions[i], i, obs, rewards, terminated, truncated);
      }
    }
    System.arraycopy(actions, 0, actionLog, logRows * n, n);
    logRows++;
    steps = step;
    for (int i = 0; i < n; i++) { // a loop of its own, unrolled (C2 of JDK 17 does not vectorise float to double)
      runningReturn[i] += rewards[i];
    }
    if (!anyEnded) { // most steps of envs whose episodes outlast many steps; 9 in 10 of a trial of 10 one-step episodes
      return;
    }
    if (!stepperListsEnded) {
      count = CopiesStepper.listEnded(terminated, truncated, ended);
    }
    int os = obsSize;
    for (int k = 0; k < count; k++) {
      int i = ended[k];
      for (int j = i * os, end = j + os; j < end; j++) {
        finalObs[j] = obs[j];
      }
      lastReturn[i] = runningReturn[i];
      lastLength[i] = (int) (step - episodeStart[i]);
      completedEpisodes[i]++;
      startEpisode(i, obs);
    }
  }

  private boolean actionsInRange(int[] actions) {
    for (int a : actions) {
      if (a < 0 || a >= spec.numActions()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Drops the log rows older than every copy's current episode, and doubles the log when that frees less than
   * half of it (so each row is moved at most once per doubling: amortised O(1) per step).
   */
  private void makeLogRoom() {
    int n = envs.length;
    long oldest = steps;
    for (long start : episodeStart) {
      oldest = Math.min(oldest, start);
    }
    int drop = (int) (oldest - logBase);
    if (drop > 0) {
      System.arraycopy(actionLog, drop * n, actionLog, 0, (logRows - drop) * n);
      logBase = oldest;
      logRows -= drop;
    }
    if (2 * logRows * n > actionLog.length) {
      actionLog = Arrays.copyOf(actionLog, Math.multiplyExact(actionLog.length, 2));
    }
  }

  private void startEpisode(int i, float[] obs) {
    float[] first = envs[i].reset(Seeds.combineWith(seedPrefix[i], episodeCount[i]++)).obs;
    int off = i * obsSize;
    for (int k = 0; k < first.length; k++) {
      obs[off + k] = first[k];
    }
    runningReturn[i] = 0;
    episodeStart[i] = steps;
  }

  /** The action copy {@code i} took at step {@code t} (0-based) of its current episode. */
  private int episodeAction(int i, int t) {
    return actionLog[(int) (episodeStart[i] - logBase + t) * envs.length + i];
  }

  /**
   * Final observations of ended episodes, {@code [n * obsSize]}: row {@code i} is meaningful right after
   * a step that flagged copy {@code i} done. A live view, not a copy: read it before the next step.
   */
  public float[] finalObs() {
    return finalObs;
  }

  /** Undiscounted return of the last episode copy {@code i} completed. */
  public double lastEpisodeReturn(int i) {
    return lastReturn[i];
  }

  /** Length in steps of the last episode copy {@code i} completed. */
  public int lastEpisodeLength(int i) {
    return lastLength[i];
  }

  /** Episodes copy {@code i} has completed since the last {@link #reset}. */
  public long completedEpisodes(int i) {
    return completedEpisodes[i];
  }

  /** Return accumulated so far in copy {@code i}'s current episode. */
  public double currentEpisodeReturn(int i) {
    return runningReturn[i];
  }

  /** Steps taken so far in copy {@code i}'s current episode. */
  public int currentEpisodeLength(int i) {
    return (int) (steps - episodeStart[i]);
  }

  /**
   * Writes what a restore needs to continue exactly: per copy its episode counters and statistics, the last
   * final observation, and the actions of its current episode.
   */
  public void writeState(DataOutput out) throws IOException {
    out.writeInt(envs.length);
    out.writeInt(obsSize);
    out.writeLong(seed);
    out.writeBoolean(started);
    for (int i = 0; i < envs.length; i++) {
      out.writeLong(episodeCount[i]);
      out.writeLong(completedEpisodes[i]);
      out.writeDouble(runningReturn[i]);
      out.writeDouble(lastReturn[i]);
      out.writeInt(lastLength[i]);
      StateIo.writeFloats(out, finalObs, i * obsSize, obsSize);
      int len = currentEpisodeLength(i);
      out.writeInt(len);
      for (int t = 0; t < len; t++) {
        out.writeInt(episodeAction(i, t));
      }
    }
  }

  /**
   * Restores a {@link #writeState} of a vector env of the same env, size and seed: each copy's current episode is
   * re-played from its seed with its logged actions, and the observation it reached is written into row
   * {@code i} of {@code obs} (where {@link #step} would have left it).
   *
   * @throws IllegalStateException when the state is for another vector env, or the re-play does not reproduce
   *     the episode (an env that is not deterministic given its seed, e.g. a remote one that ignores it)
   */
  public void readState(DataInput in, float[] obs) throws IOException {
    checkLength("obs", obs.length, envs.length * obsSize);
    int n = in.readInt();
    int os = in.readInt();
    long s = in.readLong();
    if (n != envs.length || os != obsSize || s != seed) {
      throw new IllegalStateException(spec.id() + ": the saved vector env had " + n + " copies, observations of "
          + os + " floats and seed " + s + "; this one has " + envs.length + ", " + obsSize + " and " + seed);
    }
    started = in.readBoolean();
    double[] savedReturn = new double[n];
    int[][] episodeActions = new int[n][];
    int longest = 0;
    for (int i = 0; i < n; i++) {
      episodeCount[i] = in.readLong();
      completedEpisodes[i] = in.readLong();
      savedReturn[i] = in.readDouble();
      lastReturn[i] = in.readDouble();
      lastLength[i] = in.readInt();
      StateIo.readFloats(in, finalObs, i * obsSize, obsSize);
      int len = in.readInt();
      if (len < 0) {
        throw new IllegalStateException(spec.id() + ": corrupt vector env state: copy " + i + " has " + len
            + " steps in its episode");
      }
      episodeActions[i] = new int[len];
      for (int t = 0; t < len; t++) {
        episodeActions[i][t] = in.readInt();
      }
      longest = Math.max(longest, len);
    }
    // The log restarts with the longest current episode: copy i's episode began len_i steps before now.
    steps = longest;
    logBase = 0;
    logRows = longest;
    actionLog = new int[Math.multiplyExact(Math.max(16, 2 * Integer.highestOneBit(Math.max(1, longest))), n)];
    for (int i = 0; i < n; i++) {
      int len = episodeActions[i].length;
      episodeStart[i] = longest - len;
      for (int t = 0; t < len; t++) {
        actionLog[(longest - len + t) * n + i] = episodeActions[i][t];
      }
      runningReturn[i] = 0;
      if (started) {
        replayEpisode(i, len, savedReturn[i], obs);
      }
    }
  }

  private void replayEpisode(int i, int len, double savedReturn, float[] obs) {
    long episode = episodeCount[i] - 1;
    Step s = envs[i].reset(Seeds.combineWith(seedPrefix[i], episode));
    double ret = 0;
    for (int t = 0; t < len; t++) {
      if (s.terminated || s.truncated) {
        throw notReproduced(i, episode, "it ended after " + t + " of its " + len + " logged steps");
      }
      s = envs[i].step(episodeAction(i, t));
      ret += s.reward;
    }
    if (s.terminated || s.truncated) {
      throw notReproduced(i, episode, "it ended at its last logged step, where it had gone on");
    }
    if (Double.compare(ret, savedReturn) != 0) {
      throw notReproduced(i, episode, "its return so far is " + ret + ", it was " + savedReturn);
    }
    runningReturn[i] = savedReturn;
    System.arraycopy(s.obs, 0, obs, i * obsSize, obsSize);
  }

  private IllegalStateException notReproduced(int i, long episode, String why) {
    return new IllegalStateException(spec.id() + ": re-playing episode " + episode + " of copy " + i
        + " from its seed did not reproduce it (" + why + "): this env is not deterministic given its seed, so "
        + "the run cannot continue exactly from a checkpoint");
  }

  private IllegalArgumentException badAction(int[] actions) {
    int numActions = spec.numActions();
    int i = 0;
    while (actions[i] >= 0 && actions[i] < numActions) {
      i++;
    }
    return new IllegalArgumentException(spec.id() + ": VectorEnv action " + actions[i] + " of copy " + i
        + " out of range [0, " + numActions + ")");
  }

  private void checkLength(String name, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(spec.id() + ": VectorEnv buffer '" + name + "' has length "
          + actual + ", expected " + expected + " (n=" + envs.length + ", obsSize=" + obsSize + ")");
    }
  }

  /** Closes every copy (all of them, even if one fails; the first failure is rethrown after). */
  @Override
  public void close() {
    RuntimeException first = null;
    for (Env e : envs) {
      try {
        e.close();
      } catch (RuntimeException ex) {
        if (first == null) {
          first = ex;
        } else {
          first.addSuppressed(ex);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
