package dev.mnemo.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.config.ConfigProblem;
import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.run.CountingKind;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.experiments.run.Runner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {

  @TempDir
  Path tmp;

  private final AtomicInteger runsStarted = new AtomicInteger();
  private final Runner.ShutdownHooks noHooks = new Runner.ShutdownHooks() {
    public void add(Thread hook) {}

    public void remove(Thread hook) {}
  };

  private SweepRunner sweeper() {
    PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new SweepRunner(new RunKindRegistry().register(new CountingKind()), console, () -> {
      runsStarted.incrementAndGet();
      return new Runner(console, System::nanoTime, Clock.systemUTC(), Path.of("").toAbsolutePath(), noHooks);
    }, noHooks);
  }

  private Path files(String sweep, String base) throws IOException {
    Files.writeString(tmp.resolve("base.conf"), base);
    Path f = tmp.resolve("grid.conf");
    Files.writeString(f, sweep);
    return f;
  }

  @Test
  void gridTimesSeedsExpandsToEveryCombinationWithItsOverrides() throws IOException {
    Path f = files("sweep { base = base.conf, grid { learner.lr = [0.1, 0.2], steps = [10, 20, 30] }, "
        + "seeds = [4, 5] }", "kind = counting\n");
    SweepPlan plan = SweepPlan.load(f);
    List<SweepPlan.Point> points = plan.points();
    assertEquals(12, points.size());
    assertEquals(List.of("learner.lr=0.1", "steps=10", "seed=4"), points.get(0).sets());
    assertEquals(Path.of("learner.lr=0.1,steps=10", "seed-4"), points.get(0).relativeDir());
    assertEquals(List.of("learner.lr=0.2", "steps=30", "seed=5"), points.get(11).sets());
    assertEquals(tmp.resolve("base.conf"), plan.base(), "base is relative to the sweep file");
  }

  @Test
  void aProblemAtAnyPointStopsTheSweepBeforeAnythingRuns() throws IOException {
    Path f = files("sweep { base = base.conf, grid { learner.lr = [0.1, 5], stepz = [1] } }", "kind = counting\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> sweeper().validate(SweepPlan.load(f)));
    List<String> where = e.problems().stream().map(ConfigProblem::location).sorted().toList();
    assertEquals(List.of("--set learner.lr=5", "--set stepz=1"), where, e.getMessage());
    assertEquals(0, runsStarted.get());
  }

  @Test
  void malformedSweepFileNamesKeyAndExpectation() throws IOException {
    Path f = files("sweep { base = base.conf, grid { steps = 10 }, parallel = 0 }", "kind = counting\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SweepPlan.load(f));
    assertTrue(e.getMessage().contains("sweep.parallel: expected an integer in [1, 64]"), e.getMessage());
    Path g = files("sweep { base = base.conf, grid { steps = 10 } }", "kind = counting\n");
    e = assertThrows(InvalidConfigException.class, () -> SweepPlan.load(g));
    assertTrue(e.getMessage().contains("sweep.grid.steps: expected a non-empty list"), e.getMessage());
  }

  @Test
  void sweepRunsEveryPointAggregatesPerSettingAndResumes() throws IOException {
    Path f = files("sweep { base = base.conf, grid { steps = [20, 40] }, seeds = [0, 1], parallel = 2 }",
        "kind = counting\neval.episodes = 4\n");
    SweepPlan plan = SweepPlan.load(f);
    SweepRunner s = sweeper();
    List<RunConfig> configs = s.validate(plan);
    Path dir = tmp.resolve("out");
    SweepRunner.Outcome o = s.run(plan, configs, dir, List.of());
    assertEquals(4, o.completed());
    assertEquals(0, o.failed());
    assertEquals(4, runsStarted.get());
    JsonNode run = Json.read(dir.resolve("steps=40/seed-1/summary.json"));
    assertEquals(40, run.get("env_steps").asLong());
    assertEquals(1, run.get("seed").asLong());
    String md = Files.readString(o.report());
    assertTrue(md.contains("| steps=20 | 2 | 2 | 2 |") && md.contains("| steps=40 | 2 | 2 | 2 |"), md);

    // A lost run is redone on resume; completed ones are kept as they are.
    Path lost = dir.resolve("steps=20/seed-0");
    Files.delete(lost.resolve("summary.json"));
    String keptSummary = Files.readString(dir.resolve("steps=40/seed-1/summary.json"));
    SweepRunner.Outcome again = s.run(plan, configs, dir, List.of());
    assertEquals(5, runsStarted.get(), "only the lost run ran again");
    assertEquals(3, again.skipped());
    assertEquals(4, again.completed());
    assertEquals(keptSummary, Files.readString(dir.resolve("steps=40/seed-1/summary.json")));
    assertTrue(Files.isDirectory(dir.resolve("steps=20/seed-0.attempt-1")), "earlier attempt kept aside");
    JsonNode sweep = Json.read(dir.resolve("sweep-summary.json"));
    assertEquals(3, sweep.get("skipped_as_already_completed").asInt());
    assertFalse(sweep.get("status").get("steps=20/seed-0").asText().contains("earlier"));
  }

  @Test
  void failedPointsAreCountedAndTheRestStillRun() throws IOException {
    Path f = files("sweep { base = base.conf, grid { fail_at = [-1, 5] } }", "kind = counting\nsteps = 10\n");
    SweepPlan plan = SweepPlan.load(f);
    SweepRunner s = sweeper();
    SweepRunner.Outcome o = s.run(plan, s.validate(plan), tmp.resolve("out"), List.of());
    assertEquals(1, o.completed());
    assertEquals(1, o.failed());
    assertFalse(o.allCompleted());
  }

  @Test
  void casesAreCrossedWithTheGridInFileOrderAndAGridValueWinsOverACase() throws IOException {
    Path f = files("sweep { base = base.conf\n cases {\n  short { steps = 20, learner.lr = 0.5 }\n"
        + "  long { steps = 40 }\n }\n grid { learner.lr = [0.1, 0.2] }, seeds = [7] }", "kind = counting\n");
    SweepPlan plan = SweepPlan.load(f);
    List<SweepPlan.Point> points = plan.points();
    assertEquals(4, points.size());
    assertEquals(List.of("learner.lr=0.5", "steps=20", "learner.lr=0.1", "seed=7"), points.get(0).sets());
    assertEquals(Path.of("short", "learner.lr=0.1", "seed-7"), points.get(0).relativeDir());
    assertEquals(Path.of("long", "learner.lr=0.2", "seed-7"), points.get(3).relativeDir());
    List<RunConfig> configs = sweeper().validate(plan);
    assertEquals(0.1, configs.get(0).config().getDouble("learner.lr"), 1e-12, "the grid's value is applied last");
    assertEquals(20, configs.get(0).config().getInt("steps"));
  }

  @Test
  void aSweepWithCasesRunsIntoCaseDirectoriesAndWritesItsTable() throws IOException {
    Path f = files("sweep { base = base.conf, cases { a { steps = 20 }, b { steps = 40 } }, "
        + "grid { learner.lr = [0.1, 0.2] }, seeds = [1, 2], score = return }", "kind = counting\n");
    SweepPlan plan = SweepPlan.load(f);
    SweepRunner s = sweeper();
    SweepRunner.Outcome o = s.run(plan, s.validate(plan), tmp.resolve("out"), List.of());
    assertEquals(8, o.completed());
    assertEquals(40, Json.read(tmp.resolve("out/b/learner.lr=0.2/seed-2/summary.json")).get("env_steps").asLong());
    String table = Files.readString(o.table());
    // The counting kind logs return = step / 2 every 20 steps: a run's maximum is steps / 2.
    assertTrue(table.contains("| a | 10.000 ± 0.000 (2) | 10.000 ± 0.000 (2) |"), table);
    assertTrue(table.contains("| b | 20.000 ± 0.000 (2) | 20.000 ± 0.000 (2) |"), table);
    assertTrue(Files.isRegularFile(tmp.resolve("out/report/heatmap.png")));
  }

  @Test
  void aCaseThatIsNotAnObjectOfOverridesIsRefusedByName() throws IOException {
    Path f = files("sweep { base = base.conf, cases { a = 3 } }", "kind = counting\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SweepPlan.load(f));
    assertTrue(e.getMessage().contains("sweep.cases.a: expected an object of overrides"), e.getMessage());
    Path g = files("sweep { base = base.conf, cases { \"a b\" { steps = 3 } } }", "kind = counting\n");
    e = assertThrows(InvalidConfigException.class, () -> SweepPlan.load(g));
    assertTrue(e.getMessage().contains("a case name is a directory name"), e.getMessage());
  }

  @Test
  void aStopSignalWaitsUntilTheSweepHasWrittenWhatRan() throws Exception {
    // A stand-in for the JVM's hooks that keeps the sweep's hook so the test can fire it as a signal would.
    java.util.concurrent.atomic.AtomicReference<Thread> sweepHook = new java.util.concurrent.atomic.AtomicReference<>();
    Runner.ShutdownHooks capture = new Runner.ShutdownHooks() {
      public void add(Thread hook) {
        sweepHook.compareAndSet(null, hook);
      }

      public void remove(Thread hook) {}
    };
    PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    SweepRunner s = new SweepRunner(new RunKindRegistry().register(new CountingKind()), console,
        () -> new Runner(console, System::nanoTime, Clock.systemUTC(), Path.of("").toAbsolutePath(), noHooks), capture);
    Path f = files("sweep { base = base.conf, grid { steps = [200000, 300000, 400000, 500000] }, seeds = [1, 2] }",
        "kind = counting\n");
    SweepPlan plan = SweepPlan.load(f);
    List<RunConfig> configs = s.validate(plan);
    Path dir = tmp.resolve("out");
    Thread sweep = new Thread(() -> {
      try {
        s.run(plan, configs, dir, List.of());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    sweep.start();
    while (sweepHook.get() == null || !Files.exists(dir.resolve("steps=200000/seed-1"))) {
      Thread.sleep(1);
    }
    // What the JVM does on SIGTERM: run the hook; it halts as soon as the hook returns.
    sweepHook.get().run();
    assertTrue(Files.isRegularFile(dir.resolve("sweep-summary.json")),
        "the hook returned before the sweep recorded what ran");
    JsonNode summary = Json.read(dir.resolve("sweep-summary.json"));
    assertTrue(summary.get("not_completed").asInt() > 0, "points after the signal are not started: " + summary);
    sweep.join();
  }
}
