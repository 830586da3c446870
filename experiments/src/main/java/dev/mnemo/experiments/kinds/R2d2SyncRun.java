package dev.mnemo.experiments.kinds;

import dev.mnemo.actors.RuntimeCheckpoint;
import dev.mnemo.experiments.run.EvalResult;
import dev.mnemo.experiments.run.LocalRunLoop;
import dev.mnemo.experiments.run.MetricsWriter;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.SyncCheckpoints;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.agent.Solved;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.SynchronousTrainer;
import dev.mnemo.learners.r2d2.TrainMetrics;
import dev.mnemo.learners.r2d2.TrainResult;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code kind = r2d2, runtime = sync}: the {@link SynchronousTrainer} with checkpoints. Every
 * {@code actors.checkpoint_interval} of wall time it writes a periodic checkpoint ({@code checkpoints/interval-*},
 * the newest {@code actors.checkpoint_keep} kept) and when it stops a final one at the top of {@code checkpoints/};
 * each holds the learner, the replay and the trainer's acting state, committed by {@code runtime.ckpt}. A
 * {@code --resume} continues from the newest bit-identically: the same updates, parameters and metrics rows as
 * had the run never stopped (the rows the killed run wrote after that checkpoint are dropped from metrics.csv
 * first, since the resumed run writes them again).
 */
final class R2d2SyncRun {

  private static final List<String> FILES = List.of(SynchronousTrainer.LEARNER_FILE,
      SynchronousTrainer.REPLAY_FILE, SynchronousTrainer.TRAINER_FILE);

  private R2d2SyncRun() {
  }

  private static RuntimeCheckpoint.Counts counts(SynchronousTrainer trainer) {
    SynchronousTrainer.Totals t = trainer.totals();
    return new RuntimeCheckpoint.Counts(t.envSteps(), t.episodes(), t.returnSum(), t.sequencesEmitted(),
        t.sequencesInserted(), t.updates());
  }

  /** Refuses a resume that cannot continue, before anything of the run is touched (builds and drops a trainer). */
  static void checkResume(R2d2Config cfg, Path checkpointDir) {
    RuntimeCheckpoint.Found found = RuntimeCheckpoint.latest(checkpointDir);
    SynchronousTrainer probe = new SynchronousTrainer(cfg);
    try {
      probe.restoreCheckpoint(found.dir());
    } finally {
      probe.close();
    }
  }

  static RunOutcome run(RunContext ctx, R2d2Config cfg, int confirmEpisodes) throws IOException {
    Config c = ctx.config();
    boolean stopWhenSolved = c.getBoolean("stop_when_solved");
    SynchronousTrainer trainer = new SynchronousTrainer(cfg, confirmEpisodes);
    if (ctx.resumed()) {
      SyncCheckpoints.resume(ctx, trainer::restoreCheckpoint);
    }
    MetricsWriter metrics = ctx.metrics("env_steps", "updates", "episodes", "train_return", "eval_return",
        "eval_ci95", "loss", "mean_abs_td", "mean_q", "grad_norm", "updates_per_s", "env_steps_per_s");
    SyncCheckpoints checkpoints = new SyncCheckpoints(ctx, metrics, FILES, trainer::saveCheckpoint,
        () -> counts(trainer));
    double[] row = new double[11];
    // The status line follows progress_interval (ProgressLine paces itself), between evaluations too.
    double[] lastEval = {Double.NaN};
    double[] loss = {Double.NaN};
    Supplier<String> status = () -> String.format("eval %.3f (last)  loss %.4f", lastEval[0], loss[0]);
    TrainResult r = trainer.run(m -> {
      lastEval[0] = m.evalReturn();
      report(ctx, metrics, row, m);
    }, stopWhenSolved, ctx::stopRequested, (steps, updates, l) -> {
      loss[0] = l;
      ctx.progress(steps, updates, status);
    }, steps -> checkpoints.maybeInterval());
    // The final checkpoint (what --resume continues from), then the result parameters and their larger
    // evaluation, as in the local runtime (SolvedRule).
    checkpoints.writeFinal();
    ParamsFile.write(ctx.checkpointDir().resolve(LocalRunLoop.RESULT_PARAMS), r.resultParams());
    Boolean solved = Solved.hasThreshold(cfg.solvedThreshold())
        ? r.result().meanReturn() >= cfg.solvedThreshold() : null;
    return RunOutcome.of(r.envSteps()).withLearnerUpdates(r.updates())
        .withEval(new EvalResult(r.result().meanReturn(), r.result().ci95(), r.result().episodes(), solved))
        .with("episodes", r.episodes())
        .with("solved_at_env_step", r.solvedAtEnvStep())
        .with("result_params", "checkpoints/" + LocalRunLoop.RESULT_PARAMS)
        .with("result_params_version", r.resultParams().version());
  }

  private static void report(RunContext ctx, MetricsWriter metrics, double[] row, TrainMetrics m) {
    row[0] = m.updates();
    row[1] = m.episodes();
    row[2] = m.trainReturn();
    row[3] = m.evalReturn();
    row[4] = m.evalCi95();
    row[5] = m.loss();
    row[6] = m.meanAbsTd();
    row[7] = m.meanQ();
    row[8] = m.gradNorm();
    row[9] = m.updatesPerSecond();
    row[10] = m.envStepsPerSecond();
    metrics.row(m.envSteps(), row);
    ctx.progress(m.envSteps(), m.updates(), () -> String.format("return %.3f  eval %.3f  loss %.4f",
        m.trainReturn(), m.evalReturn(), m.loss()));
  }
}
