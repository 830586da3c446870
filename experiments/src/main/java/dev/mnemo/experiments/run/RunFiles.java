package dev.mnemo.experiments.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Names of the files in a run directory, and where a new run directory goes. */
public final class RunFiles {

  public static final String CONFIG = "config.conf";
  public static final String PROVENANCE = "provenance.json";
  public static final String METRICS = "metrics.csv";
  public static final String EVENTS = "events.jsonl";
  public static final String SUMMARY = "summary.json";
  /** The kind's checkpoints ({@link RunContext#checkpointDir()}). */
  public static final String CHECKPOINTS = "checkpoints";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private RunFiles() {}

  /**
   * Creates {@code root/<configName>/<UTC timestamp>/}, adding {@code -2}, {@code -3}... when runs start in
   * the same second (created atomically, so parallel runs never share a directory).
   */
  public static Path newRunDirectory(Path root, String configName, Clock clock) throws IOException {
    Path parent = root.resolve(configName);
    Files.createDirectories(parent);
    String stamp = STAMP.format(clock.instant());
    for (int i = 1; ; i++) {
      Path dir = parent.resolve(i == 1 ? stamp : stamp + "-" + i);
      try {
        return Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        // Another run took this name in the same second: try the next suffix.
      }
    }
  }

  /**
   * Prepares a run directory given by {@code --out}: created if absent; an existing one must be empty so
   * that no earlier run is overwritten.
   */
  public static Path explicitRunDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("--out " + dir + ": exists and is not a directory");
      }
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException("--out " + dir
              + ": directory is not empty (use a new directory, or --resume to continue a run)");
        }
      }
      return dir;
    }
    return Files.createDirectories(dir);
  }
}
