package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.cli.MnemoCli;
import dev.mnemo.experiments.cli.Wiring;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kind = r2d2} through the real CLI wiring: validation before start, and a short real run. */
class R2d2RunKindTest {

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int mnemo(String... args) {
    return MnemoCli.execute(Wiring.standard(), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private Path config(String body) throws IOException {
    Path f = tmp.resolve("tiny.conf");
    Files.writeString(f, "kind = r2d2\nenv = \"tmaze?length=3\"\nnum_envs = 2\nburn_in = 2\n"
        + "trace_length = 4\nsequence_period = 2\nn_step = 2\ngamma = 0.9\nencoder_sizes = [8]\n"
        + "lstm_size = 8\nhead_size = 8\nbatch_size = 4\nreplay_capacity = 200\nmin_replay_size = 8\n"
        + "samples_per_insert = 1\nactor_refresh_steps = 10\ntotal_env_steps = 400\neval_interval = 200\n"
        + "eval_episodes = 4\nsolved_threshold = 3.5\n" + body);
    return f;
  }

  @Test
  void shortRunWritesSummaryWithStepsUpdatesAndEval() throws IOException {
    Path out = tmp.resolve("run");
    int code = mnemo("run", config("").toString(), "--out", out.toString());
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertEquals(400, s.get("env_steps").asLong());
    assertTrue(s.get("learner_updates").asLong() > 0, "the learner must have updated: " + s);
    assertEquals(4, s.get("eval").get("episodes").asInt());
    assertTrue(s.get("eval").has("solved"), "a finite threshold reports solved: " + s);
    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    assertTrue(metrics.get(0).startsWith("env_steps,updates,"), metrics.get(0));
    assertEquals(3, metrics.size(), "header + one row per evaluation (2): " + metrics);
  }

  @Test
  void localRuntimeRunsThroughPekkoAndLeavesACheckpointAndTotals() throws IOException {
    Path out = tmp.resolve("local");
    int code = mnemo("run", config("runtime = local\nactors { workers = 2, envs_per_worker = 1, chunk_rows = 4,"
        + " status_interval = 200ms }\n").toString(), "--out", out.toString());
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertTrue(s.get("env_steps").asLong() >= 400, "the budget is reached: " + s);
    assertTrue(s.get("learner_updates").asLong() > 0, "the learner service updated: " + s);
    assertEquals(4, s.get("eval").get("episodes").asInt(), "final greedy evaluation: " + s);
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
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
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
    String msg = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, msg);
    assertTrue(msg.contains("lenght"), "names the bad env parameter: " + msg);
    assertTrue(msg.contains("min_replay_size"), "names the inconsistent key: " + msg);
    assertTrue(!Files.exists(out.resolve("summary.json")), "no run may start on an invalid config");
  }
}
