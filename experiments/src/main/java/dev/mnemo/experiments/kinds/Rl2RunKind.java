package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.meta.MetaTrial;
import dev.mnemo.envs.meta.MultiTaskEnv;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import dev.mnemo.experiments.run.EvalResult;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.MetricsWriter;
import dev.mnemo.experiments.run.SyncCheckpoints;
import dev.mnemo.actors.RuntimeCheckpoint;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.rl2.PpoConfig;
import dev.mnemo.learners.rl2.Rl2Config;
import dev.mnemo.learners.rl2.Rl2Metrics;
import dev.mnemo.learners.rl2.Rl2Result;
import dev.mnemo.learners.rl2.Rl2Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * {@code kind = rl2}: RL² trained by PPO on a trial env (bandits, random MDPs); {@code runtime = sync} (the
 * synchronous trainer) or {@code local} (the on-policy Pekko runtime: {@link Rl2LocalRun}). The keys are
 * {@link Rl2Config}'s and {@link PpoConfig}'s fields in snake_case with the defaults of the learners'
 * {@code reference.conf} (subtree {@code mnemo.rl2}), and the runtime's. Writes the final parameters ({@code checkpoints/result.params}), the peak ones
 * ({@code checkpoints/peak.params}) and the learner ({@code checkpoints/learner.ppo}); summary.json's eval is
 * the final parameters on {@code final_eval_trials} fresh tasks, and its {@code peak_*} fields the peak
 * parameters re-evaluated on the same tasks.
 */
public final class Rl2RunKind implements RunKind {

  /** The final parameters, as every kind names them. */
  public static final String RESULT_PARAMS = "result.params";
  public static final String PEAK_PARAMS = "peak.params";
  public static final String LEARNER = Rl2Trainer.LEARNER_FILE;
  private static final List<String> SYNC_FILES = List.of(Rl2Trainer.LEARNER_FILE, Rl2Trainer.TRAINER_FILE);

  @Override
  public String name() {
    return "rl2";
  }

  @Override
  public String description() {
    return "RL²: a recurrent actor-critic meta-learning over trials of a task distribution, trained by PPO";
  }

