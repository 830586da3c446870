package dev.mnemo.experiments.run;

import dev.mnemo.learners.agent.Solved;
import dev.mnemo.actors.LocalRuntime;
import dev.mnemo.actors.RunFailedException;
import dev.mnemo.actors.RunResult;
import dev.mnemo.actors.RuntimeCheckpoint;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.actors.RuntimeCounters;
import dev.mnemo.actors.RuntimeListener;
import dev.mnemo.actors.RuntimeStatus;
import dev.mnemo.actors.cluster.NodeConfig;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.agent.SolvedRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code runtime = local} for any algorithm: the Pekko local runtime (workers, replay and learner services in
 * this JVM) driven from the CLI's thread, which writes status rows to {@code metrics.csv}, runs the periodic
 * evaluations of the latest published parameters with the algorithm's {@link Evaluator}, and stops at the
 * budget, on request or when solved. "Solved" is {@link SolvedRule}'s, as in every runtime: a periodic
 * evaluation that reaches the threshold is confirmed by a larger one of the same snapshot; a run that stops
 * when solved keeps that snapshot as its result ({@code checkpoints/result.params}, while the learner's own
 * checkpoint, for {@code --resume}, is the learner as it was at the stop) and reports the confirmation;
 * otherwise the result is the last published parameters with the same larger evaluation. Nothing here
 * names an algorithm: it is given an {@link AgentBuilder}.
 */
public final class LocalRunLoop {

  private LocalRunLoop() {}

  /**
   * When to evaluate and what counts as solved.
   *
   * @param evalInterval env steps between evaluations
   * @param solvedThreshold mean evaluation return that counts as solved ({@link Solved#hasThreshold})
   * @param stopWhenSolved end the run on the first parameters found solved ({@link SolvedRule})
   * @param confirmEpisodes episodes of the larger evaluation that confirms "solved" and gives the final figures
   */
  public record Schedule(long evalInterval, double solvedThreshold, boolean stopWhenSolved, int confirmEpisodes) {

    /** With {@link SolvedRule#CONFIRM_EPISODES} confirming episodes. */
    public Schedule(long evalInterval, double solvedThreshold, boolean stopWhenSolved) {
      this(evalInterval, solvedThreshold, stopWhenSolved, SolvedRule.CONFIRM_EPISODES);
    }
  }

  /** The run's result parameters under {@code checkpoints/} (see {@link ParamsFile}). */
  public static final String RESULT_PARAMS = "result.params";

  /**
   * Refuses a resume from {@code checkpointDir} that cannot continue (see {@link LocalRuntime#checkResume}),
   * before anything of the run is touched.
   */
  public static void checkResume(com.typesafe.config.Config config, AgentBuilder agent,
      java.nio.file.Path checkpointDir) {
    LocalRuntime.checkResume(NodeConfig.runtime(config).withCheckpoints(checkpointDir, checkpointDir), agent);
  }

