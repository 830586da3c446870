package dev.mnemo.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.config.ConfigProblem;
import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.report.ReportWriter;
import dev.mnemo.experiments.report.RunData;
import dev.mnemo.experiments.report.SweepTable;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunConfigLoader;
import dev.mnemo.experiments.run.RunFiles;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.experiments.run.RunResult;
import dev.mnemo.experiments.run.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs a {@link SweepPlan}: validates every point before the first starts, runs them with bounded
 * parallelism into {@code <sweep dir>/<setting>/seed-<seed>/}, skips points whose run already completed
 * (so re-running into the same directory resumes), then writes {@code sweep-summary.json} and a report
 * whose "across runs" table gives each setting's mean return over seeds with its 95% interval; a sweep with
 * cases also gets its {@link SweepTable} (cases down, settings across) in {@code report/table.md}.
 */
public final class SweepRunner {

  /** How the sweep went. */
  public record Outcome(Path dir, int completed, int failed, int skipped, Path report, Path table) {
    public boolean allCompleted() {
      return failed == 0;
    }
  }

  private final RunKindRegistry kinds;
  private final PrintStream console;
  private final Supplier<Runner> runners;
  private final Runner.ShutdownHooks hooks;

  public SweepRunner(RunKindRegistry kinds, PrintStream console, Supplier<Runner> runners, Runner.ShutdownHooks hooks) {
    this.kinds = kinds;
    this.console = console;
    this.runners = runners;
    this.hooks = hooks;
  }

  /**
   * Loads and validates every point.
   *
   * @throws InvalidConfigException with every distinct problem of every point
   */
  public List<RunConfig> validate(SweepPlan plan) {
    RunConfigLoader loader = new RunConfigLoader(kinds);
    String name = RunConfigLoader.nameOf(plan.base());
    Set<ConfigProblem> problems = new LinkedHashSet<>();
    List<RunConfig> configs = new ArrayList<>();
    for (SweepPlan.Point p : plan.points()) {
      try {
        configs.add(loader.load(plan.base(), name, p.sets()));
      } catch (InvalidConfigException e) {
        // A problem of the base file repeats at every point: report it once.
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(plan.source() + " (base " + plan.base() + ")", List.copyOf(problems));
    }
    return configs;
  }

  public Outcome run(SweepPlan plan, List<RunConfig> configs, Path dir, List<String> argv) throws IOException {
    Files.createDirectories(dir);
    List<SweepPlan.Point> points = plan.points();
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch recorded = new CountDownLatch(1);
    // On SIGINT/SIGTERM each running run stops through its own hook; the sweep starts no new ones, and its hook
    // returns only once the summary and table of what ran are written: the JVM halts when the last hook
    // returns, which used to cut the sweep off before it recorded anything (its summary stayed an earlier leg's).
    Thread hook = new Thread(() -> {
      stopping.set(true);
      try {
        recorded.await(RECORD_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "mnemo-sweep-stop");
    hooks.add(hook);
    try {
      return runAndRecord(plan, configs, dir, points, stopping, argv);
    } finally {
      recorded.countDown();
      hooks.remove(hook);
    }
  }

  /** How long a stop signal waits for the sweep's record: past the runs' own stop budget (60 s) and some. */
  static final long RECORD_WAIT_SECONDS = 120;

  private Outcome runAndRecord(SweepPlan plan, List<RunConfig> configs, Path dir, List<SweepPlan.Point> points,
      AtomicBoolean stopping, List<String> argv) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(plan.parallel(), r -> {
      Thread t = new Thread(r, "mnemo-sweep");
      t.setDaemon(true);
      return t;
    });
    Map<String, String> status = new LinkedHashMap<>();
    int skipped = 0;
    try {
      List<Future<RunResult>> futures = new ArrayList<>();
      List<SweepPlan.Point> started = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) {
        SweepPlan.Point p = points.get(i);
        Path runDir = dir.resolve(p.relativeDir());
        if (completed(runDir)) {
          status.put(p.relativeDir().toString(), RunResult.COMPLETED + " (earlier)");
          skipped++;
          continue;
        }
        moveAsideEarlierAttempt(runDir);
        Files.createDirectories(runDir);
        RunConfig rc = configs.get(i);
        started.add(p);
        futures.add(pool.submit(() -> {
          if (stopping.get()) {
            return null;
          }
          console.println("mnemo sweep: " + p.relativeDir());
          return runners.get().run(rc, runDir, false, argv);
        }));
      }
      for (int i = 0; i < futures.size(); i++) {
        String key = started.get(i).relativeDir().toString();
        try {
          RunResult r = futures.get(i).get();
          status.put(key, r == null ? "not started (sweep stopped)" : r.status());
        } catch (java.util.concurrent.ExecutionException e) {
          status.put(key, RunResult.FAILED + ": " + e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          status.put(key, "not finished (sweep interrupted)");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    int completed = 0;
    int failed = 0;
    for (String s : status.values()) {
      if (s.startsWith(RunResult.COMPLETED)) {
        completed++;
      } else {
        failed++;
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("sweep", plan.name());
    summary.put("base", plan.base().toString());
    summary.put("cases", plan.cases());
    summary.put("grid", plan.axes());
    summary.put("seeds", plan.seeds());
    summary.put("runs", points.size());
    summary.put("completed", completed);
    summary.put("not_completed", failed);
    summary.put("skipped_as_already_completed", skipped);
    summary.put("status", status);
    Json.writeAtomically(dir.resolve("sweep-summary.json"), summary);

    Path report = null;
    Path table = null;
    if (!plan.cases().isEmpty()) {
      // Cases x settings: the table says it per cell; a plot of every metric with a line per run (hundreds)
      // would say nothing. `mnemo report DIR` still writes that report when asked.
      if (SweepTable.hasCases(dir)) {
        table = SweepTable.write(SweepTable.read(dir, plan.score()), dir.resolve("report"), 90, 36).markdown();
      }
    } else {
      List<RunData> runs = new ArrayList<>();
      for (SweepPlan.Point p : points) {
        Path runDir = dir.resolve(p.relativeDir());
        if (RunData.isRunDirectory(runDir)) {
          runs.add(RunData.load(runDir));
        }
      }
      if (!runs.isEmpty()) {
        report = new ReportWriter(800, 500).write(runs, dir.resolve("report")).markdown();
      }
    }
    return new Outcome(dir, completed, failed, skipped, report, table);
  }

  private static boolean completed(Path runDir) {
    Path s = runDir.resolve(RunFiles.SUMMARY);
    if (!Files.isRegularFile(s)) {
      return false;
    }
    try {
      JsonNode n = Json.read(s);
      return RunResult.COMPLETED.equals(n.path("status").asText());
    } catch (IOException e) {
      return false;
    }
  }

  /** A failed or interrupted attempt is kept for inspection, not overwritten: seed-1 -> seed-1.attempt-1. */
  private static void moveAsideEarlierAttempt(Path runDir) {
    try {
      if (!Files.exists(runDir)) {
        return;
      }
      try (var s = Files.list(runDir)) {
        if (s.findAny().isEmpty()) {
          return;
        }
      }
      for (int k = 1; ; k++) {
        Path aside = runDir.resolveSibling(runDir.getFileName() + ".attempt-" + k);
        if (!Files.exists(aside)) {
          Files.move(runDir, aside);
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the earlier attempt " + runDir + " aside", e);
    }
  }
}