  @Override
  public ConfigSchema schema() {
    ConfigSchema.Builder b = OnPolicyRuntimeKeys.addTo(ConfigSchema.builder(name())
        .defaults(Defaults.TEXT)
        .defaults(Defaults.CHECKPOINTS), "trials")
        .key(KeyRule.ofDuration("actors.checkpoint_interval").doc("runtime = sync: wall time between checkpoints "
            + "(learner, loop counters, peak, sampling stream) taken between updates, kept in checkpoints/interval-*/ "
            + "beside the final one; --resume continues the newest bit-identically; 0 = only the final one"))
        .key(KeyRule.ofInt("actors.checkpoint_keep").between(1, 1000)
            .doc("runtime = sync: periodic checkpoints kept (the newest)"))
        .key(KeyRule.ofString("env").doc("trial env id (one env episode is one trial: bandit, mdp); `mnemo envs`"))
        .key(KeyRule.ofString("core").oneOf(RecurrentCores.names().toArray(String[]::new))
            .doc("the recurrent core of each tower (ln_gru: the reproduction's)"))
        .key(KeyRule.ofInt("core_size").between(1, 8192).doc("the core's hidden size"))
        .key(KeyRule.ofIntList("encoder_sizes").doc("Dense+ReLU widths before the core, each >= 1"))
        .key(KeyRule.ofIntList("head_sizes").doc("hidden Dense+ReLU widths of each head, each >= 1"))
        .key(KeyRule.ofBoolean("separate_value_network").doc("the value has its own encoder and core"))
        .key(KeyRule.ofDouble("core_keep_bias").range(Range.closed(-10, 10)).doc("initial bias of the core's keep "
            + "gate (gru, ln_gru, ln_gru_relu: the update gate z); 0: the core's own initialisation"))
        .key(KeyRule.ofInt("trials_per_update").between(1, 10_000_000).doc("trials collected per PPO update"))
        .key(KeyRule.ofInt("epochs").between(1, 1000).doc("passes over each batch"))
        .key(KeyRule.ofInt("minibatches").between(1, 1_000_000).doc("minibatches of whole trials per epoch"))
        .key(KeyRule.ofDouble("gamma").range(Range.closed(0, 1)).doc("discount of the trial's return"))
        .key(KeyRule.ofDouble("gae_lambda").range(Range.closed(0, 1)).doc("GAE lambda over the whole trial"))
        .key(KeyRule.ofDouble("value_lambda").range(Range.closed(0, 1)).optional()
            .doc("lambda of the value function's targets (absent: gae_lambda; 1: the trial's discounted return)"))
        .key(KeyRule.ofDouble("clip").range(Range.openClosed(0, 10)).doc("PPO ratio clip epsilon"))
        .key(KeyRule.ofDouble("entropy_coef").range(Range.atLeast(0)).doc("entropy bonus beta"))
        .key(KeyRule.ofDouble("entropy_coef_final").range(Range.atLeast(0)).optional()
            .doc("entropy bonus at total_env_steps, reached linearly from schedule_start_env_steps (absent: "
                + "entropy_coef throughout)"))
        .key(KeyRule.ofLong("schedule_start_env_steps").range(Range.atLeast(0))
            .doc("env steps before the linear schedules (lr_schedule = linear, entropy_coef_final) start to move"))
        .key(KeyRule.ofDouble("value_coef").range(Range.atLeast(0)).doc("value loss coefficient"))
        .key(KeyRule.ofString("value_loss").oneOf("huber", "mse").doc("value loss: huber or mse (x^2/2)"))
        .key(KeyRule.ofDouble("huber_delta").range(Range.openClosed(0, 1e9)).doc("delta of the Huber value loss"))
        .key(KeyRule.ofDouble("value_clip").range(Range.atLeast(0)).doc("value clipping epsilon; 0 off"))
        .key(KeyRule.ofString("value_normalization").oneOf("popart", "none")
            .doc("popart: the value head fits normalised targets, outputs preserved; none: raw returns"))
        .key(KeyRule.ofDouble("popart_rate").range(Range.openClosed(0, 1)).doc("rate of PopArt's running moments"))
        .key(KeyRule.ofBoolean("normalize_advantages").doc("standardise advantages over each batch"))
        .key(KeyRule.ofDouble("learning_rate").range(Range.openClosed(0, 1)).doc("AdamW step size"))
        .key(KeyRule.ofDouble("adam_epsilon").range(Range.openClosed(0, 1)).doc("AdamW epsilon"))
        .key(KeyRule.ofDouble("weight_decay").range(Range.closed(0, 1)).doc("AdamW decoupled weight decay"))
        .key(KeyRule.ofString("lr_schedule").oneOf(Rl2Config.SCHEDULE_CONSTANT, Rl2Config.SCHEDULE_LINEAR)
            .doc("constant, or linear decay to 0 at total_env_steps"))
        .key(KeyRule.ofDouble("max_grad_norm").range(Range.atLeast(0)).doc("global gradient-norm clip; 0 off"))
        .key(KeyRule.ofDouble("target_kl").range(Range.atLeast(0)).doc("KL early stop of an update's epochs; 0 off"))
        .key(KeyRule.ofLong("total_env_steps").range(Range.atLeast(0)).doc("training budget in env steps"))
        .key(KeyRule.ofInt("eval_interval").between(1, 100_000_000).doc("updates between evaluations"))
        .key(KeyRule.ofInt("eval_trials").between(2, 10_000_000).doc("fresh tasks per periodic evaluation"))
        .key(KeyRule.ofInt("final_eval_trials").between(2, 10_000_000)
            .doc("fresh tasks of the final evaluations (final and peak parameters)"))
        .key(KeyRule.ofInt("learner_threads").between(1, 1024).doc("threads of the PPO update (figures depend on "
            + "the count only through float summation order)"))
        .key(KeyRule.ofBoolean("eval_greedy").doc("evaluate the most probable action instead of sampling"))
        .check("the environment id names a registered trial env", Rl2RunKind::checkEnv, "env")
        .check("the layer widths are positive", c -> toConfig(c, 0).spec(1, 2), "encoder_sizes", "head_sizes")
        .check("core_keep_bias is 0 or the core has a keep gate", Rl2RunKind::checkKeepBias, "core", "core_keep_bias")
        .constraint("trials_per_update is a multiple of minibatches (minibatches are whole trials)",
            c -> c.getInt("trials_per_update") % c.getInt("minibatches") == 0, "trials_per_update", "minibatches")
        .constraint("schedule_start_env_steps is 0 or below total_env_steps (the schedules need steps to move over)",
            c -> c.getLong("schedule_start_env_steps") == 0
                || c.getLong("schedule_start_env_steps") < c.getLong("total_env_steps"),
            "schedule_start_env_steps", "total_env_steps");
    return b.build();
  }

