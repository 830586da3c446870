package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kind = ald} through {@code mnemo run}: its metrics, summary and parameter files in each mode (what the
 * actors run: the LSTM's parameters in ald and asymmetric, the Transformer's in transformer_only), and refused
 * configs.
 */
class AldRunKindTest {

  private static final String HEADER = "env_steps,updates,train_return,eval_return,eval_ci95,learner_entropy,"
      + "distill_kl,value_error,learner_grad_norm,actor_grad_norm,acting_cpu_us_per_step,wall_s";
  private static final String TINY = "kind = ald\nenv = \"imaze?length=2\"\ntrials_per_update = 8\nminibatches = 2\n"
      + "d_model = 8\nff_size = 8\ncore_size = 8\ntotal_env_steps = 200\neval_interval = 2\neval_trials = 10\n"
      + "final_eval_trials = 20\n";

  private final StandardCli cli = new StandardCli();

  @Test
  void aTinyRunWritesTheActorsEvaluationAndBothNetworks(@TempDir Path tmp) throws Exception {
    Path conf = tmp.resolve("ald.conf");
    Files.writeString(conf, "kind = ald\nenv = \"imaze?length=2\"\ntrials_per_update = 8\nminibatches = 2\n"
        + "d_model = 8\nff_size = 8\ncore_size = 8\ntotal_env_steps = 200\neval_interval = 2\neval_trials = 10\n"
        + "final_eval_trials = 20\n");
    Path run = tmp.resolve("run");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText(), s.toString());
    assertTrue(s.get("env_steps").asLong() >= 200, s.toString());
    assertEquals(20, s.get("eval").get("episodes").asInt(), "the final evaluation's episodes: " + s);
    double ret = s.get("eval").get("mean_return").asDouble();
    assertTrue(ret >= -1 && ret <= 1, "I-Maze returns lie in [-1, 1]: " + s);
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals(HEADER, rows.get(0));
    assertTrue(rows.size() >= 3, "one row per update: " + rows);
    assertTrue(Files.size(run.resolve("checkpoints/result.params")) > 0);
    assertTrue(Files.size(run.resolve("checkpoints/learner.params")) > Files.size(run.resolve(
        "checkpoints/result.params")), "the Transformer is the larger network here");
    assertTimeSplitsTheTrainingTime(s, true);
  }

  /**
   * summary.json's stages are each positive and, being disjoint parts of the training loop, sum to at most
   * train_seconds; the distillation's own time is there exactly when the mode distils.
   */
  private static void assertTimeSplitsTheTrainingTime(JsonNode s, boolean distils) {
    double train = s.get("train_seconds").asDouble();
    double env = s.get("env_seconds").asDouble();
    double act = s.get("act_seconds").asDouble();
    double learn = s.get("learn_seconds").asDouble();
    double eval = s.get("eval_seconds").asDouble();
    assertTrue(env > 0 && act > 0 && learn > 0 && eval > 0, "each stage took time: " + s);
    assertTrue(env + act + learn + eval <= train * 1.0001, "the stages are parts of the training time: " + s);
    double distill = s.get("distill_seconds").asDouble();
    assertEquals(distils, distill > 0, "the distillation's own time: " + s);
    assertTrue(distill <= train, s.toString());
    assertTrue(s.get("distill_wait_seconds").asDouble() <= learn, "the wait is part of the updates: " + s);
  }

  /**
   * Transformer-only publishes (and its actors act with) the Transformer: result.params is the learner's; the
   * asymmetric baseline's is the LSTM's. Every update reports the acting policy's CPU time per env step.
   */
  @Test
  void eachBaselineWritesTheParametersItsActorsRunAndTheirActingCost(@TempDir Path tmp) throws Exception {
    for (String mode : List.of("transformer_only", "asymmetric")) {
      Path conf = tmp.resolve(mode + ".conf");
      Files.writeString(conf, TINY + "mode = " + mode + "\n");
      Path run = tmp.resolve(mode);
      assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
      JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
      assertEquals("completed", s.get("status").asText(), s.toString());
      assertEquals(mode, s.get("mode").asText(), s.toString());
      List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
      assertEquals(HEADER, rows.get(0));
      double lastWall = 0;
      for (String row : rows.subList(1, rows.size())) {
        String[] cells = row.split(",", -1);
        double us = Double.parseDouble(cells[cells.length - 2]);
        assertTrue(us > 0 && us < 1e6, mode + ": acting CPU us per step " + row);
        double wall = Double.parseDouble(cells[cells.length - 1]);
        assertTrue(wall > lastWall && wall < 600, mode + ": wall_s grows from the start of training: " + row);
        lastWall = wall;
      }
      long result = Files.size(run.resolve("checkpoints/result.params"));
      long learner = Files.size(run.resolve("checkpoints/learner.params"));
      assertTimeSplitsTheTrainingTime(s, false);
      if (mode.equals("transformer_only")) {
        assertEquals(learner, result, "Transformer-only's actors run the Transformer");
        assertEquals(0, s.get("actor_params").asInt(), s.toString());
      } else {
        assertTrue(result < learner, "the asymmetric baseline's actors run the (smaller) LSTM");
      }
    }
  }

  @Test
  void anUnknownModeIsRefusedNamingTheFileTheKeyAndTheValue(@TempDir Path tmp) throws Exception {
    Path conf = tmp.resolve("bad-mode.conf");
    Files.writeString(conf, TINY + "mode = transformer\n");
    assertEquals(2, cli.mnemo("run", conf.toString(), "--out", tmp.resolve("r").toString()));
    String err = cli.err();
    assertTrue(err.contains("bad-mode.conf") && err.contains("mode") && err.contains("transformer")
        && err.contains("transformer_only") && err.contains("asymmetric"), err);
  }

  @Test
  void aPullTowardTheActorIsRefusedOutsideAld(@TempDir Path tmp) throws Exception {
    Path conf = tmp.resolve("pull.conf");
    Files.writeString(conf, TINY + "mode = asymmetric\nlearner_kl_to_actor = 0.1\n");
    assertEquals(2, cli.mnemo("run", conf.toString(), "--out", tmp.resolve("r").toString()));
    assertTrue(cli.err().contains("learner_kl_to_actor") && cli.err().contains("mode"), cli.err());
  }

  @Test
  void aWidthThatHeadsDoNotDivideIsRefusedByName(@TempDir Path tmp) throws Exception {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "kind = ald\nd_model = 9\nheads = 2\n");
    assertEquals(2, cli.mnemo("run", conf.toString(), "--out", tmp.resolve("r").toString()));
    assertTrue(cli.err().contains("d_model") && cli.err().contains("heads"), cli.err());
  }
}
