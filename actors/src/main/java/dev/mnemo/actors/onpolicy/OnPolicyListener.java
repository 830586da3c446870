package dev.mnemo.actors.onpolicy;

import java.util.Map;

/**
 * Where the on-policy runtime reports: discrete events (starts, restarts, dropped collections, the stop) from
 * any actor thread, possibly concurrently, and one record per learner update from the learner's thread.
 * Implementations must be thread-safe for {@link #onEvent} and quick for both.
 *
 * @param <R> the algorithm's update report
 */
public interface OnPolicyListener<R> {

  /** One event; the map has at least {@code "event"} (its kind) and {@code "time_ms"}. */
  void onEvent(Map<String, Object> event);

  /** After each learner update (and its evaluation, when one was due). */
  void onUpdate(OnPolicyUpdate<R> update);

  /** A listener that ignores everything. */
  static <R> OnPolicyListener<R> none() {
    return new OnPolicyListener<>() {
      @Override
      public void onEvent(Map<String, Object> event) {
      }

      @Override
      public void onUpdate(OnPolicyUpdate<R> update) {
      }
    };
  }
}
