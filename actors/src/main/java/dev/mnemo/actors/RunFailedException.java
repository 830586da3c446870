package dev.mnemo.actors;

/**
 * A run the runtime ended as failed (a worker exhausted its restart budget): it still stopped in order
 * (workers, replay, learner with its final checkpoint), and {@link #totals()} says what it did until then.
 */
public final class RunFailedException extends RuntimeException {
  private final transient RunResult totals;

  public RunFailedException(String message, Throwable cause, RunResult totals) {
    super(message, cause);
    this.totals = totals;
  }

  /** The run's totals at its stop. */
  public RunResult totals() {
    return totals;
  }
}
