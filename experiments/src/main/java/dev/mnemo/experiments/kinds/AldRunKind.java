package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import dev.mnemo.experiments.run.EvalResult;
import dev.mnemo.experiments.run.MetricsWriter;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.ald.AldBuilder;
import dev.mnemo.learners.ald.AldLearner;
import dev.mnemo.learners.ald.AldShapes;
import dev.mnemo.learners.ald.AldTrainer;

/**
 * {@code kind = ald}: Actor-Learner Distillation, synchronous ({@link AldTrainer}) or, with {@code runtime = local},
 * through the on-policy Pekko runtime ({@link AldLocalRun}): a GTrXL learner trained by PPO
 * on the LSTM actor's episodes and distilled into that LSTM after every update; with {@code mode} the experiment's
 * baselines on the same settings ({@link AldLearner.Mode}): {@code transformer_only} (the Transformer trained by PPO
 * on its own episodes, acting with its key/value-cache kernel) and {@code asymmetric} (the LSTM's policy trained by
 * PPO with the Transformer as its value function). Keys and defaults: the learners' {@code reference.conf}, subtree
 * {@code mnemo.ald}. Writes the acting network's final parameters ({@code checkpoints/result.params}, what the actors
 * run: the LSTM's, or the Transformer's in {@code transformer_only}) and the Transformer's
 * ({@code checkpoints/learner.params}; with {@code runtime = local} instead the peak acting parameters,
 * {@code checkpoints/peak.params}, and the learner's whole state at the stop, {@code checkpoints/learner.ald});
 * summary.json's eval is the acting policy on {@code final_eval_trials} episodes drawn apart from training's. metrics.csv's {@code acting_cpu_us_per_step} is the acting policy's CPU time
 * per env step of each update's collection, {@code wall_s} the wall time since training began (the x of the
 * return-vs-wall-time curves). The synchronous loop's summary.json also says where that time went, under the keys
 * RL²'s and the runtime's summaries use: {@code env_seconds} and {@code act_seconds} (the training collection),
 * {@code learn_seconds} (the updates, with the distillation when it runs in turn), {@code eval_seconds}; and
 * {@code distill_seconds} / {@code distill_wait_seconds} (the distillations' own wall time on whichever thread, and
 * the updates' wait for the distillation thread).
 */
public final class AldRunKind implements RunKind {

  public static final String RESULT_PARAMS = "result.params";
  public static final String LEARNER_PARAMS = "learner.params";
  /** {@code runtime = local}: the learner's whole state at the stop ({@code AldLearner.save}). */
  public static final String LEARNER_STATE = "learner.ald";
  private static final String[] MODES = java.util.Arrays.stream(AldLearner.Mode.values())
      .map(AldLearner.Mode::configName).toArray(String[]::new);

  @Override
  public String name() {
    return "ald";
  }

  @Override
  public String description() {
    return "Actor-Learner Distillation: a GTrXL learner trained by PPO, continually distilled into the LSTM actors run";
  }

