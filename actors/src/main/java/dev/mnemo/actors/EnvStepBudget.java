package dev.mnemo.actors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local run's env-step budget, which its workers claim one vector step at a time before they take it: a
 * claim succeeds while some of the budget is left, so the run takes at most one vector step per worker
 * beyond the budget, whatever the status interval. {@link #spent()} completes when the claims have reached
 * the budget. Steps a failed worker took but never reported are given back ({@link #refund}). A resumed run
 * passes the steps its checkpoint had already taken ({@link #EnvStepBudget(long, long)}). Thread-safe.
 */
public final class EnvStepBudget {
  private final AtomicLong left;
  private final CompletableFuture<Void> spent = new CompletableFuture<>();

  public EnvStepBudget(long total) {
    this(total, 0);
  }

  /**
   * The budget of a run that has already taken {@code alreadyTaken} steps (a resumed run: its checkpoint's
   * count): {@code total - alreadyTaken} are left, none when it has taken its whole budget.
   */
  public EnvStepBudget(long total, long alreadyTaken) {
    if (total < 0 || alreadyTaken < 0) {
      throw new IllegalArgumentException("env-step budget and steps taken must be >= 0, got " + total + " and "
          + alreadyTaken);
    }
    left = new AtomicLong(Math.max(0, total - alreadyTaken));
    if (left.get() == 0) {
      spent.complete(null);
    }
  }

  /** Claims {@code steps} env steps: false (and nothing claimed) when none of the budget is left. */
  public boolean claim(int steps) {
    long l;
    do {
      l = left.get();
      if (l <= 0) {
        return false;
      }
    } while (!left.compareAndSet(l, l - steps));
    if (l - steps <= 0) {
      spent.complete(null);
    }
    return true;
  }

  /** Gives back steps that were claimed but will never be reported (lost in a worker failure). */
  public void refund(long steps) {
    if (steps > 0) {
      left.addAndGet(steps);
    }
  }

  /** Env steps not claimed yet (negative by at most the last claims' overshoot). */
  public long left() {
    return left.get();
  }

  /** Completes when the budget has been claimed in full; a later refund does not undo it. */
  public CompletableFuture<Void> spent() {
    return spent;
  }
}
