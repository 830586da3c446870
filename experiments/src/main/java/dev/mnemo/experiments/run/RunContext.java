package dev.mnemo.experiments.run;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a {@link RunKind} gets: its validated config and seed, the run directory, the metrics and event
 * writers, the progress line, and the stop flag set by SIGINT/SIGTERM.
 */
public final class RunContext implements AutoCloseable {

  private final RunConfig runConfig;
  private final Path dir;
  private final boolean resumed;
  private final PrintStream console;
  private final LongSupplier nanoClock;
  private final EventLog events;
  private final ProgressLine progressLine;
  private MetricsWriter metrics;
  private volatile String stopReason;
  private volatile long envSteps;
  private volatile long learnerUpdates = -1;

  RunContext(RunConfig runConfig, Path dir, boolean resumed, PrintStream console, LongSupplier nanoClock,
      EventLog events) {
    this.runConfig = runConfig;
    this.dir = dir;
    this.resumed = resumed;
    this.console = console;
    this.nanoClock = nanoClock;
    this.events = events;
    long interval = runConfig.config().getDuration(CommonKeys.PROGRESS_INTERVAL, TimeUnit.NANOSECONDS);
    this.progressLine = new ProgressLine(console, runConfig.name(), interval, nanoClock);
  }

  /** Every key of the run, validated, defaults filled in. */
  public Config config() {
    return runConfig.config();
  }

  public long seed() {
    return runConfig.seed();
  }

  public String configName() {
    return runConfig.name();
  }

  /** The run directory; kinds may write their own result files here (e.g. {@code results.csv}). */
  public Path dir() {
    return dir;
  }

  /** {@code checkpoints/} under the run directory, created on first use. */
  public Path checkpointDir() {
    Path p = dir.resolve(RunFiles.CHECKPOINTS);
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + p, e);
    }
    return p;
  }

  /** Whether this run continues an earlier one ({@code --resume}): restore from {@link #checkpointDir()}. */
  public boolean resumed() {
    return resumed;
  }

  /** Human-facing output (stderr): tables, notes. */
  public PrintStream console() {
    return console;
  }

  /**
   * Opens {@code metrics.csv} with these columns (once per run; a second call must name the same columns and
   * returns the same writer). Rows are flushed to disk at least every {@code progress_interval}.
   */
  public synchronized MetricsWriter metrics(String stepColumn, String... columns) {
    List<String> wanted = new java.util.ArrayList<>();
    wanted.add(stepColumn);
    wanted.addAll(List.of(columns));
    if (metrics != null) {
      if (!metrics.columns().equals(wanted)) {
        throw new IllegalStateException("metrics.csv is already open with columns " + metrics.columns()
            + "; cannot reopen with " + wanted);
      }
      return metrics;
    }
    try {
      long flush = config().getDuration(CommonKeys.PROGRESS_INTERVAL, TimeUnit.NANOSECONDS);
      metrics = MetricsWriter.open(dir.resolve(RunFiles.METRICS), stepColumn, List.of(columns), resumed, flush,
          nanoClock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + dir.resolve(RunFiles.METRICS), e);
    }
    return metrics;
  }

  synchronized MetricsWriter openedMetrics() {
    return metrics;
  }

  public EventLog events() {
    return events;
  }

  /** Reports progress without a learner: counts for summary.json, and the rate-limited status line. */
  public void progress(long envStepsSoFar) {
    progress(envStepsSoFar, -1, null);
  }

  public void progress(long envStepsSoFar, long learnerUpdatesSoFar) {
    progress(envStepsSoFar, learnerUpdatesSoFar, null);
  }

  /**
   * @param learnerUpdatesSoFar updates so far, or a negative number for kinds without a learner
   * @param extra more status fields, evaluated only when a line is printed
   */
  public synchronized void progress(long envStepsSoFar, long learnerUpdatesSoFar, Supplier<String> extra) {
    envSteps = envStepsSoFar;
    learnerUpdates = learnerUpdatesSoFar;
    progressLine.update(envStepsSoFar, learnerUpdatesSoFar, extra);
  }

  /** The latest totals given to {@link #progress}: what summary.json reports when the run fails. */
  long envStepsSoFar() {
    return envSteps;
  }

  long learnerUpdatesSoFar() {
    return learnerUpdates;
  }

  ProgressLine progressLine() {
    return progressLine;
  }

  /** Long loops poll this and return early (after a final checkpoint) when it turns true. */
  public boolean stopRequested() {
    return stopReason != null;
  }

  public void requestStop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  String stopReason() {
    return stopReason;
  }

  @Override
  public synchronized void close() throws IOException {
    if (metrics != null) {
      metrics.close();
    }
    events.close();
  }
}
