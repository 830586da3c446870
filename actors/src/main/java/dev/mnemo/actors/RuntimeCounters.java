package dev.mnemo.actors;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Thread-safe totals of a run, kept on the learner's node: the replay service adds what arrives, the
 * learner service its updates, the coordinator reads them for status and the final result.
 */
public final class RuntimeCounters {
  final AtomicLong envSteps = new AtomicLong();
  final AtomicLong episodes = new AtomicLong();
  final DoubleAdder returnSum = new DoubleAdder();
  final AtomicLong sequencesReceived = new AtomicLong();
  final AtomicLong sequencesInserted = new AtomicLong();
  final AtomicLong sequencesDroppedAtStop = new AtomicLong();
  final AtomicLong chunksReceived = new AtomicLong();
  final AtomicLong sequenceAnomalies = new AtomicLong();
  final AtomicLong updates = new AtomicLong();
  final AtomicLong paramLag = new AtomicLong();
  final java.util.concurrent.atomic.AtomicReference<dev.mnemo.agents.ParamSnapshot> latestParams =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * The newest parameters the learner published (null before the first), e.g. for a greedy evaluation
   * while the run goes on; snapshots are immutable.
   */
  public dev.mnemo.agents.ParamSnapshot latestParams() {
    return latestParams.get();
  }

  public long envSteps() {
    return envSteps.get();
  }

  public long episodes() {
    return episodes.get();
  }

  public double returnSum() {
    return returnSum.sum();
  }

  public long sequencesReceived() {
    return sequencesReceived.get();
  }

  public long sequencesInserted() {
    return sequencesInserted.get();
  }

  /** Sequences that reached the replay service but could not be inserted before the stop. */
  public long sequencesDroppedAtStop() {
    return sequencesDroppedAtStop.get();
  }

  /** Chunks whose per-source sequence number was not the next expected one (duplicate or gap). */
  public long sequenceAnomalies() {
    return sequenceAnomalies.get();
  }

  public long updates() {
    return updates.get();
  }

  public long paramLag() {
    return paramLag.get();
  }

  /** Continues from a checkpoint's totals (before the run starts; updates come from the restored learner). */
  void restore(RuntimeCheckpoint.Counts c) {
    envSteps.set(c.envSteps());
    episodes.set(c.episodes());
    returnSum.reset();
    returnSum.add(c.returnSum());
    sequencesReceived.set(c.sequencesReceived());
    sequencesInserted.set(c.sequencesInserted());
  }
}
