package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kind = ald} with {@code runtime = local}: the on-policy Pekko runtime's workers collect episodes with the
 * acting network (the distilled LSTM in ALD, never the Transformer; the Transformer in Transformer-only) while the
 * learner thread updates; ALD learns through it, and its runtime keys are validated before anything starts.
 */
class AldLocalRunTest {

  private static final String TINY = "kind = ald\nenv = \"imaze?length=2\"\ntrials_per_update = 8\nminibatches = 2\n"
      + "d_model = 8\nff_size = 8\ncore_size = 8\ntotal_env_steps = 400\neval_interval = 2\neval_trials = 10\n"
      + "final_eval_trials = 20\nruntime = local\nactors { workers = 2 }\n";

  private final StandardCli cli = new StandardCli();

  private JsonNode run(Path tmp, String name, String config) throws Exception {
    Path conf = tmp.resolve(name + ".conf");
    Files.writeString(conf, config);
    Path run = tmp.resolve(name);
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText(), s.toString());
    assertEquals("local", s.get("runtime").asText(), s.toString());
    assertEquals(2, s.get("workers").asInt(), s.toString());
    assertTrue(Files.size(run.resolve("checkpoints/result.params")) > 0);
    assertEquals("checkpoints/learner.ald", s.get("learner_state").asText(), s.toString());
    assertTrue(Files.size(run.resolve("checkpoints/learner.ald")) > 0, "the learner's state at the stop");
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals("env_steps," + String.join(",", AldLocalRun.COLUMNS), rows.get(0));
    assertTrue(rows.size() >= 3, "one row per update: " + rows);
    List<String> header = List.of(rows.get(0).split(",", -1));
    int updates = header.indexOf("updates");
    int acting = header.indexOf("acting_cpu_us_per_step");
    int wall = header.indexOf("wall_s");
    double lastWall = 0;
    for (int i = 1; i < rows.size(); i++) {
      String[] cells = rows.get(i).split(",", -1);
      assertEquals(i, Long.parseLong(cells[updates]), "row " + i + " is update " + i + ": " + rows.get(i));
      assertTrue(Double.parseDouble(cells[acting]) > 0, "the workers' acting CPU time per step: " + rows.get(i));
      assertTrue(Double.parseDouble(cells[wall]) >= lastWall, "wall_s grows: " + rows.get(i));
      lastWall = Double.parseDouble(cells[wall]);
    }
    assertEquals(rows.size() - 1, s.get("learner_updates").asLong(), s.toString());
    return s;
  }

  /**
   * What the workers act with is the acting network's parameters: ALD's (on the distillation thread too) and the
   * asymmetric baseline's are the LSTM's (fewer than the Transformer's here), Transformer-only's the Transformer's.
   * (AldRuntimeWorkersTest in actors counts what the workers' sources are handed.)
   */
  @Test
  void theWorkersActWithTheLstmInAldAndTheTransformerOnlyInTransformerOnly(@TempDir Path tmp) throws Exception {
    for (String keys : List.of("mode = ald", "mode = ald\ndistill_thread = true", "mode = asymmetric",
        "mode = transformer_only")) {
      JsonNode s = run(tmp, keys.replace(" = ", "_").replace("\n", "-"), TINY + keys + "\n");
      int acting = s.get("acting_params").asInt();
      int learner = s.get("learner_params").asInt();
      if (keys.contains("transformer_only")) {
        assertEquals(learner, acting, "Transformer-only's workers act with the Transformer: " + s);
      } else {
        assertEquals(s.get("actor_params").asInt(), acting, keys + ": the workers act with the LSTM: " + s);
        assertNotEquals(learner, acting, keys + ": the Transformer's parameters never reach the workers: " + s);
      }
    }
  }

  /**
   * ALD for real through the runtime (2 workers, collections up to one update old): the LSTM actor, taught only by
   * distillation, follows the cue of a short I-Maze (corridor 3: a policy without memory earns 0 in expectation). The
   * synchronous loop needs about 36k env steps for 0.9 (AldImazeLearningTest); the budget is 64k.
   */
  @Test
  void aldLearnsAShortIMazeThroughTheRuntime(@TempDir Path tmp) throws Exception {
    JsonNode s = run(tmp, "imaze", "kind = ald\nenv = \"imaze?length=3&arm=1\"\nruntime = local\n"
        + "actors { workers = 2 }\ntrials_per_update = 64\ntotal_env_steps = 64000\neval_interval = 10\n"
        + "eval_trials = 200\nfinal_eval_trials = 400\nseed = 3\n");
    double ret = s.get("eval").get("mean_return").asDouble();
    System.out.println("ALD through the runtime on imaze?length=3&arm=1: actor " + ret + " after "
        + s.get("env_steps") + " env steps, " + s.get("learner_updates") + " updates, lag kept "
        + s.get("param_lag_kept") + ", dropped " + s.get("param_lag_dropped"));
    assertTrue(ret >= 0.85, "the distilled LSTM should follow the cue through the runtime: " + s);
    assertTrue(s.get("learner_updates").asLong() >= 60, "updates: " + s);
  }

  @Test
  void badRuntimeKeysAreRefusedBeforeAnythingStarts(@TempDir Path tmp) throws Exception {
    Path conf = tmp.resolve("workers.conf");
    Files.writeString(conf, TINY + "actors { workers = 0 }\n");
    Path out = tmp.resolve("r");
    assertEquals(2, cli.mnemo("run", conf.toString(), "--out", out.toString()));
    assertTrue(cli.err().contains("workers.conf") && cli.err().contains("actors.workers"), cli.err());
    assertTrue(!Files.exists(out.resolve("metrics.csv")), "nothing ran");
    Path stop = tmp.resolve("stop.conf");
    Files.writeString(stop, TINY + "stop_at_return = 0.5\n");
    assertEquals(2, cli.mnemo("run", stop.toString(), "--out", tmp.resolve("s").toString()));
    assertTrue(cli.err().contains("stop_at_return") && cli.err().contains("runtime"), cli.err());
  }
}
