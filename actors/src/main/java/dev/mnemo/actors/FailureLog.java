package dev.mnemo.actors;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs worker failures without flooding the console: the first failure with a given stack trace (its
 * class and top frames, where it was thrown, and its causes' classes; messages and the path that led
 * there aside) is logged in full, every later one as one line that says how often that trace has been
 * seen. Shared by the workers of a node; thread-safe.
 */
public final class FailureLog {
  private static final Logger LOG = LoggerFactory.getLogger(EnvWorker.class);

  private final Map<String, Integer> seen = new HashMap<>();
  private final Logger log;

  public FailureLog() {
    this(LOG);
  }

  FailureLog(Logger log) {
    this.log = log;
  }

  /**
   * Logs {@code error} of {@code who} with {@code what} (e.g. "restarting in backoff") and returns how many
   * times this stack trace has been seen, this time included.
   */
  public int log(String who, String what, Throwable error) {
    int n;
    synchronized (this) {
      n = seen.merge(signature(error), 1, Integer::sum);
    }
    if (n == 1) {
      log.warn("{} failed, {}: {}", who, what, error.toString(), error);
    } else {
      log.warn("{} failed, {}: {} (same stack trace as logged before; seen {} times)", who, what, error, n);
    }
    return n;
  }

  /** Frames that identify where an exception was thrown (deeper ones are the path that led there). */
  static final int FRAMES = 12;

  /**
   * The exception's class and top {@link #FRAMES} frames, then its causes' classes: no messages, and no
   * frames of causes (those often come from another thread, e.g. an HTTP client's, and vary from one
   * occurrence of the same failure to the next).
   */
  static String signature(Throwable t) {
    StringBuilder b = new StringBuilder(t.getClass().getName()).append('\n');
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
      b.append(frames[i]).append('\n');
    }
    int depth = 0;
    for (Throwable c = t.getCause(); c != null && c != t && depth < 16; c = c.getCause(), depth++) {
      b.append("caused by ").append(c.getClass().getName()).append('\n');
    }
    return b.toString();
  }
}