  private static void checkKeepBias(Config c) {
    if (c.getDouble("core_keep_bias") != 0) {
      Rl2Config cfg = toConfig(c, 0);
      cfg.initialParams(cfg.spec(1, 2)); // a core without a keep gate refuses, naming itself
    }
  }

  private static void checkEnv(Config c) {
    try (Env e = EnvRegistry.make(c.getString("env"))) {
      if (e.spec().maxEpisodeSteps() < 1) {
        throw new IllegalArgumentException("env " + c.getString("env") + " declares no episode length: RL² needs "
            + "a trial env (bandit, mdp)");
      }
      if (e.spec().numActions() < 2) {
        throw new IllegalArgumentException("env " + c.getString("env") + " has fewer than 2 actions");
      }
    }
  }

  /** The validated HOCON as the trainer's record. */
  public static Rl2Config toConfig(Config c, long seed) {
    PpoLoss loss = new PpoLoss(c.getDouble("clip"), c.getDouble("value_coef"), c.getDouble("entropy_coef"),
        "huber".equals(c.getString("value_loss")) ? c.getDouble("huber_delta") : 0, c.getDouble("value_clip"));
    PpoConfig ppo = new PpoConfig(c.getInt("epochs"), c.getInt("minibatches"), c.getDouble("gamma"),
        c.getDouble("gae_lambda"), loss, c.getBoolean("normalize_advantages"), c.getDouble("learning_rate"),
        c.getDouble("adam_epsilon"), c.getDouble("weight_decay"), c.getDouble("max_grad_norm"),
        c.getDouble("target_kl"), "popart".equals(c.getString("value_normalization")) ? c.getDouble("popart_rate") : 0,
        dev.mnemo.envs.Seeds.combine(seed, 3),
        c.hasPath("value_lambda") ? c.getDouble("value_lambda") : c.getDouble("gae_lambda"));
    return new Rl2Config(c.getString("env"), seed, c.getString("core"), c.getInt("core_size"),
        c.getIntList("encoder_sizes"), c.getIntList("head_sizes"), c.getBoolean("separate_value_network"),
        c.getInt("trials_per_update"), ppo, c.getString("lr_schedule"), c.getLong("total_env_steps"),
        c.getInt("eval_interval"), c.getInt("eval_trials"), c.getInt("final_eval_trials"),
        c.getBoolean("eval_greedy"), c.getInt("learner_threads"), c.getDouble("core_keep_bias"),
        c.hasPath("entropy_coef_final") ? c.getDouble("entropy_coef_final") : c.getDouble("entropy_coef"),
        c.getLong("schedule_start_env_steps"));
  }

  @Override
  public boolean supportsResume() {
    return true;
  }

