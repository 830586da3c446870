package dev.mnemo.experiments.run;

import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a validated config in a run directory: writes {@code config.conf} and {@code provenance.json}, a
 * {@code summary.json} saying {@code running}, calls the kind, and rewrites {@code summary.json} with the
 * outcome, or with the error when the kind throws. SIGINT/SIGTERM set the context's stop flag and give the
 * kind {@code shutdown_grace} to stop and checkpoint.
 */
public final class Runner {

  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

  private final PrintStream console;
  private final LongSupplier nanoClock;
  private final Clock clock;
  private final Path gitDir;
  private final ShutdownHooks hooks;

  /** Where the graceful-stop hook goes: the JVM's shutdown hooks, or a test's stand-in that fires it. */
  public interface ShutdownHooks {
    void add(Thread hook);

    void remove(Thread hook);

    ShutdownHooks JVM = new ShutdownHooks() {
      @Override
      public void add(Thread hook) {
        Runtime.getRuntime().addShutdownHook(hook);
      }

      @Override
      public void remove(Thread hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // Shutdown in progress: the hook is running and has been released.
        }
      }
    };
  }

  /**
   * @param console human-facing output (stderr)
   * @param gitDir a directory inside the checkout whose commit provenance.json records
   */
  public Runner(PrintStream console, LongSupplier nanoClock, Clock clock, Path gitDir, ShutdownHooks hooks) {
    this.console = console;
    this.nanoClock = nanoClock;
    this.clock = clock;
    this.gitDir = gitDir;
    this.hooks = hooks;
  }

  public static Runner standard(PrintStream console) {
    return new Runner(console, System::nanoTime, Clock.systemUTC(), Provenance.codeLocation(), ShutdownHooks.JVM);
  }

  /**
   * @param dir an empty run directory (fresh run) or the directory of the run to continue
   * @param resume whether this continues the run in {@code dir} from its checkpoints
   * @param argv the command line, for provenance
   */
  public RunResult run(RunConfig rc, Path dir, boolean resume, List<String> argv) throws IOException {
    Instant started = clock.instant();
    long t0 = nanoClock.getAsLong();
    AtomicFiles.writeString(dir.resolve(RunFiles.CONFIG), renderConfig(rc, started));
    Map<String, Object> provenance = Provenance.collect(rc, argv, started, gitDir);
    if (!resume || !Files.exists(dir.resolve(RunFiles.PROVENANCE))) {
      Json.writeAtomically(dir.resolve(RunFiles.PROVENANCE), provenance);
    }
    Map<String, Object> summary = baseSummary(rc, dir, started, resume);
    summary.put("status", RunResult.RUNNING);
    Json.writeAtomically(dir.resolve(RunFiles.SUMMARY), summary);

    EventLog events = EventLog.open(dir.resolve(RunFiles.EVENTS), clock);
    if (resume) {
      events.record("run_resumed", "overrides", rc.overrides(), "git", provenance.get("git"));
    } else {
      events.record("run_started", "kind", rc.kind().name(), "seed", rc.seed());
    }
    LOG.info("run {} ({}), seed {}: {}", rc.name(), rc.kind().name(), rc.seed(), dir);

    CountDownLatch finished = new CountDownLatch(1);
    RunOutcome outcome = null;
    Throwable error = null;
    RunContext ctx;
    long graceMillis;
    try {
      ctx = new RunContext(rc, dir, resume, console, nanoClock, events);
      graceMillis = rc.config().getDuration(CommonKeys.SHUTDOWN_GRACE, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      // A value validation let through but the framework cannot use: the run fails, and says so.
      return failedBeforeStart(summary, events, dir, t0, e);
    }
    Thread hook = new Thread(() -> {
      // The JVM exits once hooks return: hold it until the kind has stopped and summary.json is written.
      ctx.requestStop("signal");
      console.println("mnemo: stop requested; giving the run up to " + graceMillis + " ms to stop and checkpoint");
      try {
        if (!finished.await(graceMillis, TimeUnit.MILLISECONDS)) {
          abandon(rc, dir, started, resume, t0, ctx, graceMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        console.println("mnemo: could not record the interrupted run in " + dir + ": " + e);
      }
    }, "mnemo-graceful-stop");
    hooks.add(hook);
    try {
      try {
        outcome = rc.kind().run(ctx);
        if (outcome == null) {
          throw new IllegalStateException("run kind " + rc.kind().name() + " returned no outcome");
        }
      } catch (Throwable t) {
        error = t;
      }
      double wall = (nanoClock.getAsLong() - t0) / 1e9;
      // A run stopped by a signal is interrupted even if stopping raised an error (e.g. its final evaluation
      // could not reach an env server that is gone): the error is kept next to the status.
      String status = ctx.stopRequested() ? RunResult.INTERRUPTED
          : error != null ? RunResult.FAILED : RunResult.COMPLETED;
      summary.put("status", status);
      summary.put("finished_utc", clock.instant().toString());
      summary.put("wall_seconds", Math.round(wall * 1000) / 1000.0);
      if (error != null) {
        summary.put("error", describe(error));
        summary.put("env_steps", ctx.envStepsSoFar());
        if (ctx.learnerUpdatesSoFar() >= 0) {
          summary.put("learner_updates", ctx.learnerUpdatesSoFar());
        }
        if (ctx.stopRequested()) {
          summary.put("stop_requested", ctx.stopReason());
        }
        events.record("run_" + status, "error", describe(error), "stack", stackTrace(error));
        console.println("mnemo: run " + status + ": " + describe(error));
      } else {
        summary.put("env_steps", outcome.envSteps());
        outcome.learnerUpdates().ifPresent(u -> summary.put("learner_updates", u));
        if (outcome.eval() != null) {
          summary.put("eval", evalMap(outcome.eval()));
        }
        if (ctx.stopRequested()) {
          summary.put("stop_requested", ctx.stopReason());
        }
        summary.putAll(outcome.extra());
        events.record("run_" + status, "wall_seconds", summary.get("wall_seconds"));
        ctx.progressLine().finish(outcome.envSteps(), outcome.learnerUpdates().orElse(-1), status);
      }
      if (ctx.openedMetrics() == null && !Files.exists(dir.resolve(RunFiles.METRICS))) {
        // Every run directory has a metrics.csv, even for kinds that log no series.
        ctx.metrics("step");
      }
      ctx.close();
      Json.writeAtomically(dir.resolve(RunFiles.SUMMARY), summary);
      return new RunResult(status, dir, summary);
    } finally {
      finished.countDown();
      hooks.remove(hook);
    }
  }

  private RunResult failedBeforeStart(Map<String, Object> summary, EventLog events, Path dir, long t0,
      RuntimeException e) throws IOException {
    summary.put("status", RunResult.FAILED);
    summary.put("finished_utc", clock.instant().toString());
    summary.put("wall_seconds", Math.round((nanoClock.getAsLong() - t0) / 1e6) / 1000.0);
    summary.put("error", describe(e));
    summary.put("env_steps", 0L);
    events.record("run_failed", "error", describe(e), "stack", stackTrace(e));
    events.close();
    if (!Files.exists(dir.resolve(RunFiles.METRICS))) {
      MetricsWriter.open(dir.resolve(RunFiles.METRICS), "step", List.of(), false, 0, nanoClock).close();
    }
    console.println("mnemo: run failed before it started: " + describe(e));
    Json.writeAtomically(dir.resolve(RunFiles.SUMMARY), summary);
    return new RunResult(RunResult.FAILED, dir, summary);
  }

  /** The kind ignored the stop request past the grace period: record that before the JVM goes. */
  private void abandon(RunConfig rc, Path dir, Instant started, boolean resume, long t0, RunContext ctx,
      long graceMillis) throws IOException {
    Map<String, Object> s = baseSummary(rc, dir, started, resume);
    s.put("status", RunResult.INTERRUPTED);
    s.put("error", "stopped by a signal; the run did not stop within shutdown_grace (" + graceMillis + " ms), "
        + "so its last checkpoint may be older than its counters");
    s.put("finished_utc", clock.instant().toString());
    s.put("wall_seconds", Math.round((nanoClock.getAsLong() - t0) / 1e6) / 1000.0);
    s.put("env_steps", ctx.envStepsSoFar());
    if (ctx.learnerUpdatesSoFar() >= 0) {
      s.put("learner_updates", ctx.learnerUpdatesSoFar());
    }
    Json.writeAtomically(dir.resolve(RunFiles.SUMMARY), s);
  }

  private static Map<String, Object> baseSummary(RunConfig rc, Path dir, Instant started, boolean resume) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("status", RunResult.RUNNING);
    s.put("kind", rc.kind().name());
    s.put("config_name", rc.name());
    s.put("seed", rc.seed());
    s.put("run_dir", dir.toString());
    s.put("started_utc", started.toString());
    if (resume) {
      s.put("resumed", true);
    }
    return s;
  }

  static Map<String, Object> evalMap(EvalResult e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean_return", e.meanReturn());
    m.put("ci95", e.ci95());
    m.put("episodes", e.episodes());
    if (e.solved() != null) {
      m.put("solved", e.solved());
    }
    return m;
  }

  static String renderConfig(RunConfig rc, Instant started) {
    String body = rc.config().root().render(ConfigRenderOptions.defaults().setOriginComments(false)
        .setComments(true).setJson(false).setFormatted(true));
    return "# Fully resolved config of run '" + rc.name() + "' (" + rc.source() + (rc.overrides().isEmpty() ? ""
        : " with --set " + String.join(" ", rc.overrides())) + "), " + started + ".\n"
        + "# Every default is spelled out: `mnemo run` on this file repeats the run.\n" + body;
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    Throwable c = t.getCause();
    if (c != null && c != t && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
      s += " (caused by " + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
    }
    return s;
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
