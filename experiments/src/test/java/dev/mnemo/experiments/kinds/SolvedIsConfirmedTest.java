package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.ActingPolicy;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.run.LocalRunLoop;
import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunConfigLoader;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.experiments.run.Runner;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.Learner;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.r2d2.R2d2Builder;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.replay.ReplayConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Solved" is a property of the parameters a run keeps: the run stops on the parameters an evaluation found
 * solved, keeps them, and reports a second, larger evaluation of those same parameters. Real R2D2 through
 * the local runtime, with evaluations that score parameters by their version, so what is evaluated, kept
 * and reported is visible whatever the timing of the actors and the learner.
 */
class SolvedIsConfirmedTest {

  @TempDir
  Path tmp;

  /**
   * R2D2 whose evaluations score parameters with {@code periodic} (the periodic evaluator) and {@code larger}
   * (the confirming and final one) instead of playing episodes.
   */
  record Scored(R2d2Builder inner, ToDoubleFunction<ParamSnapshot> periodic, ToDoubleFunction<ParamSnapshot> larger)
      implements AgentBuilder {
    @Override
    public String algorithm() {
      return inner.algorithm();
    }

    @Override
    public String envId() {
      return inner.envId();
    }

    @Override
    public long seed() {
      return inner.seed();
    }

    @Override
    public AgentBuilder withSeed(long seed) {
      return new Scored(inner.withSeed(seed), periodic, larger);
    }

    @Override
    public long totalEnvSteps() {
      return inner.totalEnvSteps();
    }

    @Override
    public int actorRefreshSteps() {
      return inner.actorRefreshSteps();
    }

    @Override
    public AgentShapes shapes(EnvSpec env) {
      return inner.shapes(env);
    }

    @Override
    public ReplayConfig replayConfig(AgentShapes shapes, boolean rateLimited) {
      return inner.replayConfig(shapes, rateLimited);
    }

    @Override
    public Learner newLearner(AgentShapes shapes) {
      return inner.newLearner(shapes);
    }

    @Override
    public ActingPolicy newPolicy(AgentShapes shapes, int f, int count, int total, long seed) {
      return inner.newPolicy(shapes, f, count, total, seed);
    }

    @Override
    public Evaluator newEvaluator(AgentShapes shapes) {
      return scored(inner.config().evalEpisodes(), periodic);
    }

    @Override
    public Evaluator newEvaluator(AgentShapes shapes, int episodes) {
      return scored(episodes, larger);
    }

    private static Evaluator scored(int episodes, ToDoubleFunction<ParamSnapshot> score) {
      return new Evaluator() {
        @Override
        public int episodes() {
          return episodes;
        }

        @Override
        public Evaluation evaluate(ParamSnapshot params) {
          return new Evaluation(score.applyAsDouble(params), 0.0, episodes);
        }
      };
    }
  }

  /** Solved (return 4) for the first parameter version any evaluation sees; any later version scores 1.95. */
  private static ToDoubleFunction<ParamSnapshot> firstVersionSolved(AtomicLong first) {
    return p -> {
      first.compareAndSet(-1, p.version());
      return p.version() == first.get() ? 4.0 : 1.95;
    };
  }

  /** {@code kind = r2d2} with the real schema, run by the generic local loop over {@code agent}. */
  private static RunKind localR2d2(java.util.function.BiFunction<RunContext, R2d2Config, AgentBuilder> agent) {
    R2d2RunKind real = new R2d2RunKind();
    return new RunKind() {
      @Override
      public String name() {
        return real.name();
      }

      @Override
      public String description() {
        return real.description();
      }

      @Override
      public ConfigSchema schema() {
        return real.schema();
      }

      @Override
      public RunOutcome run(RunContext ctx) throws Exception {
        R2d2Config cfg = R2d2RunKind.toR2d2Config(ctx.config(), ctx.seed());
        return LocalRunLoop.run(ctx, agent.apply(ctx, cfg), new LocalRunLoop.Schedule(cfg.evalInterval(),
            cfg.solvedThreshold(), ctx.config().getBoolean("stop_when_solved"),
            ctx.config().getInt("confirm_episodes")));
      }
    };
  }

