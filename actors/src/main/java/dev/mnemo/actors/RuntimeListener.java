package dev.mnemo.actors;

import java.util.Map;

/**
 * Where the runtime reports: discrete events (restarts, drops, membership changes, checkpoints; the
 * CLI appends them to {@code events.jsonl}) and periodic status (console and {@code metrics.csv}).
 * Called from actor threads, possibly concurrently: implementations must be thread-safe and quick.
 */
public interface RuntimeListener {
  /** One event; the map has at least {@code "event"} (its kind) and {@code "time_ms"}. */
  void onEvent(Map<String, Object> event);

  /** Periodic progress. */
  void onStatus(RuntimeStatus status);

  /** A listener that ignores everything. */
  static RuntimeListener none() {
    return new RuntimeListener() {
      @Override
      public void onEvent(Map<String, Object> event) {
      }

      @Override
      public void onStatus(RuntimeStatus status) {
      }
    };
  }
}
