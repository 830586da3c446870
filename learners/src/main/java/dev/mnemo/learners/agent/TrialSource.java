package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;

/**
 * One worker's collection of whole trials (its own envs and acting policy): each {@link #collect} loads the
 * given parameters, draws fresh tasks and runs {@link #trials()} trials from their start to their end, the
 * policy's memory reset only at a trial's start. Not thread-safe: one worker owns it.
 *
 * @param <B> the batch of whole trials
 */
public interface TrialSource<B> extends AutoCloseable {

  /** Trials per collection. */
  int trials();

  /** The most env steps one collection can take (what a runtime claims from its budget before it). */
  long maxEnvSteps();

  /** Collects {@link #trials()} whole trials acting with {@code params}, into a new batch the caller owns. */
  Collected<B> collect(ParamSnapshot params);

  /** Releases the envs. */
  @Override
  default void close() {
  }

  /**
   * One collection.
   *
   * @param batch the trials, owned by the receiver from now on
   * @param paramVersion the version of the parameters that acted
   * @param trials trials in the batch
   * @param envSteps env steps taken (valid steps, padding excluded)
   * @param returnSum sum of the trials' undiscounted returns
   * @param seconds wall time of the collection
   * @param envSeconds of which in envs
   * @param actSeconds of which in the acting step
   * @param actCpuSeconds the collecting thread's CPU time in the acting step (what a synchronous run reports per env
   *     step); NaN where the JVM has no thread CPU clock
   * @param actedSteps env steps the policy acted for, padding included (what {@code actCpuSeconds} is spread over)
   * @param <B> the batch type
   */
  record Collected<B>(B batch, long paramVersion, int trials, long envSteps, double returnSum, double seconds,
      double envSeconds, double actSeconds, double actCpuSeconds, long actedSteps) {
  }
}