  /**
   * {@code runtime = sync} resumes from its newest complete checkpoint (checked by restoring it into a trainer of
   * this config); {@code runtime = local} keeps only its final learner and is refused.
   */
  @Override
  public void checkResume(Config config, long seed, Path checkpointDir) {
    if ("local".equals(config.getString("runtime"))) {
      throw new IllegalArgumentException("kind = rl2 with runtime = local keeps no checkpoint to resume from (only "
          + "its final learner and parameters): resume runs made with runtime = sync, or start a new run");
    }
    RuntimeCheckpoint.Found found = RuntimeCheckpoint.latest(checkpointDir);
    try (Rl2Trainer probe = new Rl2Trainer(toConfig(config, seed))) {
      probe.restoreCheckpoint(found.dir());
    }
  }

  @Override
  public RunOutcome run(RunContext ctx) throws Exception {
    Rl2Config cfg = toConfig(ctx.config(), ctx.seed());
    if ("local".equals(ctx.config().getString("runtime"))) {
      return Rl2LocalRun.run(ctx, cfg);
    }
    try (Rl2Trainer trainer = new Rl2Trainer(cfg)) {
      return run(ctx, cfg, trainer);
    }
  }

  private RunOutcome run(RunContext ctx, Rl2Config cfg, Rl2Trainer trainer) throws java.io.IOException {
    if (ctx.resumed()) {
      SyncCheckpoints.resume(ctx, trainer::restoreCheckpoint);
    }
    MetricsWriter metrics = ctx.metrics("env_steps", "updates", "train_return", "eval_return", "eval_ci95",
        "policy_loss", "value_loss", "entropy", "kl", "clip_fraction", "grad_norm", "explained_variance",
        "learning_rate", "epochs", "collect_s", "learn_s", "wall_s");
    SyncCheckpoints checkpoints = new SyncCheckpoints(ctx, metrics, SYNC_FILES, trainer::saveCheckpoint,
        () -> new RuntimeCheckpoint.Counts(trainer.envSteps(), 0, 0, 0, 0, trainer.learner().updates()));
    double[] row = new double[16];
    double[] lastEval = {Double.NaN};
    ctx.events().record("rl2_started", "params", trainer.spec().paramCount(), "trial_steps",
        trainer.envSpec().maxEpisodeSteps(), "obs", trainer.envSpec().obsSize(), "actions",
        trainer.envSpec().numActions());
    Rl2Result r = trainer.run(m -> {
      report(metrics, row, m);
      if (!Double.isNaN(m.evalReturn())) {
        lastEval[0] = m.evalReturn();
      }
      ctx.progress(m.envSteps(), m.ppo().updates(), () -> String.format("return %.3f  eval %.3f (last)  kl %.4f  "
          + "entropy %.3f", m.trainReturn(), lastEval[0], m.ppo().kl(), m.ppo().entropy()));
    }, ctx::stopRequested, steps -> checkpoints.maybeInterval());
    Path ck = ctx.checkpointDir();
    ParamsFile.write(ck.resolve(RESULT_PARAMS), r.finalParams());
    ParamsFile.write(ck.resolve(PEAK_PARAMS), r.peakParams());
    checkpoints.writeFinal();
    Evaluation f = r.finalEval();
    Evaluation p = r.peakEval();
    return outcome(r.envSteps(), r.updates(), f, p, r.peakUpdate(), cfg.evalGreedy(), r.envSeconds(), r.actSeconds(),
        r.learnSeconds(), r.evalSeconds(), trainer.spec().paramCount());
  }

