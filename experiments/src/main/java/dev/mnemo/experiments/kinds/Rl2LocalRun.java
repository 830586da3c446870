package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import dev.mnemo.actors.onpolicy.OnPolicyConfig;
import dev.mnemo.actors.onpolicy.OnPolicyResult;
import dev.mnemo.actors.onpolicy.OnPolicyUpdate;
import dev.mnemo.experiments.run.MetricsWriter;
import dev.mnemo.experiments.run.OnPolicyRunLoop;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.rl2.PpoStats;
import dev.mnemo.learners.rl2.Rl2Builder;
import dev.mnemo.learners.rl2.Rl2Config;
import java.nio.file.Path;

/**
 * {@code kind = rl2} with {@code runtime = local}: RL² through the on-policy Pekko runtime ({@link OnPolicyRunLoop}).
 * Writes what the synchronous run writes (the same metrics columns, one row per update, then the lag columns; the
 * same checkpoint files; the same summary fields with final and peak evaluations) plus the runtime's own figures.
 * The keys it reads beyond the algorithm's: {@code max_param_lag} and the {@code actors} block ({@link #config}).
 */
final class Rl2LocalRun {

  /** The synchronous run's columns, then the lag and waiting columns. */
  static final String[] COLUMNS = {"updates", "train_return", "eval_return", "eval_ci95", "policy_loss", "value_loss",
      "entropy", "kl", "clip_fraction", "grad_norm", "explained_variance", "learning_rate", "epochs", "collect_s",
      "learn_s", "wall_s", "param_lag_mean", "param_lag_max", "stale_dropped", "learner_wait_s"};

  private Rl2LocalRun() {}


  static RunOutcome run(RunContext ctx, Rl2Config cfg) throws Exception {
    Rl2Builder builder = new Rl2Builder(cfg);
    Path ck = ctx.checkpointDir();
    OnPolicyConfig rc = OnPolicyRuntimeKeys.config(ctx.config(), ck.resolve(Rl2RunKind.LEARNER));
    MetricsWriter metrics = ctx.metrics("env_steps", COLUMNS);
    double[] row = new double[COLUMNS.length];
    double[] lastEval = {Double.NaN};
    ctx.events().record("rl2_started", "params", builder.spec().paramCount(), "trial_steps",
        builder.envSpec().maxEpisodeSteps(), "obs", builder.envSpec().obsSize(), "actions",
        builder.envSpec().numActions(), "runtime", "local");
    OnPolicyRunLoop.Outcome o = OnPolicyRunLoop.run(ctx, builder, rc, u -> {
      report(metrics, row, u);
      if (u.evaluation() != null) {
        lastEval[0] = u.evaluation().meanReturn();
      }
      ctx.progress(u.envSteps(), u.updates(), () -> String.format("return %.3f  eval %.3f (last)  kl %.4f  "
          + "entropy %.3f  lag %.2f  dropped %d", u.trainReturn(), lastEval[0], u.report().kl(),
          u.report().entropy(), u.lagMean(), u.droppedCollections()));
    });
    OnPolicyResult r = o.run();
    ParamsFile.write(ck.resolve(Rl2RunKind.RESULT_PARAMS), r.finalParams());
    ParamsFile.write(ck.resolve(Rl2RunKind.PEAK_PARAMS), r.peakParams());
    Evaluation f = o.finalEval();
    Evaluation p = o.peakEval();
    return OnPolicyRuntimeKeys.withRuntimeFigures(Rl2RunKind.outcome(r.envSteps(), r.updates(), f, p, r.peakUpdate(),
        cfg.evalGreedy(), r.envSeconds(), r.actSeconds(), r.learnSeconds(), r.evalSeconds() + o.finalEvalSeconds(),
        builder.spec().paramCount()), r);
  }

  private static void report(MetricsWriter metrics, double[] row, OnPolicyUpdate<PpoStats> u) {
    PpoStats s = u.report();
    row[0] = u.updates();
    row[1] = u.trainReturn();
    row[2] = u.evaluation() == null ? Double.NaN : u.evaluation().meanReturn();
    row[3] = u.evaluation() == null ? Double.NaN : u.evaluation().ci95();
    row[4] = s.policyLoss();
    row[5] = s.valueLoss();
    row[6] = s.entropy();
    row[7] = s.kl();
    row[8] = s.clipFraction();
    row[9] = s.gradNorm();
    row[10] = s.explainedVariance();
    row[11] = s.learningRate();
    row[12] = s.epochs();
    row[13] = u.collectSeconds();
    row[14] = u.learnSeconds();
    row[15] = u.wallSeconds();
    row[16] = u.lagMean();
    row[17] = u.lagMax();
    row[18] = u.droppedCollections();
    row[19] = u.waitSeconds();
    metrics.row(u.envSteps(), row);
  }
}
