package dev.mnemo.experiments.kinds;

import dev.mnemo.learners.agent.ParamsFile;
import dev.mnemo.learners.agent.SolvedRule;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.experiments.run.LocalRunLoop;
import dev.mnemo.experiments.run.RandomPolicyReturn;
import dev.mnemo.learners.r2d2.R2d2Builder;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.SynchronousTrainer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kind = r2d2}: R2D2 on one environment. The keys are {@link R2d2Config}'s fields in snake_case with
 * the paper's defaults (learners' {@code reference.conf}, subtree {@code mnemo.r2d2}); a config file
 * overrides only what it changes. {@code runtime = sync} runs the {@link SynchronousTrainer};
 * {@code runtime = local} the Pekko runtime ({@link LocalRuntime}) with the {@code actors} block's settings.
 */
public final class R2d2RunKind implements RunKind {

  /** Keys of this kind that are not fields of {@link R2d2Config}. */
  private static final Set<String> RUN_KEYS = Set.of("runtime", "stop_when_solved", "confirm_episodes", "actors");

  @Override
  public String name() {
    return "r2d2";
  }

  @Override
  public String description() {
    return "R2D2: recurrent replay distributed DQN (stored state, burn-in, n-step double Q, value rescaling)";
  }

  @Override
  public ConfigSchema schema() {
    ConfigSchema.Builder b = ConfigSchema.builder(name())
        .defaults(paperDefaults())
        .defaults("runtime = sync\nstop_when_solved = false\nconfirm_episodes = " + SolvedRule.CONFIRM_EPISODES + "\n")
        .defaults(RuntimeConfig.defaultsConfig().atPath("actors").root().render(
            ConfigRenderOptions.defaults().setOriginComments(false).setComments(true).setJson(false)))
        .key(KeyRule.ofString("runtime").oneOf("sync", "local").doc("sync: one thread runs envs, replay and "
            + "learner (deterministic); local: Pekko env workers, replay and learner services in this JVM"))
        .key(KeyRule.ofInt("actors.workers").between(1, 1024).doc("runtime = local: env worker actors"))
        .key(KeyRule.ofInt("actors.envs_per_worker").between(1, 4096)
            .doc("runtime = local: envs per worker, each one actor with its own epsilon"))
        .key(KeyRule.ofInt("actors.chunk_rows").between(1, 65_536)
            .doc("runtime = local: finished sequences per message to the replay"))
        .key(KeyRule.ofInt("actors.credits").between(1, 65_536)
            .doc("runtime = local: unacknowledged chunks a worker may have in flight (bounds memory)"))
        .key(KeyRule.ofInt("actors.steps_per_tick").between(1, 1_000_000)
            .doc("runtime = local: vector steps a worker takes per mailbox turn"))
        .key(KeyRule.ofBoolean("actors.rate_limited")
            .doc("runtime = local: apply the samples-per-insert limiter between actors and learner"))
        .key(KeyRule.ofDuration("actors.status_interval").atLeast(Duration.ofMillis(1))
            .doc("runtime = local: period of status lines"))
        .key(KeyRule.ofInt("actors.max_restarts").between(0, 1_000_000).doc("runtime = local: restarts one env "
            + "worker may take within actors.restart_window (with backoff); one more failure ends the run as failed"))
        .key(KeyRule.ofDuration("actors.restart_window").atLeast(Duration.ofMillis(1)).doc("runtime = local: the "
            + "sliding window actors.max_restarts counts in"))
        .key(KeyRule.ofDuration("actors.checkpoint_interval").doc("both runtimes: wall time between checkpoints "
            + "(learner, replay, counters; sync: also the acting state) while the run goes on, kept in "
            + "checkpoints/interval-*/ beside the final one; a killed run resumes from the newest and loses at most "
            + "this much; 0 = only the final one"))
        .key(KeyRule.ofInt("actors.checkpoint_keep").between(1, 1000)
            .doc("both runtimes: periodic checkpoints kept (the newest)"))
        .key(KeyRule.ofDuration("actors.learner_wait").atLeast(Duration.ofMillis(1)).doc("mnemo node --role actor: "
            + "how long a node without a learner (not found yet, or lost) keeps trying to join one, e.g. a learner "
            + "restarted with --resume on the same address, before it stops with exit 0"))
        .key(KeyRule.ofObject("actors.tls").optional().doc("mnemo node: Artery TLS with mutual authentication "
            + "{ enabled, key_store, key_store_password, key_password, trust_store, trust_store_password, protocol "
            + "(TLSv1.3 or TLSv1.2) }, checked in full by the node (files opened with their passwords); needed to "
            + "bind a non-loopback --host without --insecure (actors/README.md)"))
        .key(KeyRule.ofString("actors.checkpoint_dir").optional().doc("mnemo node --role learner: where the "
            + "learner node writes its checkpoints and --resume reads them (mnemo run uses its run directory)"))
        .key(KeyRule.ofBoolean("stop_when_solved").doc("end the run on the first parameters found solved: an "
            + "evaluation reached solved_threshold and a larger one of the same parameters confirmed it"))
        .key(KeyRule.ofInt("confirm_episodes").between(1, 1_000_000).doc("greedy episodes of the larger "
            + "evaluation that confirms solved and gives summary.json's eval (of the run's result parameters)"))
        .key(KeyRule.ofString("env").doc("environment id with parameters; `mnemo envs` lists them"))
        .key(KeyRule.ofInt("num_envs").between(1, 4096).doc("actors N, each with its own epsilon"))
        .key(KeyRule.ofInt("burn_in").between(0, 10_000).doc("steps unrolled without gradient before the "
            + "trained steps"))
        .key(KeyRule.ofInt("trace_length").between(1, 10_000).doc("trained steps per sequence"))
        .key(KeyRule.ofInt("sequence_period").between(1, 10_000).doc("env steps between sequence starts"))
        .key(KeyRule.ofInt("n_step").between(1, 1000).doc("n of the n-step double-Q targets"))
        .key(KeyRule.ofDouble("gamma").range(Range.closed(0, 1)).doc("discount"))
        .key(KeyRule.ofString("core").oneOf(RecurrentCores.names().toArray(String[]::new))
            .doc("the recurrent core (memory model): lstm is the paper's"))
        .key(KeyRule.ofInt("core_size").between(1, 8192).doc("the core's hidden size"))
        .key(KeyRule.ofInt(R2d2Config.DEPRECATED_LSTM_SIZE).between(1, 8192).optional()
            .doc("deprecated alias of core_size (from before cores were swappable); use core_size"))
        .key(KeyRule.ofInt("head_size").between(1, 8192).doc("width of each dueling stream"))
        .key(KeyRule.ofInt("batch_size").between(1, 65_536).doc("sequences per update"))
        .key(KeyRule.ofDouble("learning_rate").range(Range.openClosed(0, 1)).doc("Adam step size"))
        .key(KeyRule.ofDouble("adam_epsilon").range(Range.openClosed(0, 1)).doc("Adam epsilon"))
        .key(KeyRule.ofDouble("max_grad_norm").range(Range.atLeast(0)).doc("global gradient-norm clip; 0 off"))
        .key(KeyRule.ofInt("target_period").between(1, 100_000_000).doc("updates between target copies"))
        .key(KeyRule.ofDouble("priority_eta").range(Range.closed(0, 1)).doc("eta of the mixed priority"))
        .key(KeyRule.ofString("initial_priority").oneOf(R2d2Config.INITIAL_PRIORITY_ACTOR,
            R2d2Config.INITIAL_PRIORITY_MAX).doc("priority of a new sequence: actor (the paper's: the actors' TD "
            + "errors from the Q-values they acted with) or max (the replay's current maximum)"))
        .key(KeyRule.ofDouble("priority_exponent").range(Range.closed(0, 1)).doc("alpha of prioritized sampling"))
        .key(KeyRule.ofDouble("importance_exponent").range(Range.closed(0, 1)).doc("beta of the IS weights"))
        .key(KeyRule.ofInt("replay_capacity").between(1, 100_000_000).doc("sequences held, FIFO eviction"))
        .key(KeyRule.ofInt("min_replay_size").between(1, 100_000_000).doc("sequences before learning starts"))
        .key(KeyRule.ofDouble("samples_per_insert").range(Range.openClosed(0, 1e6)).doc("replay ratio"))
        .key(KeyRule.ofInt("actor_refresh_steps").between(1, 100_000_000).doc("env steps between parameter "
            + "refreshes of the actors"))
        .key(KeyRule.ofDouble("epsilon_base").range(Range.closed(0, 1)).doc("base of the per-actor epsilons"))
        // Typed here because their defaults cannot say: 7.0 reads back as an integer, [] as a list of anything.
        .key(KeyRule.ofDouble("epsilon_alpha").doc("exponent spread of the per-actor epsilons (Ape-X: 7), >= 0"))
        .key(KeyRule.ofIntList("encoder_sizes").doc("Dense+ReLU widths before the core, each >= 1"))
        .key(KeyRule.ofLong("total_env_steps").range(Range.atLeast(0)).doc("training budget"))
        .key(KeyRule.ofLong("eval_interval").range(Range.atLeast(1)).doc("env steps between greedy evaluations"))
        .key(KeyRule.ofInt("eval_episodes").between(0, 1_000_000).doc("greedy episodes per evaluation"))
        .key(KeyRule.ofString("engine").oneOf("gemm", "samediff").doc("learner network implementation"))
        .check("the environment id names a registered environment", c -> EnvRegistry.make(c.getString("env")).close(),
            "env")
        .constraint("confirm_episodes > eval_episodes (solved is confirmed by a larger evaluation)",
            c -> c.getInt("confirm_episodes") > c.getInt("eval_episodes"), "confirm_episodes", "eval_episodes")
        .check("the R2D2 hyperparameters are consistent", c -> toR2d2Config(c, c.getLong("seed")),
            "min_replay_size", "replay_capacity");
    // Every other key takes its type from its default and its description from the default's comment.
    for (String key : ConfigFactory.parseString(paperDefaults()).root().keySet()) {
      b.inferRules(key);
    }
    return b.build();
  }

