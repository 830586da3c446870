package dev.mnemo.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final AtomicLong nanos = new AtomicLong();
  private final RunConfigLoader loader = new RunConfigLoader(new RunKindRegistry().register(new CountingKind()));

  /** Shutdown hooks the runner installed; a test fires one by starting it, as the JVM does on SIGINT. */
  private final List<Thread> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Each clock read advances 1 ms, so wall_seconds is a known function of the run's work. */
  private Runner runner() {
    Runner.ShutdownHooks fake = new Runner.ShutdownHooks() {
      public void add(Thread hook) {
        hooks.add(hook);
      }

      public void remove(Thread hook) {
        hooks.remove(hook);
      }
    };
    return new Runner(new PrintStream(console, true, StandardCharsets.UTF_8), () -> nanos.addAndGet(1_000_000),
        Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), Path.of("").toAbsolutePath(), fake);
  }

  private static RunKind kind(String name, java.util.function.Function<RunContext, RunOutcome> body) {
    return new RunKind() {
      public String name() {
        return name;
      }

      public String description() {
        return "";
      }

      public dev.mnemo.experiments.config.ConfigSchema schema() {
        return dev.mnemo.experiments.config.ConfigSchema.builder(name).build();
      }

      public RunOutcome run(RunContext ctx) {
        return body.apply(ctx);
      }
    };
  }

  private RunConfig configOf(RunKind k, String text) throws IOException {
    Path f = tmp.resolve(k.name() + ".conf");
    Files.writeString(f, "kind = " + k.name() + "\n" + text);
    return new RunConfigLoader(new RunKindRegistry().register(k)).load(f, k.name(), List.of());
  }

  private RunConfig config(String text, String... sets) throws IOException {
    Path f = tmp.resolve("exp.conf");
    Files.writeString(f, text);
    return loader.load(f, "exp", List.of(sets));
  }

  private Path newDir() throws IOException {
    return RunFiles.newRunDirectory(tmp.resolve("runs"), "exp", Clock.systemUTC());
  }

  @Test
  void completedRunWritesEveryFileOfTheRunDirectory() throws IOException {
    RunConfig rc = config("kind = counting\nseed = 42\nsteps = 50\neval { episodes = 4, success_threshold = 0.5 }\n",
        "learner.updates_per_step=2");
    Path dir = newDir();
    RunResult r = runner().run(rc, dir, false, List.of("run", "exp.conf"));
    assertEquals(RunResult.COMPLETED, r.status());

    // config.conf: every key, defaults included, and it parses back to the same config.
    Config written = ConfigFactory.parseFile(dir.resolve(RunFiles.CONFIG).toFile()).resolve();
    assertEquals(rc.config().root().unwrapped(), written.root().unwrapped());
    assertEquals(0.001, written.getDouble("learner.lr"), "defaults are spelled out");
    assertEquals(2, written.getInt("learner.updates_per_step"), "--set is applied");

    JsonNode prov = Json.read(dir.resolve(RunFiles.PROVENANCE));
    assertEquals(42, prov.get("seed").asLong());
    assertEquals("counting", prov.get("kind").asText());
    assertEquals(System.getProperty("java.version"), prov.get("java").get("version").asText());
    assertEquals(System.getProperty("os.name"), prov.get("os").get("name").asText());
    assertTrue(prov.get("git").has("commit") && prov.get("git").has("dirty"), prov.toString());
    assertFalse(prov.get("mnemo_version").asText().isEmpty());
    assertEquals(List.of("learner.updates_per_step=2"), List.of(prov.get("overrides").get(0).asText()));

    JsonNode s = Json.read(dir.resolve(RunFiles.SUMMARY));
    assertEquals("completed", s.get("status").asText());
    assertEquals(50, s.get("env_steps").asLong());
    assertEquals(100, s.get("learner_updates").asLong());
    assertEquals(42, s.get("seed").asLong());
    assertTrue(s.get("wall_seconds").asDouble() > 0, s.toString());
    JsonNode eval = s.get("eval");
    assertEquals(0.5, eval.get("mean_return").asDouble(), 1e-12);
    assertEquals(4, eval.get("episodes").asInt());
    // returns 0,1,0,1: sample sd = sqrt(1/3), ci95 = 1.96 * sd / 2.
    assertEquals(1.96 * Math.sqrt(1.0 / 3) / 2, eval.get("ci95").asDouble(), 1e-12);
    assertTrue(eval.get("solved").asBoolean(), "mean 0.5 reaches threshold 0.5");
    assertEquals(1.0 / 50, s.get("final_loss").asDouble(), 1e-12);
    assertFalse(s.has("error"));

    List<String> metrics = Files.readAllLines(dir.resolve(RunFiles.METRICS));
    assertEquals("step,loss,return", metrics.get(0));
    assertEquals(6, metrics.size(), "header + rows at steps 10..50: " + metrics);
    assertEquals("10,0.1,", metrics.get(1), "NaN is an empty cell");
    assertEquals("20,0.05,10", metrics.get(2));

    List<String> events = Files.readAllLines(dir.resolve(RunFiles.EVENTS));
    assertEquals("run_started", Json.parse(events.get(0)).get("type").asText());
    assertEquals("run_completed", Json.parse(events.get(events.size() - 1)).get("type").asText());
    assertEquals("2026-01-02T03:04:05Z", Json.parse(events.get(0)).get("time").asText());

    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp files left behind");
    }
  }

  @Test
  void failedRunStillWritesSummaryWithTheError() throws IOException {
    RunConfig rc = config("kind = counting\nsteps = 100\nfail_at = 37\n");
    Path dir = newDir();
    RunResult r = runner().run(rc, dir, false, List.of());
    assertEquals(RunResult.FAILED, r.status());
    JsonNode s = Json.read(dir.resolve(RunFiles.SUMMARY));
    assertEquals("failed", s.get("status").asText());
    assertTrue(s.get("error").asText().contains("boom at step 37"), s.toString());
    assertEquals(36, s.get("env_steps").asLong(), "last progress reported before the failure");
    assertEquals(36, s.get("learner_updates").asLong());
    assertFalse(s.has("eval"));
    List<String> events = Files.readAllLines(dir.resolve(RunFiles.EVENTS));
    JsonNode last = Json.parse(events.get(events.size() - 1));
    assertEquals("run_failed", last.get("type").asText());
    assertTrue(last.get("stack").asText().contains("CountingKind"), "stack trace recorded");
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("boom at step 37"));
    assertEquals(4, Files.readAllLines(dir.resolve(RunFiles.METRICS)).size(), "rows up to the failure are kept");
  }

  @Test
  void aValueTheFrameworkCannotUseFailsTheRunInsteadOfLeavingItRunning() throws IOException {
    // Validation refuses a negative progress_interval; this config bypasses it, as a kind's own bug might.
    RunConfig valid = config("kind = counting\nsteps = 10\n");
    RunConfig rc = new RunConfig(valid.name(), valid.source(), valid.kind(),
        ConfigFactory.parseString("progress_interval = -1s").withFallback(valid.config()), List.of());
    Path dir = newDir();
    RunResult r = runner().run(rc, dir, false, List.of());
    assertEquals(RunResult.FAILED, r.status());
    JsonNode s = Json.read(dir.resolve(RunFiles.SUMMARY));
    assertEquals("failed", s.get("status").asText(), "never 'running' forever: " + s);
    assertTrue(s.get("error").asText().contains("progress interval"), s.toString());
    List<String> events = Files.readAllLines(dir.resolve(RunFiles.EVENTS));
    assertEquals("run_failed", Json.parse(events.get(events.size() - 1)).get("type").asText());
    assertEquals(List.of("step"), Files.readAllLines(dir.resolve(RunFiles.METRICS)));
  }

  @Test
  void kindWithoutMetricsStillGetsAMetricsFile() throws IOException {
    Path dir = newDir();
    runner().run(configOf(kind("silent", ctx -> RunOutcome.of(0)), ""), dir, false, List.of());
    assertEquals(List.of("step"), Files.readAllLines(dir.resolve(RunFiles.METRICS)));
    JsonNode s = Json.read(dir.resolve(RunFiles.SUMMARY));
    assertFalse(s.has("learner_updates"), "no learner, no learner_updates: " + s);
    assertFalse(s.has("eval"));
  }

  @Test
  void signalStopsACooperativeRunWhichEndsInterrupted() throws Exception {
    RunKind k = kind("stopper", ctx -> {
      long steps = 0;
      while (!ctx.stopRequested()) {
        steps++;
        ctx.progress(steps);
        if (steps == 5) {
          hooks.get(0).start(); // what the JVM does on SIGINT/SIGTERM
        }
      }
      return RunOutcome.of(steps);
    });
    RunResult r = runner().run(configOf(k, ""), newDir(), false, List.of());
    assertEquals(RunResult.INTERRUPTED, r.status());
    assertEquals("signal", r.summary().get("stop_requested"));
    assertTrue((Long) r.summary().get("env_steps") >= 5, r.summary().toString());
    assertTrue(hooks.isEmpty(), "hook removed after the run");
  }

  @Test
  void aRunThatThrowsWhileStoppingOnASignalIsInterruptedWithItsError() throws Exception {
    RunKind k = kind("clumsy", ctx -> {
      ctx.progress(3);
      hooks.get(0).start(); // SIGINT
      while (!ctx.stopRequested()) {
        Thread.onSpinWait();
      }
      throw new IllegalStateException("final evaluation: env server gone");
    });
    RunResult r = runner().run(configOf(k, ""), newDir(), false, List.of());
    assertEquals(RunResult.INTERRUPTED, r.status(), r.summary().toString());
    assertTrue(String.valueOf(r.summary().get("error")).contains("env server gone"), r.summary().toString());
    assertEquals("signal", r.summary().get("stop_requested"));
    assertEquals(3L, r.summary().get("env_steps"));
  }

  @Test
  void signalIgnoredPastTheGraceStillLeavesAnInterruptedSummary() throws Exception {
    String[] seen = new String[1];
    RunKind k = kind("stubborn", ctx -> {
      ctx.progress(7);
      Thread hook = hooks.get(0);
      hook.start();
      try {
        hook.join(10_000); // the hook gives up after shutdown_grace and writes the summary itself
        seen[0] = Files.readString(ctx.dir().resolve(RunFiles.SUMMARY));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return RunOutcome.of(7);
    });
    runner().run(configOf(k, "shutdown_grace = 50ms\n"), newDir(), false, List.of());
    JsonNode s = Json.parse(seen[0]);
    assertEquals("interrupted", s.get("status").asText(), seen[0]);
    assertTrue(s.get("error").asText().contains("did not stop within shutdown_grace"), seen[0]);
    assertEquals(7, s.get("env_steps").asLong());
  }

  @Test
  void resumedRunContinuesItsCheckpointMetricsAndEvents() throws IOException {
    Path dir = newDir();
    runner().run(config("kind = counting\nsteps = 20\n"), dir, false, List.of());
    RunConfig more = loader.load(dir.resolve(RunFiles.CONFIG), "exp", List.of("steps=40"));
    RunResult r = runner().run(more, dir, true, List.of());
    assertEquals(RunResult.COMPLETED, r.status());
    assertEquals(40L, r.summary().get("env_steps"));
    assertEquals(true, r.summary().get("resumed"));
    List<String> metrics = Files.readAllLines(dir.resolve(RunFiles.METRICS));
    List<String> steps = new ArrayList<>();
    metrics.forEach(l -> steps.add(l.split(",")[0]));
    assertEquals(List.of("step", "10", "20", "30", "40"), steps, "one header, rows continue");
    List<String> types = Files.readAllLines(dir.resolve(RunFiles.EVENTS)).stream()
        .map(l -> parse(l).get("type").asText()).toList();
    assertEquals(List.of("run_started", "run_completed", "run_resumed", "restored", "run_completed"), types);
    assertEquals(40, ConfigFactory.parseFile(dir.resolve(RunFiles.CONFIG).toFile()).getInt("steps"));
  }

  @Test
  void runDirectoriesStartingInTheSameSecondGetDistinctNames() throws IOException {
    Clock fixed = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    Path a = RunFiles.newRunDirectory(tmp, "exp", fixed);
    Path b = RunFiles.newRunDirectory(tmp, "exp", fixed);
    assertEquals(tmp.resolve("exp").resolve("20260102T030405Z"), a);
    assertEquals(tmp.resolve("exp").resolve("20260102T030405Z-2"), b);
  }

  private static JsonNode parse(String line) {
    try {
      JsonNode n = Json.parse(line);
      assertNotNull(n);
      return n;
    } catch (IOException e) {
      throw new AssertionError("events.jsonl line is not JSON: " + line, e);
    }
  }
}
