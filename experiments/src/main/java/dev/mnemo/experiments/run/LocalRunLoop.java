package dev.mnemo.experiments.run;

import dev.mnemo.learners.agent.Solved;
import dev.mnemo.actors.LocalRuntime;
import dev.mnemo.actors.RunFailedException;
import dev.mnemo.actors.RunResult;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.actors.RuntimeCounters;
import dev.mnemo.actors.RuntimeListener;
import dev.mnemo.actors.RuntimeStatus;
import dev.mnemo.actors.cluster.NodeConfig;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.Evaluator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code runtime = local} for any algorithm: the Pekko local runtime (workers, replay and learner services in
 * this JVM) driven from the CLI's thread, which writes status rows to {@code metrics.csv}, runs the periodic
 * evaluations of the latest published parameters with the algorithm's {@link Evaluator}, stops at the budget,
 * on request or when solved, and reports the final evaluation. Nothing here names an algorithm: it is given
 * an {@link AgentBuilder}.
 */
public final class LocalRunLoop {

  private LocalRunLoop() {}

  /**
   * When to evaluate and what counts as solved.
   *
   * @param evalInterval env steps between evaluations
   * @param solvedThreshold mean evaluation return that counts as solved ({@link Solved#hasThreshold})
   * @param stopWhenSolved end the run at the first evaluation that reaches the threshold
   */
  public record Schedule(long evalInterval, double solvedThreshold, boolean stopWhenSolved) {
  }

  /**
   * Runs to the budget (or a stop) with a final checkpoint (learner + replay) that {@code --resume}
   * continues from.
   */
  public static RunOutcome run(RunContext ctx, AgentBuilder agent, Schedule schedule) throws Exception {
    RuntimeConfig rc = NodeConfig.runtime(ctx.config())
        .withCheckpoints(ctx.checkpointDir(), ctx.resumed() ? ctx.checkpointDir() : null);
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
    Evaluator evaluator = agent.newEvaluator(LocalRuntime.shapes(agent, rc));
    PeriodicEval periodic = evaluator == null ? null : new PeriodicEval(evaluator, schedule.evalInterval());
    long solvedAt = Solved.NEVER;
    try (LocalRuntime rt = LocalRuntime.start(rc, agent, listener)) {
      while (!rt.result().isDone()) {
        if (ctx.stopRequested()) {
          rt.requestStop("stop requested");
        }
        // Evaluations run here, on the polling thread, so actors and learner keep their own threads.
        double[] ev = periodic == null ? null : periodic.maybeEvaluate(rt.counters());
        if (ev != null) {
          synchronized (listener) {
            lastEval[0] = ev[0];
            lastEval[1] = ev[1];
          }
          boolean solved = ev[0] >= schedule.solvedThreshold();
          ctx.events().record("eval", "env_steps", (long) ev[2], "updates", (long) ev[3], "eval_return", ev[0],
              "eval_ci95", ev[1], "solved", solved);
          if (solved && solvedAt == Solved.NEVER) {
            solvedAt = (long) ev[2];
          }
          if (solved && schedule.stopWhenSolved()) {
            rt.requestStop("solved");
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
    if (evaluator != null && finalParams != null) {
      // The final evaluation of the last published parameters, exactly as the periodic ones.
      Evaluator.Evaluation e;
      try {
        e = evaluator.evaluate(finalParams);
      } catch (RuntimeException ex) {
        if (!ctx.stopRequested()) {
          throw ex;
        }
        // An interrupted run stays interrupted when its final evaluation cannot run (e.g. its env server is gone).
        ctx.events().record("eval_failed", "error", String.valueOf(ex));
        return out;
      }
      Boolean solved = Solved.hasThreshold(schedule.solvedThreshold()) ? e.meanReturn() >= schedule.solvedThreshold()
          : null;
      out = out.withEval(new EvalResult(e.meanReturn(), e.ci95(), e.episodes(), solved));
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

    PeriodicEval(Evaluator evaluator, long interval) {
      this.evaluator = evaluator;
      this.interval = interval;
      this.next = interval;
    }

    /** {mean, ci95, env steps, updates} when an evaluation is due and parameters exist, else null. */
    double[] maybeEvaluate(RuntimeCounters counters) {
      long steps = counters.envSteps();
      ParamSnapshot params = counters.latestParams();
      if (steps < next || params == null) {
        return null;
      }
      // Several intervals may have passed while the last evaluation ran: evaluate once, then skip ahead.
      next = (steps / interval + 1) * interval;
      Evaluator.Evaluation e = evaluator.evaluate(params);
      return new double[] {e.meanReturn(), e.ci95(), steps, counters.updates()};
    }
  }
}
