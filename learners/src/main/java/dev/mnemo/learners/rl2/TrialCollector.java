package dev.mnemo.learners.rl2;

import dev.mnemo.agents.acting.CategoricalPolicy;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.envs.meta.MetaTrial;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.IntFunction;

/**
 * Collects whole trials on-policy: {@code trials} copies of a trial env (a {@code MetaTrial}: one env
 * episode is one trial) stepped together by one {@link ActorCriticPolicy}, from each trial's reset to its end,
 * into a {@link TrialBatch}. Every collection draws fresh tasks: its envs are seeded with the collection's
 * seed. The policy's state is zeroed once, at the trials' start, and kept across their inner episodes; a
 * copy whose trial has ended keeps stepping (the vector steps together) but its steps are padding. Measures
 * where its time goes (envs, acting) on the wall clock, and the acting policy's cost on this thread's CPU clock
 * ({@link #actCpuNanos()} over {@link #actedRows()}: what one env step costs the policy, padding rows included, since
 * the policy computes them too). Not thread-safe.
 */
public final class TrialCollector {
  private final IntFunction<Env> envFactory;
  private final int trials;
  private final int time;
  private final int obsSize;
  private final int na;
  private final float[] obsBuf;
  private final float[] rewards;
  private final boolean[] terminated;
  private final boolean[] truncated;
  private final boolean[] ended;
  private final int[] actions;
  private final int[] noPrevAction;
  private final float[] noPrevReward;
  /** Each copy as a {@link MetaTrial} (null if it is not one): where the inner episode index is read. */
  private final MetaTrial[] metaTrials;
  private final int[] episodeBefore;
  private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
  private final boolean cpuClock;
  private long envNanos;
  private long actNanos;
  private long actCpuNanos;
  private long actedRows;

  /**
   * @param envFactory makes copy i of the trial env (all with one spec)
   * @param spec that spec; its {@code maxEpisodeSteps} (the trial's length) bounds a collection
   */
  public TrialCollector(IntFunction<Env> envFactory, EnvSpec spec, int trials) {
    if (spec.maxEpisodeSteps() < 1) {
      throw new IllegalArgumentException(spec.id() + ": RL² needs trials of bounded length (the env declares no "
          + "max episode steps); use a trial env such as bandit or mdp");
    }
    if (trials < 1) {
      throw new IllegalArgumentException("trials per collection must be >= 1, got " + trials);
    }
    this.envFactory = envFactory;
    this.trials = trials;
    this.time = spec.maxEpisodeSteps();
    this.obsSize = spec.obsSize();
    this.na = spec.numActions();
    obsBuf = new float[trials * obsSize];
    rewards = new float[trials];
    terminated = new boolean[trials];
    truncated = new boolean[trials];
    ended = new boolean[trials];
    actions = new int[trials];
    noPrevAction = new int[trials];
    noPrevReward = new float[trials];
    metaTrials = new MetaTrial[trials];
    episodeBefore = new int[trials];
    cpuClock = cpu.isCurrentThreadCpuTimeSupported() && cpu.isThreadCpuTimeEnabled();
  }

  /** Steps per trial at most: the batch's time dimension. */
  public int time() {
    return time;
  }

  public int trials() {
    return trials;
  }

  /** A batch shaped for this collector. */
  public TrialBatch newBatch() {
    return new TrialBatch(trials, time, obsSize, na);
  }

  /**
   * Collects one trial per copy with {@code policy} (already loaded; its batch must be {@code trials}) on
   * tasks drawn from {@code seed}, into {@code out}.
   */
  public void collect(CategoricalPolicy policy, long seed, TrialBatch out) {
    if (policy.batch() != trials || out.trials() != trials || out.time() != time) {
      throw new IllegalArgumentException("collector of " + trials + " trials x " + time + " steps got a policy of "
          + policy.batch() + " envs and a batch of " + out.trials() + " x " + out.time());
    }
    out.clear();
    out.paramVersion = policy.paramVersion();
    java.util.Arrays.fill(ended, false);
    java.util.Arrays.fill(noPrevAction, -1);
    long t0 = System.nanoTime();
    try (VectorEnv env = new VectorEnv(envFactory, trials, seed)) {
      for (int b = 0; b < trials; b++) {
        metaTrials[b] = env.env(b) instanceof MetaTrial m ? m : null;
      }
      env.reset(obsBuf);
      policy.resetAllStates();
      long t1 = System.nanoTime();
      envNanos += t1 - t0;
      int open = trials;
      for (int t = 0; t < time && open > 0; t++) {
        int row = t * trials;
        System.arraycopy(obsBuf, 0, out.obs, row * obsSize, trials * obsSize);
        long c0 = cpuClock ? cpu.getCurrentThreadCpuTime() : 0;
        long a0 = System.nanoTime();
        policy.act(obsBuf, noPrevAction, noPrevReward, actions);
        long a1 = System.nanoTime();
        actCpuNanos += cpuClock ? cpu.getCurrentThreadCpuTime() - c0 : 0;
        actNanos += a1 - a0;
        actedRows += trials;
        System.arraycopy(policy.logProbs(), 0, out.logMu, row * na, trials * na);
        System.arraycopy(actions, 0, out.actions, row, trials);
        for (int b = 0; b < trials; b++) {
          // read before the step: a step that ends an inner episode moves the trial on to the next one
          episodeBefore[b] = metaTrials[b] == null ? -1 : metaTrials[b].episodeInTrial();
        }
        env.step(actions, obsBuf, rewards, terminated, truncated);
        envNanos += System.nanoTime() - a1;
        for (int b = 0; b < trials; b++) {
          if (ended[b]) {
            continue; // padding: this copy already finished its trial
          }
          out.mask[row + b] = 1f;
          out.episodeInTrial[row + b] = episodeBefore[b];
          out.rewards[row + b] = rewards[b];
          out.trialReturns[b] += rewards[b];
          out.lengths[b]++;
          if (terminated[b] || truncated[b]) {
            ended[b] = true;
            open--;
          }
        }
      }
      if (open > 0) {
        throw new IllegalStateException(env.spec().id() + ": " + open + " trial(s) did not end within the declared "
            + time + " steps");
      }
    }
  }

  /** Nanoseconds spent making, resetting and stepping envs since construction. */
  public long envNanos() {
    return envNanos;
  }

  /** Nanoseconds spent in the policy's acting step since construction. */
  public long actNanos() {
    return actNanos;
  }

  /**
   * This thread's CPU nanoseconds in the policy's acting step since construction (0 where the JVM has no thread CPU
   * clock: {@link #hasCpuClock}).
   */
  public long actCpuNanos() {
    return actCpuNanos;
  }

  /** Env steps the policy has acted since construction: {@code trials} per acting step, padding included. */
  public long actedRows() {
    return actedRows;
  }

  /** Whether {@link #actCpuNanos} measures anything (the JVM has a thread CPU clock, enabled). */
  public boolean hasCpuClock() {
    return cpuClock;
  }
}
