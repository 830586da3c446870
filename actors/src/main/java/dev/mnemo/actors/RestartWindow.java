package dev.mnemo.actors;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The failure times of one worker over a sliding window: a worker may restart while at most
 * {@code maxRestarts} of its failures fall within the last {@code window}; the failure beyond that
 * ends the run ({@code actors.max_restarts} per {@code actors.restart_window}). Thread-safe; it lives in
 * the worker's {@link WorkerLedger}, so it survives the restarts it counts.
 */
public final class RestartWindow {
  private final ArrayDeque<Long> failures = new ArrayDeque<>();

  /**
   * Records a failure at {@code nowNanos} and returns how many failures, this one included, fall within
   * {@code window} ending now.
   */
  public synchronized int record(long nowNanos, Duration window) {
    long oldest = nowNanos - window.toNanos();
    while (!failures.isEmpty() && failures.peekFirst() <= oldest) {
      failures.pollFirst();
    }
    failures.addLast(nowNanos);
    return failures.size();
  }
}