  @Override
  public ConfigSchema schema() {
    return OnPolicyRuntimeKeys.addTo(ConfigSchema.builder(name()).defaults(Defaults.TEXT), "episodes")
        .key(KeyRule.ofString("mode").oneOf(MODES)
            .doc("ald (the Transformer learner distilled into the acting LSTM), transformer_only (the Transformer "
                + "trained by PPO on its own episodes and acting) or asymmetric (the acting LSTM's policy trained by "
                + "PPO, the Transformer its value function)"))
        .key(KeyRule.ofString("env").doc("an episodic env id (imaze, metafetch, tmaze, ...); `mnemo envs`"))
        .key(KeyRule.ofInt("trials_per_update").between(1, 10_000_000).doc("episodes the actor collects per update"))
        .key(KeyRule.ofInt("epochs").between(1, 1000).doc("PPO passes of the learner over each batch"))
        .key(KeyRule.ofInt("minibatches").between(1, 1_000_000).doc("minibatches of whole episodes per epoch"))
        .key(KeyRule.ofDouble("gamma").range(Range.closed(0, 1)).doc("discount"))
        .key(KeyRule.ofDouble("gae_lambda").range(Range.closed(0, 1)).doc("GAE lambda over each episode"))
        .key(KeyRule.ofDouble("clip").range(Range.openClosed(0, 10)).doc("PPO ratio clip (ratios against the "
            + "actor's logged probabilities)"))
        .key(KeyRule.ofDouble("entropy_coef").range(Range.atLeast(0)).doc("the learner's entropy bonus"))
        .key(KeyRule.ofDouble("value_coef").range(Range.atLeast(0)).doc("the learner's value loss coefficient"))
        .key(KeyRule.ofDouble("learning_rate").range(Range.openClosed(0, 1)).doc("the Transformer's AdamW step"))
        .key(KeyRule.ofDouble("actor_learning_rate").range(Range.openClosed(0, 1)).doc("the LSTM's AdamW step"))
        .key(KeyRule.ofDouble("adam_epsilon").range(Range.openClosed(0, 1)).doc("AdamW epsilon"))
        .key(KeyRule.ofDouble("weight_decay").range(Range.closed(0, 1)).doc("AdamW decoupled weight decay"))
        .key(KeyRule.ofDouble("max_grad_norm").range(Range.atLeast(0)).doc("global gradient-norm clip; 0 off"))
        .key(KeyRule.ofDouble("distill_alpha").range(Range.atLeast(0)).doc("weight of KL(pi_learner || pi_actor)"))
        .key(KeyRule.ofDouble("distill_beta").range(Range.atLeast(0)).doc("weight of the value distillation"))
        .key(KeyRule.ofDouble("learner_kl_to_actor").range(Range.atLeast(0))
            .doc("lambda of the learner's pull toward the actor; 0 off"))
        .key(KeyRule.ofInt("distill_steps").between(0, 10_000).doc("distillation steps of the actor per update"))
        .key(KeyRule.ofInt("distill_minibatches").between(1, 1_000_000).doc("each distillation step on one of this "
            + "many fixed minibatches of the batch's episodes, in turn (1: every step on the whole batch); more, "
            + "cheaper steps in the same time"))
        .key(KeyRule.ofString("clip_against").oneOf("actor", "learner").doc("what the learner's PPO ratio is clipped "
            + "against: actor (the LSTM actor's logged probabilities mu) or learner (decoupled PPO: the learner's own "
            + "policy before the update, the advantage weighted by min(pi_before / mu, proximal_rho_max))"))
        .key(KeyRule.ofDouble("proximal_rho_max").range(Range.openClosed(0, 1e6)).doc("truncation of the importance "
            + "weight pi_before / mu with clip_against = learner"))
        .key(KeyRule.ofBoolean("distill_thread").doc("distil on a thread of its own, overlapped with the next RL "
            + "step (the actors act with parameters one distillation older); false: in turn"))
        .key(KeyRule.ofInt("d_model").between(1, 4096).doc("the Transformer's width (a multiple of heads)"))
        .key(KeyRule.ofInt("layers").between(1, 64).doc("GTrXL layers"))
        .key(KeyRule.ofInt("heads").between(1, 64).doc("attention heads"))
        .key(KeyRule.ofInt("ff_size").between(1, 65_536).doc("the position-wise MLP's hidden width"))
        .key(KeyRule.ofDouble("gate_bias").range(Range.closed(-20, 20)).doc("GTrXL's b_g"))
        .key(KeyRule.ofInt("segment").between(0, 1_000_000).doc("steps the Transformer reads at once; 0 = the "
            + "episode length (one segment per episode)"))
        .key(KeyRule.ofInt("memory").between(0, 1_000_000).doc("Transformer-XL memory rows per layer carried from "
            + "one segment to the next (no gradient through them)"))
        .key(KeyRule.ofString("core").oneOf(RecurrentCores.names().toArray(String[]::new))
            .doc("the actor's recurrent core"))
        .key(KeyRule.ofInt("core_size").between(1, 8192).doc("the actor core's hidden size"))
        .key(KeyRule.ofLong("total_env_steps").range(Range.atLeast(0)).doc("training budget in env steps"))
        .key(KeyRule.ofInt("eval_interval").between(1, 100_000_000).doc("updates between evaluations of the actor"))
        .key(KeyRule.ofInt("eval_trials").between(2, 10_000_000).doc("episodes per periodic evaluation"))
        .key(KeyRule.ofInt("final_eval_trials").between(2, 10_000_000).doc("episodes of the final evaluation"))
        .key(KeyRule.ofDouble("stop_at_return").doc("stop once an evaluation of the actor reaches this return"))
        .check("the environment id names an episodic env with at least 2 actions", AldRunKind::checkEnv, "env")
        .constraint("stop_at_return stops the synchronous loop only: runtime = local runs to total_env_steps",
            c -> !OnPolicyRuntimeKeys.local(c) || c.getDouble("stop_at_return") >= 1e9, "runtime", "stop_at_return")
        .constraint("d_model is a multiple of heads", c -> c.getInt("d_model") % c.getInt("heads") == 0, "d_model",
            "heads")
        .constraint("clip_against = learner is ALD's: the baselines act with the policy PPO trains",
            c -> c.getString("mode").equals("ald") || c.getString("clip_against").equals("actor"), "mode",
            "clip_against")
        .constraint("learner_kl_to_actor is ALD's: the baselines have no separate actor to pull toward",
            c -> c.getString("mode").equals("ald") || c.getDouble("learner_kl_to_actor") == 0, "mode",
            "learner_kl_to_actor")
        .constraint("trials_per_update is a multiple of distill_minibatches (minibatches are whole episodes)",
            c -> c.getInt("trials_per_update") % c.getInt("distill_minibatches") == 0, "trials_per_update",
            "distill_minibatches")
        .constraint("trials_per_update is a multiple of minibatches (minibatches are whole episodes)",
            c -> c.getInt("trials_per_update") % c.getInt("minibatches") == 0, "trials_per_update", "minibatches")
        .build();
  }

