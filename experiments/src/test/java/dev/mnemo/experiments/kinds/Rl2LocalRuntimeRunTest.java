package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kind = rl2} through {@code mnemo run} with {@code runtime = local} writes what the synchronous run writes
 * (its metrics columns, in order, and every summary field, final and peak evaluations included) plus the lag
 * columns and fields, and the same checkpoint files; and the runtime's keys are validated like any other.
 */
class Rl2LocalRuntimeRunTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  private Path config(String runtime) throws IOException {
    Path f = tmp.resolve(runtime + ".conf");
    Files.writeString(f, "kind = rl2\nenv = \"bandit?arms=3&pulls=4\"\ncore_size = 8\ntrials_per_update = 8\n"
        + "minibatches = 2\ntotal_env_steps = 640\neval_interval = 4\neval_trials = 4\nfinal_eval_trials = 6\n"
        + "runtime = " + runtime + "\nactors.workers = 2\n");
    return f;
  }

  @Test
  void aLocalRunWritesTheSynchronousRunsColumnsAndSummaryPlusTheLag() throws IOException {
    Path sync = tmp.resolve("sync");
    assertEquals(0, cli.mnemo("run", config("sync").toString(), "--out", sync.toString()), cli.err());
    Path local = tmp.resolve("local");
    assertEquals(0, cli.mnemo("run", config("local").toString(), "--out", local.toString()), cli.err());

    List<String> syncMetrics = Files.readAllLines(sync.resolve("metrics.csv"));
    List<String> localMetrics = Files.readAllLines(local.resolve("metrics.csv"));
    assertTrue(localMetrics.get(0).startsWith(syncMetrics.get(0) + ","), "the synchronous columns first: "
        + localMetrics.get(0));
    assertTrue(localMetrics.get(0).endsWith("param_lag_mean,param_lag_max,stale_dropped,learner_wait_s"),
        localMetrics.get(0));

    JsonNode s = new ObjectMapper().readTree(sync.resolve("summary.json").toFile());
    JsonNode l = new ObjectMapper().readTree(local.resolve("summary.json").toFile());
    assertEquals("completed", l.get("status").asText(), l.toString());
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      assertTrue(l.has(k), "summary field " + k + " of the synchronous run missing: " + l);
    }
    assertEquals(6, l.get("eval").get("episodes").asInt(), l.toString());
    assertTrue(l.get("peak_eval_return").isNumber() && l.get("final_eval_return").isNumber(), l.toString());
    assertTrue(l.get("env_steps").asLong() >= 640 && l.get("env_steps").asLong() < 640 + 4 * 4, "within one "
        + "collection (4 trials of 4 pulls) of the budget: " + l);
    assertEquals("local", l.get("runtime").asText());
    assertEquals(1, l.get("max_param_lag").asInt());
    assertTrue(l.has("stale_dropped_collections") && l.has("param_lag_kept"), l.toString());
    assertEquals(l.get("learner_updates").asLong() + 1, localMetrics.size(), "one row per update");
    for (String f : List.of("result.params", "peak.params", "learner.ppo")) {
      assertTrue(Files.isRegularFile(local.resolve("checkpoints").resolve(f)), f);
    }
    String events = Files.readString(local.resolve("events.jsonl"));
    assertTrue(events.contains("\"param_lag\"") && events.contains("\"runtime_started\""), events);
  }

  @Test
  void theRuntimeKeysAreValidated() throws IOException {
    Path f = config("local");
    assertEquals(2, cli.mnemo("run", f.toString(), "--check", "--set", "runtime=cluster", "--set",
        "max_param_lag=-1", "--set", "actors.chunk_rows=3"));
    String err = cli.err();
    assertTrue(err.contains("runtime") && err.contains("max_param_lag") && err.contains("actors.chunk_rows"), err);
  }
}
