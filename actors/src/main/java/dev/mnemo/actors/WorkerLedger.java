package dev.mnemo.actors;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one env worker did over all its incarnations: it lives outside the actor so a restart does not
 * reset it, which is what lets a test check that every sequence is either received or reported dropped.
 */
public final class WorkerLedger {
  final AtomicLong sequencesSent = new AtomicLong();
  final AtomicLong envStepsSent = new AtomicLong();
  final AtomicLong sequencesDropped = new AtomicLong();
  final AtomicLong episodesDropped = new AtomicLong();
  final AtomicLong restarts = new AtomicLong();
  final AtomicLong maxParamVersion = new AtomicLong(-1);
  final AtomicLong paramLoads = new AtomicLong();
  final RestartWindow failures = new RestartWindow();
  volatile Throwable gaveUpError;
  volatile String gaveUp;
  private volatile String stopReason;
  private volatile boolean stopRunOver;

  /** The worker was told to stop: why, and whether the run is over (else only its learner is going away). */
  void stoppedBy(String reason, boolean runOver) {
    stopReason = reason;
    stopRunOver = runOver;
  }

  /** Why the worker was told to stop, or null when it was not (it gave up, or still runs). */
  public String stopReason() {
    return stopReason;
  }

  /** Whether the Stop it received ended the run (false also when it received none). */
  public boolean stopRunOver() {
    return stopRunOver;
  }

  /** Why the worker gave up (its failures exceeded the restart budget), or null while it has not. */
  public String gaveUp() {
    return gaveUp;
  }

  /** The failure that exhausted the restart budget, or null. */
  public Throwable gaveUpError() {
    return gaveUpError;
  }

  /** Env steps this worker reported to the replay service (its share of the run's budget). */
  public long envStepsSent() {
    return envStepsSent.get();
  }

  public long sequencesSent() {
    return sequencesSent.get();
  }

  /** Finished sequences lost in restarts (built but not yet sent). */
  public long sequencesDropped() {
    return sequencesDropped.get();
  }

  /** Episodes in flight when the worker failed. */
  public long episodesDropped() {
    return episodesDropped.get();
  }

  public long restarts() {
    return restarts.get();
  }

  /** Highest parameter version this worker has loaded (-1: none). */
  public long maxParamVersion() {
    return maxParamVersion.get();
  }

  /** Parameter snapshots loaded so far. */
  public long paramLoads() {
    return paramLoads.get();
  }
}
