package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kind = r2d2} through the real CLI wiring: validation before start, and a short real run. */
class R2d2RunKindTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  private int mnemo(String... args) {
    return cli.mnemo(args);
  }

  private Path config(String body) throws IOException {
    Path f = tmp.resolve("tiny.conf");
    Files.writeString(f, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\ntotal_env_steps = 400\n"
        + "eval_interval = 200\neval_episodes = 4\nsolved_threshold = 3.5\n" + body);
    return f;
  }

  @Test
  void shortRunWritesSummaryWithStepsUpdatesAndEval() throws IOException {
    Path out = tmp.resolve("run");
    int code = mnemo("run", config("").toString(), "--out", out.toString());
    assertEquals(0, code, cli.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertEquals(400, s.get("env_steps").asLong());
    assertTrue(s.get("learner_updates").asLong() > 0, "the learner must have updated: " + s);
    assertEquals(100, s.get("eval").get("episodes").asInt(), "the final evaluation is the larger one: " + s);
    assertTrue(s.get("eval").has("solved"), "a finite threshold reports solved: " + s);
    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    assertTrue(metrics.get(0).startsWith("env_steps,updates,"), metrics.get(0));
    assertEquals(3, metrics.size(), "header + one row per evaluation (2): " + metrics);
  }

  /**
   * {@code progress_interval} paces the status line in every runtime: a synchronous run used to print one
   * only at its evaluations (here one, at the end).
   */
  @Test
  void aSynchronousRunPrintsAStatusLineEveryProgressInterval() throws IOException {
    Path out = tmp.resolve("progress");
    int code = mnemo("run", config("total_env_steps = 30000\neval_interval = 30000\nprogress_interval = 10ms\n")
        .toString(), "--out", out.toString());
    assertEquals(0, code, cli.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    double wall = s.get("wall_seconds").asDouble();
    long lines = cli.err().lines().filter(l -> l.startsWith("[tiny] ") && l.contains(" | env ")).count();
    // One line per 10 ms at most; allow for a slow start and a loaded machine, but far more than one.
    long expected = (long) (wall / 0.01 / 4);
    assertTrue(wall > 0.1, "the run must last several intervals for this test to mean anything: " + wall + " s");
    assertTrue(lines >= Math.max(4, expected), lines + " status lines in " + wall + " s at one per 10 ms:\n"
        + cli.err());
  }

  @Test
  void localRuntimeRunsThroughPekkoAndLeavesACheckpointAndTotals() throws IOException {
    Path out = tmp.resolve("local");
    int code = mnemo("run", config("runtime = local\nactors { workers = 2, envs_per_worker = 1, chunk_rows = 4,"
        + " status_interval = 200ms }\n").toString(), "--out", out.toString());
    assertEquals(0, code, cli.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertTrue(s.get("env_steps").asLong() >= 400, "the budget is reached: " + s);
    assertTrue(s.get("env_steps").asLong() <= 400 + 2, "and not passed by more than a vector step per worker: " + s);
    assertTrue(s.get("learner_updates").asLong() > 0, "the learner service updated: " + s);
    assertEquals(100, s.get("eval").get("episodes").asInt(), "final greedy evaluation, the larger one: " + s);
    assertTrue(Files.size(out.resolve("checkpoints/learner.ckpt")) > 0, "final learner checkpoint");
    assertTrue(Files.size(out.resolve("checkpoints/replay.ckpt")) > 0, "final replay checkpoint");
    String events = Files.readString(out.resolve("events.jsonl"));
    assertTrue(events.contains("\"type\":\"runtime_totals\"") && events.contains("\"anomalies\":0"),
        "the run's totals are recorded with no anomaly: " + events);
  }

  @Test
  void localRuntimeEvaluatesPeriodicallyAndStopsWhenSolved() throws IOException {
    Path out = tmp.resolve("local-solved");
    // A threshold every evaluation reaches: the run must end at the first evaluation, far below its budget.
    int code = mnemo("run", config("runtime = local\nstop_when_solved = true\nsolved_threshold = -1000\n"
        + "total_env_steps = 50000000\nactors { workers = 2, envs_per_worker = 1, chunk_rows = 4,"
        + " status_interval = 100ms }\n").toString(), "--out", out.toString());
    assertEquals(0, code, cli.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    long solvedAt = s.get("solved_at_env_step").asLong();
    assertTrue(solvedAt >= 200, "solved at the first evaluation, after eval_interval steps: " + s);
    assertTrue(s.get("env_steps").asLong() < 5_000_000, "stopped when solved, not at the budget: " + s);
    String events = Files.readString(out.resolve("events.jsonl"));
    assertTrue(events.contains("\"type\":\"eval\"") && events.contains("\"solved\":true"),
        "the periodic evaluation is recorded: " + events);
    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    assertTrue(metrics.get(0).endsWith(",eval_return,eval_ci95"), metrics.get(0));
  }

  @Test
  void badEnvironmentAndInconsistentReplayAreRefusedBeforeAnythingStarts() throws IOException {
    Path out = tmp.resolve("never");
    int code = mnemo("run", config("env = \"tmaze?lenght=3\"\nmin_replay_size = 500\n").toString(),
        "--out", out.toString());
    String msg = cli.err();
    assertEquals(2, code, msg);
    assertTrue(msg.contains("lenght"), "names the bad env parameter: " + msg);
    assertTrue(msg.contains("min_replay_size"), "names the inconsistent key: " + msg);
    assertTrue(!Files.exists(out.resolve("summary.json")), "no run may start on an invalid config");
  }
}