  private JsonNode run(RunKind kind, String body) throws IOException {
    Path f = tmp.resolve("solved.conf");
    Files.writeString(f, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\neval_episodes = 4\n"
        + "solved_threshold = 3.5\nruntime = local\n"
        + "actors { workers = 2, envs_per_worker = 1, chunk_rows = 4, status_interval = 100ms }\n" + body);
    RunConfig rc = new RunConfigLoader(new RunKindRegistry().register(kind)).load(f, "solved", List.of());
    Path out = tmp.resolve("run");
    Files.createDirectories(out);
    Runner runner = Runner.standard(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    runner.run(rc, out, false, List.of());
    return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
  }

  @Test
  void aLocalRunStopsOnTheParametersFoundSolvedKeepsThemAndReportsTheirLargerEvaluation() throws IOException {
    AtomicLong first = new AtomicLong(-1);
    ToDoubleFunction<ParamSnapshot> score = firstVersionSolved(first);
    JsonNode s = run(localR2d2((ctx, c) -> new Scored(new R2d2Builder(c), score, score)),
        "stop_when_solved = true\ntotal_env_steps = 50000000\neval_interval = 200\nconfirm_episodes = 30\n");
    assertEquals("completed", s.get("status").asText(), s.toString());
    assertTrue(s.get("env_steps").asLong() < 5_000_000, "stopped when solved, not at the budget: " + s);
    assertTrue(s.get("solved_at_env_step").asLong() >= 200, "solved at the first evaluation: " + s);
    JsonNode eval = s.get("eval");
    assertTrue(eval.get("solved").asBoolean() && eval.get("mean_return").asDouble() == 4.0,
        "a run that stopped as solved reports the parameters it found solved (version " + first.get()
            + "), not the learner's later ones: " + s);
    assertEquals(30, eval.get("episodes").asInt(), "summary.json reports the larger, confirming evaluation: " + s);
    assertEquals(first.get(), s.get("result_params_version").asLong(), "the kept parameters are those found solved");
    ParamSnapshot kept = ParamsFile.read(tmp.resolve("run").resolve(s.get("result_params").asText()));
    assertEquals(first.get(), kept.version(), "checkpoints/result.params holds the parameters found solved");
    assertTrue(s.get("learner_updates").asLong() >= kept.version(), "the learner may have gone on: " + s);
  }

  @Test
  void anEvaluationThatTheLargerOneDoesNotConfirmNeitherStopsTheRunNorCountsAsSolved() throws IOException {
    AtomicInteger checks = new AtomicInteger();
    // Every periodic evaluation nominates, every confirmation refuses; after the third refusal the test stops
    // the run itself (as a signal would), so it cannot end at its budget before any evaluation.
    JsonNode s = run(localR2d2((ctx, c) -> new Scored(new R2d2Builder(c), p -> 4.0, p -> {
      if (checks.incrementAndGet() == 3) {
        ctx.requestStop("three refusals seen");
      }
      return 1.95;
    })), "stop_when_solved = true\ntotal_env_steps = 50000000\neval_interval = 200\n");
    assertEquals("interrupted", s.get("status").asText(), "stopped by the test, not as solved: " + s);
    assertEquals(-1, s.get("solved_at_env_step").asLong(), "never solved: " + s);
    assertFalse(s.get("eval").get("solved").asBoolean(), s.toString());
    assertEquals(100, s.get("eval").get("episodes").asInt(), "the final evaluation is the larger one: " + s);
    String events = Files.readString(tmp.resolve("run/events.jsonl"));
    assertTrue(events.split("\"type\":\"solved_check\"", -1).length - 1 >= 3
        && events.contains("\"confirm_return\":1.95") && !events.contains("\"solved\":true"),
        "every unconfirmed nomination is recorded, none is solved: " + events);
  }

  @Test
  void aSynchronousRunFollowsTheSameRule() throws IOException {
    Path f = tmp.resolve("sync.conf");
    // A threshold every evaluation reaches: stops at the first, confirmed by 100 episodes of the same parameters.
    Files.writeString(f, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\neval_episodes = 4\nruntime = sync\n"
        + "solved_threshold = -1000\nstop_when_solved = true\ntotal_env_steps = 5000\neval_interval = 200\n");
    StandardCli cli = new StandardCli();
    Path out = tmp.resolve("sync");
    assertEquals(0, cli.mnemo("run", f.toString(), "--out", out.toString()), cli.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(200, s.get("solved_at_env_step").asLong(), s.toString());
    assertEquals(200, s.get("env_steps").asLong(), "stopped at the evaluation that found it solved: " + s);
    assertTrue(s.get("eval").get("solved").asBoolean(), s.toString());
    assertEquals(100, s.get("eval").get("episodes").asInt(), "the confirming evaluation's figures: " + s);
    ParamSnapshot kept = ParamsFile.read(out.resolve("checkpoints/result.params"));
    assertEquals(s.get("learner_updates").asLong(), kept.version(), "one thread: the learner stopped there too");
  }

  @Test
  void confirmEpisodesMustExceedEvalEpisodes() throws IOException {
    Path f = tmp.resolve("bad.conf");
    Files.writeString(f, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\neval_episodes = 20\n"
        + "confirm_episodes = 20\n");
    StandardCli cli = new StandardCli();
    assertEquals(2, cli.mnemo("run", f.toString(), "--out", tmp.resolve("never").toString()), cli.err());
    assertTrue(cli.err().contains("confirm_episodes"), cli.err());
  }
}