  private static void checkEnv(Config c) {
    EnvSpec spec = EnvRegistry.spec(c.getString("env"));
    if (spec.maxEpisodeSteps() < 1 || spec.numActions() < 2) {
      throw new IllegalArgumentException("env " + c.getString("env") + " must declare an episode length and have "
          + "at least 2 actions");
    }
  }

  @Override
  public RunOutcome run(RunContext ctx) throws Exception {
    Config c = ctx.config();
    String env = c.getString("env");
    EnvSpec spec = EnvRegistry.spec(env);
    int trials = c.getInt("trials_per_update");
    AldShapes shapes = new AldShapes(c.getInt("d_model"), c.getInt("layers"), c.getInt("heads"), c.getInt("memory"),
        c.getInt("segment"), c.getInt("ff_size"), c.getDouble("gate_bias"), c.getString("core"),
        c.getInt("core_size"));
    TransformerActorCritic transformer = shapes.transformer(spec);
    AldLearner.Mode mode = AldLearner.Mode.of(c.getString("mode"));
    // The asymmetric LSTM's value head reads its policy's core and is never trained (the Transformer is the critic):
    // a shared trunk spares the separate value tower's forward and backward.
    ActorCriticSpec actor = shapes.actor(spec, mode);
    long seed = ctx.seed();
    AldLearner.Config cfg = new AldLearner.Config(c.getDouble("gamma"), c.getDouble("gae_lambda"),
        new PpoLoss(c.getDouble("clip"), c.getDouble("value_coef"), c.getDouble("entropy_coef"), 0, 0),
        c.getInt("epochs"), c.getInt("minibatches"), c.getDouble("learning_rate"), c.getDouble("actor_learning_rate"),
        c.getDouble("adam_epsilon"), c.getDouble("weight_decay"), c.getDouble("max_grad_norm"),
        c.getDouble("distill_alpha"), c.getDouble("distill_beta"), c.getDouble("learner_kl_to_actor"),
        c.getInt("distill_steps"), c.getBoolean("distill_thread"), c.getInt("distill_minibatches"),
        new AldLearner.Correction(c.getString("clip_against").equals("learner"), c.getDouble("proximal_rho_max")),
        Seeds.combine(seed, 4), mode);
    AldBuilder builder = new AldBuilder(env, spec, transformer, actor, cfg, trials, seed,
        c.getLong("total_env_steps"), c.getInt("eval_interval"), c.getInt("eval_trials"),
        c.getInt("final_eval_trials"));
    if (OnPolicyRuntimeKeys.local(c)) {
      return AldLocalRun.run(ctx, builder);
    }
    try (AldLearner learner = builder.newAldLearner()) {
      return run(ctx, builder, learner);
    }
  }

