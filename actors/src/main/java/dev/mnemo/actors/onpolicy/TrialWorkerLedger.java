package dev.mnemo.actors.onpolicy;

import dev.mnemo.actors.RestartWindow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one trial worker did over all its incarnations: it lives outside the actor, so a restart does not reset
 * it (the restart count and failure window are what supervision reads). Thread-safe.
 */
final class TrialWorkerLedger {
  final AtomicLong restarts = new AtomicLong();
  final AtomicLong collectionsSent = new AtomicLong();
  final RestartWindow failures = new RestartWindow();
  volatile String gaveUp;
  volatile Throwable gaveUpError;
}