  @Override
  public boolean supportsResume() {
    return true;
  }

  /**
   * Both runtimes need a complete checkpoint that this config restores from: {@code runtime = local} its learner
   * and replay ({@link LocalRunLoop#checkResume}), {@code runtime = sync} also the trainer's acting state
   * ({@link R2d2SyncRun#checkResume}).
   */
  @Override
  public void checkResume(Config config, long seed, java.nio.file.Path checkpointDir) {
    if (!"local".equals(config.getString("runtime"))) {
      R2d2SyncRun.checkResume(toR2d2Config(config, seed), checkpointDir);
      return;
    }
    LocalRunLoop.checkResume(config, new R2d2Builder(toR2d2Config(config, seed)), checkpointDir);
  }

  /** A solved_threshold below the random policy's return on the env (built-in envs; see RandomPolicyReturn). */
  @Override
  public List<String> warnings(Config config) {
    return RandomPolicyReturn.thresholdWarning(config, "env", "solved_threshold").stream().toList();
  }

  @Override
  public RunOutcome run(RunContext ctx) throws Exception {
    R2d2Config cfg = toR2d2Config(ctx.config(), ctx.seed());
    int confirmEpisodes = ctx.config().getInt("confirm_episodes");
    if ("local".equals(ctx.config().getString("runtime"))) {
      return LocalRunLoop.run(ctx, new R2d2Builder(cfg), new LocalRunLoop.Schedule(cfg.evalInterval(),
          cfg.solvedThreshold(), ctx.config().getBoolean("stop_when_solved"), confirmEpisodes));
    }
    return R2d2SyncRun.run(ctx, cfg, confirmEpisodes);
  }