  private RunOutcome run(RunContext ctx, AldBuilder builder, AldLearner learner) throws Exception {
    Config c = ctx.config();
    long seed = ctx.seed();
    String env = builder.envId();
    EnvSpec spec = builder.envSpec();
    TransformerActorCritic transformer = builder.transformer();
    ActorCriticSpec actor = builder.actor();
    int trials = builder.trialsPerUpdate();
    AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(env), spec, trials, c.getInt("eval_trials"),
        c.getInt("eval_interval"), seed);
    MetricsWriter metrics = ctx.metrics("env_steps", "updates", "train_return", "eval_return", "eval_ci95",
        "learner_entropy", "distill_kl", "value_error", "learner_grad_norm", "actor_grad_norm",
        "acting_cpu_us_per_step", "wall_s");
    double[] row = new double[11];
    double[] lastEval = {Double.NaN};
    long[] envSteps = {0};
    int actorParams = actor == null ? 0 : actor.paramCount();
    ctx.events().record("ald_started", "mode", learner.mode().configName(), "learner_params",
        transformer.paramCount(), "actor_params", actorParams, "episode_steps", spec.maxEpisodeSteps());
    long t0 = System.nanoTime();
    trainer.run(c.getLong("total_env_steps"), c.getDouble("stop_at_return"), m -> {
      AldLearner.Stats s = m.stats();
      row[0] = s.updates();
      row[1] = m.trainReturn();
      row[2] = m.evalReturn();
      row[3] = m.evalCi95();
      row[4] = s.learnerEntropy();
      row[5] = s.distillKl();
      row[6] = s.valueError();
      row[7] = s.learnerGradNorm();
      row[8] = s.actorGradNorm();
      row[9] = m.actingCpuUsPerStep();
      row[10] = (System.nanoTime() - t0) / 1e9; // training's wall time so far: the x of return-vs-wall-time curves
      metrics.row(m.envSteps(), row);
      envSteps[0] = m.envSteps();
      if (!Double.isNaN(m.evalReturn())) {
        lastEval[0] = m.evalReturn();
      }
      ctx.progress(m.envSteps(), s.updates(), () -> String.format("return %.3f  eval %.3f (last)  distill kl "
          + "%.4f  acting %.1f us/step", m.trainReturn(), lastEval[0], s.distillKl(), m.actingCpuUsPerStep()));
    }, ctx::stopRequested);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    AldTrainer.Timings timings = trainer.timings();
    Evaluation finalEval = builder.newFinalEvaluator().evaluate(learner.actingSnapshot());
    ParamsFile.write(ctx.checkpointDir().resolve(RESULT_PARAMS), learner.actingSnapshot());
    ParamsFile.write(ctx.checkpointDir().resolve(LEARNER_PARAMS),
        new dev.mnemo.agents.ParamSnapshot(learner.learnerParams(), learner.updates()));
    Evaluation f = finalEval;
    return RunOutcome.of(envSteps[0]).withLearnerUpdates(learner.updates())
        .withEval(new EvalResult(f.meanReturn(), f.ci95(), f.episodes(), null))
        .with("train_seconds", trainSeconds)
        .with("env_seconds", timings.envSeconds())
        .with("act_seconds", timings.actSeconds())
        .with("learn_seconds", timings.learnSeconds())
        .with("distill_seconds", learner.distillSeconds())
        .with("distill_wait_seconds", learner.distillWaitSeconds())
        .with("eval_seconds", timings.evalSeconds())
        .with("learner_params", transformer.paramCount())
        .with("mode", learner.mode().configName())
        .with("actor_params", actorParams)
        .with("result_params", "checkpoints/" + RESULT_PARAMS)
        .with("learner_params_file", "checkpoints/" + LEARNER_PARAMS);
  }

  /** learners' reference.conf subtree {@code mnemo.ald} at the root, comments kept (they become docs). */
  private static final class Defaults {
    static final String TEXT = ConfigFactory.parseResourcesAnySyntax("reference.conf").getConfig("mnemo.ald")
        .root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(true).setJson(false));
  }
}