  /**
   * The summary fields every rl2 run reports, whatever its runtime: the final and peak evaluations, where the time
   * went and where the parameters are.
   */
  static RunOutcome outcome(long envSteps, long updates, Evaluation f, Evaluation p, long peakUpdate,
      boolean evalGreedy, double envSeconds, double actSeconds, double learnSeconds, double evalSeconds,
      int params) {
    return RunOutcome.of(envSteps).withLearnerUpdates(updates)
        .withEval(new EvalResult(f.meanReturn(), f.ci95(), f.episodes(), null))
        .with("final_eval_return", f.meanReturn())
        .with("final_eval_ci95", f.ci95())
        .with("final_eval_by_episode_in_trial", Json.rounded(f.episodeInTrialMeans(), 4))
        .with("peak_eval_return", p.meanReturn())
        .with("peak_eval_ci95", p.ci95())
        .with("peak_update", peakUpdate)
        .with("eval_trials", f.episodes())
        .with("eval_policy", evalGreedy ? "greedy" : "sampled")
        .with("env_seconds", envSeconds)
        .with("act_seconds", actSeconds)
        .with("learn_seconds", learnSeconds)
        .with("eval_seconds", evalSeconds)
        .with("params", params)
        .with("result_params", "checkpoints/" + RESULT_PARAMS)
        .with("peak_params", "checkpoints/" + PEAK_PARAMS);
  }

  /** {@code which}: {@code result} (the final parameters) or {@code peak}; {@code count} trials, each a fresh task. */
  @Override
  public Evaluation evaluate(Config config, Path runDir, String which, int count, long seed) {
    Path params = savedParams(runDir, which);
    try (Rl2Trainer trainer = new Rl2Trainer(toConfig(config, config.getLong("seed")))) {
      return trainer.evaluator(count, seed).evaluate(ParamsFile.read(params));
    }
  }

  @Override
  public double[] returnsOnTasks(Config config, Path runDir, String which,
      List<? extends Consumer<MultiTaskEnv>> tasks, long seed) {
    Path params = savedParams(runDir, which);
    String env = config.getString("env");
    IntFunction<Env> pinned = i -> {
      Env e = EnvRegistry.make(env);
      if (!(e instanceof MetaTrial trial)) {
        e.close();
        throw new IllegalArgumentException("env " + env + " is not a trial of a task distribution (bandit, mdp)");
      }
      trial.pinTask(tasks.get(i));
      return trial;
    };
    try (Rl2Trainer trainer = new Rl2Trainer(toConfig(config, config.getLong("seed")))) {
      return trainer.evaluator(pinned, tasks.size(), seed).returns(ParamsFile.read(params));
    }
  }

  private static Path savedParams(Path runDir, String which) {
    Path params = runDir.resolve("checkpoints").resolve(switch (which) {
      case "result" -> RESULT_PARAMS;
      case "peak" -> PEAK_PARAMS;
      default -> throw new IllegalArgumentException("--params " + which + ": rl2 runs keep result and peak");
    });
    if (!java.nio.file.Files.isRegularFile(params)) {
      throw new IllegalArgumentException(params + ": no such file (did the run finish?)");
    }
    return params;
  }

  private static void report(MetricsWriter metrics, double[] row, Rl2Metrics m) {
    row[0] = m.ppo().updates();
    row[1] = m.trainReturn();
    row[2] = m.evalReturn();
    row[3] = m.evalCi95();
    row[4] = m.ppo().policyLoss();
    row[5] = m.ppo().valueLoss();
    row[6] = m.ppo().entropy();
    row[7] = m.ppo().kl();
    row[8] = m.ppo().clipFraction();
    row[9] = m.ppo().gradNorm();
    row[10] = m.ppo().explainedVariance();
    row[11] = m.ppo().learningRate();
    row[12] = m.ppo().epochs();
    row[13] = m.collectSeconds();
    row[14] = m.learnSeconds();
    row[15] = m.wallSeconds();
    metrics.row(m.envSteps(), row);
  }

  /** learners' reference.conf subtree {@code mnemo.rl2} at the root, comments kept (they become docs). */
  private static final class Defaults {
    static final String TEXT = ConfigFactory.parseResourcesAnySyntax("reference.conf").getConfig("mnemo.rl2")
        .root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(true).setJson(false));
    /** The synchronous trainer's checkpoint keys. */
    static final String CHECKPOINTS = "actors { checkpoint_interval = 10m, checkpoint_keep = 2 }\n";
  }
}
