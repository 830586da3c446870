package dev.mnemo.gymhttp;

/**
 * A Gym HTTP call failed: the server was unreachable or slow, or it answered with an error. The message
 * names the request (method and URL), the instance and env id, and the server's own message.
 */
public final class GymHttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  GymHttpException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status the server answered with, or 0 when no answer came (unreachable, timeout). */
  public int status() {
    return status;
  }
}
