package dev.mnemo.actors.onpolicy;

/**
 * An on-policy run that stopped because it could not go on: a worker exhausted its restart budget, or the
 * learner failed. {@link #result()} holds the run's figures up to the stop when the learner could still report
 * them, else null.
 */
public final class OnPolicyRunFailedException extends RuntimeException {
  private final transient OnPolicyResult result;

  public OnPolicyRunFailedException(String message, Throwable cause, OnPolicyResult result) {
    super(message, cause);
    this.result = result;
  }

  public OnPolicyResult result() {
    return result;
  }
}
