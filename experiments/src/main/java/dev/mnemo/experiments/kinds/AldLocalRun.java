package dev.mnemo.experiments.kinds;

import dev.mnemo.actors.onpolicy.OnPolicyResult;
import dev.mnemo.actors.onpolicy.OnPolicyUpdate;
import dev.mnemo.experiments.run.EvalResult;
import dev.mnemo.experiments.run.MetricsWriter;
import dev.mnemo.experiments.run.OnPolicyRunLoop;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.ald.AldBuilder;
import dev.mnemo.learners.ald.AldLearner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code kind = ald} with {@code runtime = local}: ALD (or a baseline mode) through the on-policy Pekko runtime
 * ({@link OnPolicyRunLoop}): workers collect whole episodes with the acting network's newest parameters they have
 * (the distilled LSTM in ALD, the Transformer only in {@code transformer_only}), the learner thread consumes them
 * (collections older than {@code max_param_lag} updates are dropped and counted) and the distillation runs on the
 * learner's side, in turn or on its own thread. metrics.csv has the synchronous run's columns
 * ({@code acting_cpu_us_per_step} over the workers' collections of each update, measured on their threads as the
 * synchronous run measures its own; {@code wall_s} since the runtime started) and the runtime's lag figures.
 * Writes {@code checkpoints/result.params} and {@code peak.params}, and at the stop the learner's whole state
 * ({@code checkpoints/learner.ald}, {@code AldLearner.restore} continues from it exactly; the run kind itself has no
 * {@code --resume}).
 */
final class AldLocalRun {
  static final String[] COLUMNS = {"updates", "train_return", "eval_return", "eval_ci95", "learner_entropy",
      "distill_kl", "value_error", "learner_grad_norm", "actor_grad_norm", "acting_cpu_us_per_step", "wall_s",
      "param_lag_mean", "param_lag_max", "stale_dropped", "learner_wait_s"};
  static final String PEAK_PARAMS = "peak.params";

  private AldLocalRun() {}

  static RunOutcome run(RunContext ctx, AldBuilder builder) throws Exception {
    MetricsWriter metrics = ctx.metrics("env_steps", COLUMNS);
    double[] row = new double[COLUMNS.length];
    double[] lastEval = {Double.NaN};
    int actorParams = builder.actor() == null ? 0 : builder.actor().paramCount();
    ctx.events().record("ald_started", "mode", builder.config().mode().configName(), "learner_params",
        builder.transformer().paramCount(), "actor_params", actorParams, "episode_steps",
        builder.envSpec().maxEpisodeSteps(), "runtime", "local");
    Path learnerState = ctx.checkpointDir().resolve(AldRunKind.LEARNER_STATE);
    OnPolicyRunLoop.Outcome o = OnPolicyRunLoop.run(ctx, builder, OnPolicyRuntimeKeys.config(ctx.config(),
        learnerState),
        u -> {
          report(metrics, row, u);
          if (u.evaluation() != null) {
            lastEval[0] = u.evaluation().meanReturn();
          }
          ctx.progress(u.envSteps(), u.updates(), () -> String.format("return %.3f  eval %.3f (last)  distill kl "
              + "%.4f  lag %.2f  dropped %d", u.trainReturn(), lastEval[0], u.report().distillKl(), u.lagMean(),
              u.droppedCollections()));
        });
    OnPolicyResult r = o.run();
    ParamsFile.write(ctx.checkpointDir().resolve(AldRunKind.RESULT_PARAMS), r.finalParams());
    ParamsFile.write(ctx.checkpointDir().resolve(PEAK_PARAMS), r.peakParams());
    Evaluation f = o.finalEval();
    RunOutcome out = RunOutcome.of(r.envSteps());
    if (Files.exists(learnerState)) { // its write failing is an event, not the run's failure
      out = out.with("learner_state", "checkpoints/" + AldRunKind.LEARNER_STATE);
    }
    return OnPolicyRuntimeKeys.withRuntimeFigures(out.withLearnerUpdates(r.updates())
        .withEval(new EvalResult(f.meanReturn(), f.ci95(), f.episodes(), null))
        .with("mode", builder.config().mode().configName())
        .with("learner_params", builder.transformer().paramCount())
        .with("actor_params", actorParams)
        .with("acting_params", r.finalParams().params().length)
        .with("peak_eval_return", o.peakEval().meanReturn())
        .with("peak_update", r.peakUpdate())
        .with("act_seconds", r.actSeconds())
        .with("env_seconds", r.envSeconds())
        .with("learn_seconds", r.learnSeconds())
        .with("result_params", "checkpoints/" + AldRunKind.RESULT_PARAMS)
        .with("peak_params", "checkpoints/" + PEAK_PARAMS), r);
  }

  private static void report(MetricsWriter metrics, double[] row, OnPolicyUpdate<AldLearner.Stats> u) {
    AldLearner.Stats s = u.report();
    row[0] = u.updates();
    row[1] = u.trainReturn();
    row[2] = u.evaluation() == null ? Double.NaN : u.evaluation().meanReturn();
    row[3] = u.evaluation() == null ? Double.NaN : u.evaluation().ci95();
    row[4] = s.learnerEntropy();
    row[5] = s.distillKl();
    row[6] = s.valueError();
    row[7] = s.learnerGradNorm();
    row[8] = s.actorGradNorm();
    row[9] = u.actingCpuUsPerStep();
    row[10] = u.wallSeconds();
    row[11] = u.lagMean();
    row[12] = u.lagMax();
    row[13] = u.droppedCollections();
    row[14] = u.waitSeconds();
    metrics.row(u.envSteps(), row);
  }
}
