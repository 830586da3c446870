package dev.mnemo.actors;

import java.util.List;

/**
 * Totals of a finished run, as the learner's node saw them.
 *
 * @param envSteps env steps reported by workers with their chunks
 * @param updates learner updates
 * @param episodes episodes completed
 * @param sequencesReceived sequences that reached the replay service
 * @param sequencesInserted sequences inserted into the replay
 * @param sequencesDroppedAtStop received but refused by the rate limiter until the stop
 * @param sequenceAnomalies chunks out of sequence (duplicates or gaps; 0 in a healthy run)
 * @param replaySize sequences held at the end
 * @param seconds wall time
 * @param workers ledgers of the local workers (empty on a cluster learner node)
 */
public record RunResult(long envSteps, long updates, long episodes, long sequencesReceived,
    long sequencesInserted, long sequencesDroppedAtStop, long sequenceAnomalies, int replaySize,
    double seconds, List<WorkerLedger> workers) {

  /** Sequences workers sent, summed over the local ledgers. */
  public long sequencesSent() {
    return workers.stream().mapToLong(WorkerLedger::sequencesSent).sum();
  }

  /** Sequences workers dropped in restarts, summed over the local ledgers. */
  public long sequencesDroppedInRestarts() {
    return workers.stream().mapToLong(WorkerLedger::sequencesDropped).sum();
  }

  /** Worker restarts, summed over the local ledgers. */
  public long restarts() {
    return workers.stream().mapToLong(WorkerLedger::restarts).sum();
  }
}
