package dev.mnemo.experiments.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param status {@code completed}, {@code failed} or {@code interrupted}
 * @param dir the run directory
 * @param summary what summary.json holds
 */
public record RunResult(String status, Path dir, Map<String, Object> summary) {

  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String INTERRUPTED = "interrupted";
  public static final String RUNNING = "running";

  public boolean completed() {
    return COMPLETED.equals(status);
  }
}