  /**
   * Runs to the budget (or a stop) with a final checkpoint (learner + replay) that {@code --resume}
   * continues from.
   */
  public static RunOutcome run(RunContext ctx, AgentBuilder agent, Schedule schedule) throws Exception {
    RuntimeConfig rc = NodeConfig.runtime(ctx.config())
        .withCheckpoints(ctx.checkpointDir(), ctx.resumed() ? ctx.checkpointDir() : null);
    if (ctx.resumed()) {
      // Rows a killed leg wrote after its newest checkpoint: the counters continue from the checkpoint, so
      // without this metrics.csv's env_steps would go back.
      RuntimeCheckpoint.Found found = RuntimeCheckpoint.latest(ctx.checkpointDir());
      if (found.counts() != null) {
        MetricsWriter.dropRowsAfter(ctx.dir().resolve(RunFiles.METRICS), found.counts().envSteps());
        ctx.progressLine().startFrom(found.counts().envSteps(), found.counts().updates());
      }
    }
    MetricsWriter metrics = ctx.metrics("env_steps", "updates", "episodes", "train_return", "env_steps_per_s",
        "updates_per_s", "replay_size", "sequences_inserted", "param_lag", "workers", "eval_return", "eval_ci95");
    // The last periodic evaluation; status rows repeat it so every row of metrics.csv has the same columns.
    double[] lastEval = {Double.NaN, Double.NaN};
    double[] row = new double[11];
    RuntimeListener listener = new RuntimeListener() {
      @Override
      public void onEvent(Map<String, Object> event) {
        Map<String, Object> fields = new LinkedHashMap<>(event);
        Object type = fields.remove("event");
        fields.remove("time_ms");
        ctx.events().record(String.valueOf(type), fields);
      }

      @Override
      public synchronized void onStatus(RuntimeStatus s) {
        row[0] = s.updates();
        row[1] = s.episodes();
        row[2] = s.meanEpisodeReturn();
        row[3] = s.envStepsPerSecond();
        row[4] = s.updatesPerSecond();
        row[5] = s.replaySize();
        row[6] = s.sequencesInserted();
        row[7] = s.paramLag();
        row[8] = s.workers();
        row[9] = lastEval[0];
        row[10] = lastEval[1];
        metrics.row(s.envSteps(), row);
        ctx.progress(s.envSteps(), s.updates(), () -> String.format("return %.3f  replay %d  lag %d  workers %d",
            s.meanEpisodeReturn(), s.replaySize(), s.paramLag(), s.workers()));
      }
    };
    RunResult r;
    ParamSnapshot finalParams;
    AgentShapes shapes = LocalRuntime.shapes(agent, rc);
    Evaluator evaluator = agent.newEvaluator(shapes);
    Evaluator larger = agent.newEvaluator(shapes, schedule.confirmEpisodes());
    SolvedRule rule = larger == null ? null : new SolvedRule(larger, schedule.solvedThreshold());
    PeriodicEval periodic = null;
    long solvedAt = Solved.NEVER;
    // The run's result when it stops as solved: the parameters found solved and their confirmation.
    ParamSnapshot resultParams = null;
    Evaluator.Evaluation result = null;
    try (LocalRuntime rt = LocalRuntime.start(rc, agent, listener)) {
      // A resumed run evaluates on the same schedule as if it had not stopped (counters continue).
      periodic = evaluator == null ? null
          : new PeriodicEval(evaluator, schedule.evalInterval(), rt.counters().envSteps());
      while (!rt.result().isDone()) {
        if (ctx.stopRequested()) {
          rt.requestStop("stop requested");
        }
        // Evaluations run here, on the polling thread, so actors and learner keep their own threads. They
        // evaluate one immutable snapshot, which the learner's later updates do not touch.
        PeriodicEval.Done ev = periodic == null ? null : periodic.maybeEvaluate(rt.counters());
        if (ev != null) {
          Evaluator.Evaluation e = ev.evaluation();
          synchronized (listener) {
            lastEval[0] = e.meanReturn();
            lastEval[1] = e.ci95();
          }
          boolean nominated = rule != null && rule.nominates(e);
          ctx.events().record("eval", "env_steps", ev.envSteps(), "updates", ev.updates(), "params_version",
              ev.params().version(), "eval_return", e.meanReturn(), "eval_ci95", e.ci95(), "reaches_threshold",
              nominated);
          if (nominated && solvedAt == Solved.NEVER) {
            Evaluator.Evaluation c = rule.evaluate(ev.params());
            boolean solved = Boolean.TRUE.equals(rule.solved(c));
            ctx.events().record("solved_check", "env_steps", ev.envSteps(), "params_version", ev.params().version(),
                "eval_return", e.meanReturn(), "confirm_return", c.meanReturn(), "confirm_ci95", c.ci95(),
                "confirm_episodes", c.episodes(), "solved", solved);
            if (solved) {
              solvedAt = ev.envSteps();
              if (schedule.stopWhenSolved()) {
                resultParams = ev.params();
                result = c;
                rt.requestStop("solved");
              }
            }
          }
        }
        try {
          rt.result().get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // still running: poll the stop flag again
        }
      }
      try {
        r = rt.result().get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RunFailedException f) {
          // A worker exhausted its restart budget: the run stopped in order (final checkpoint written) and failed.
          recordTotals(ctx, f.totals());
          throw f;
        }
        throw e;
      }
      finalParams = rt.counters().latestParams();
    }
    recordTotals(ctx, r);
    RunOutcome out = RunOutcome.of(r.envSteps()).withLearnerUpdates(r.updates()).with("episodes", r.episodes())
        .with("restarts", r.restarts()).with("sequences_inserted", r.sequencesInserted())
        .with("solved_at_env_step", solvedAt);
    if (resultParams == null) {
      // Not stopped as solved: the result is the last published parameters, evaluated as a confirmation is.
      resultParams = finalParams;
      if (rule != null && resultParams != null) {
        try {
          result = rule.evaluate(resultParams);
        } catch (RuntimeException ex) {
          if (!ctx.stopRequested()) {
            throw ex;
          }
          // An interrupted run stays interrupted when its final evaluation cannot run (its env server is gone).
          ctx.events().record("eval_failed", "error", String.valueOf(ex));
        }
      }
    }
    if (resultParams != null) {
      // Kept apart from learner.ckpt, which holds the learner as it was at the stop (to resume from).
      ParamsFile.write(ctx.checkpointDir().resolve(RESULT_PARAMS), resultParams);
      out = out.with("result_params", "checkpoints/" + RESULT_PARAMS)
          .with("result_params_version", resultParams.version());
    }
    if (result != null) {
      out = out.withEval(new EvalResult(result.meanReturn(), result.ci95(), result.episodes(), rule.solved(result)));
    }
    return out;
  }

  private static void recordTotals(RunContext ctx, RunResult r) {
    ctx.events().record("runtime_totals", "sequences_sent", r.sequencesSent(), "sequences_received",
        r.sequencesReceived(), "sequences_inserted", r.sequencesInserted(), "dropped_at_stop",
        r.sequencesDroppedAtStop(), "dropped_in_restarts", r.sequencesDroppedInRestarts(), "restarts",
        r.restarts(), "anomalies", r.sequenceAnomalies());
  }

  /**
   * Evaluations of the latest published parameters every {@code interval} env steps (the synchronous
   * trainer evaluates on the same schedule and with the same seeds).
   */
  private static final class PeriodicEval {
    private final Evaluator evaluator;
    private final long interval;
    private long next;

    PeriodicEval(Evaluator evaluator, long interval, long startSteps) {
      this.evaluator = evaluator;
      this.interval = interval;
      this.next = (startSteps / interval + 1) * interval;
    }

    /** One periodic evaluation: of which parameters, what it found, and the run's counts when it began. */
    record Done(ParamSnapshot params, Evaluator.Evaluation evaluation, long envSteps, long updates) {
    }

    /** The evaluation of the latest published parameters when one is due and parameters exist, else null. */
    Done maybeEvaluate(RuntimeCounters counters) {
      long steps = counters.envSteps();
      long updates = counters.updates();
      ParamSnapshot params = counters.latestParams();
      if (steps < next || params == null) {
        return null;
      }
      // Several intervals may have passed while the last evaluation ran: evaluate once, then skip ahead.
      next = (steps / interval + 1) * interval;
      return new Done(params, evaluator.evaluate(params), steps, updates);
    }
  }
}