  /** {@code which}: {@code result}; {@code count} greedy episodes seeded from {@code seed}. */
  @Override
  public dev.mnemo.learners.agent.Evaluator.Evaluation evaluate(Config config, java.nio.file.Path runDir,
      String which, int count, long seed) {
    if (!"result".equals(which)) {
      throw new IllegalArgumentException("--params " + which + ": r2d2 runs keep result only");
    }
    java.nio.file.Path params = runDir.resolve("checkpoints").resolve(LocalRunLoop.RESULT_PARAMS);
    if (!java.nio.file.Files.isRegularFile(params)) {
      throw new IllegalArgumentException(params + ": no such file (did the run finish?)");
    }
    R2d2Builder builder = new R2d2Builder(toR2d2Config(config, seed));
    dev.mnemo.envs.EnvSpec env;
    try (dev.mnemo.envs.Env probe = dev.mnemo.envs.EnvRegistry.make(config.getString("env"))) {
      env = probe.spec();
    }
    return builder.newEvaluator(builder.shapes(env), count).evaluate(ParamsFile.read(params));
  }

  /** The validated HOCON as the learner's record (the record re-checks ranges and cross-key rules). */
  static R2d2Config toR2d2Config(Config c, long seed) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String key : ConfigFactory.parseString(paperDefaults()).root().keySet()) {
      values.put(key, c.getValue(key).unwrapped());
    }
    values.put("seed", seed);
    if (c.hasPath(R2d2Config.DEPRECATED_LSTM_SIZE)) {
      // The deprecated alias: core_size is always present (defaults are merged in), so it counts as set
      // only where it differs from the default and from the alias.
      int alias = c.getInt(R2d2Config.DEPRECATED_LSTM_SIZE);
      int size = c.getInt("core_size");
      if (size != R2d2Config.paper().coreSize() && size != alias) {
        throw new IllegalArgumentException("core_size = " + size + " and its deprecated alias lstm_size = " + alias
            + " disagree; keep core_size");
      }
      values.put("core_size", alias);
    }
    return R2d2Config.fromMap(values);
  }

  /** learners' reference.conf subtree {@code mnemo.r2d2} at the root, comments kept (they become docs). */
  static String paperDefaults() {
    return PaperDefaults.TEXT;
  }

  /** Read once per JVM (a constant: the classpath's reference.conf does not change while it runs). */
  private static final class PaperDefaults {
    static final String TEXT = render();

    private static String render() {
      Config r2d2 = ConfigFactory.parseResourcesAnySyntax("reference.conf").getConfig("mnemo.r2d2")
          .withoutPath("seed");
      for (String k : RUN_KEYS) {
        r2d2 = r2d2.withoutPath(k);
      }
      return r2d2.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(true)
          .setJson(false));
    }
  }
}
