package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import dev.mnemo.actors.onpolicy.LagRule;
import dev.mnemo.actors.onpolicy.OnPolicyConfig;
import dev.mnemo.actors.onpolicy.OnPolicyResult;
import dev.mnemo.experiments.run.RunOutcome;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import java.nio.file.Path;

/**
 * The config keys of an on-policy run kind's {@code runtime} choice (RL², ALD), and the summary fields of its
 * {@code local} runs: {@code runtime = sync | local} and,
 * for {@code local}, the on-policy Pekko runtime's settings, with their defaults taken from the runtime's own
 * ({@link OnPolicyConfig#defaults}), so every on-policy kind documents and validates them alike.
 */
final class OnPolicyRuntimeKeys {

  private OnPolicyRuntimeKeys() {}

  /** The keys' defaults as HOCON: {@code runtime = sync} and the runtime's own defaults. */
  static String defaults() {
    OnPolicyConfig d = OnPolicyConfig.defaults();
    return "runtime = sync\nmax_param_lag = " + d.maxParamLag() + "\nactors { workers = " + d.workers()
        + ", credits = " + d.credits() + ", max_restarts = " + d.maxRestarts() + ", restart_window = "
        + d.restartWindow().toMillis() + "ms }\n";
  }

  /** Adds the keys' rules to {@code b}; {@code unit} names what a worker collects (trials, episodes). */
  static ConfigSchema.Builder addTo(ConfigSchema.Builder b, String unit) {
    return b.defaults(defaults())
        .key(KeyRule.ofString("runtime").oneOf("sync", "local").doc("sync: one thread collects and learns in turn "
            + "(deterministic); local: Pekko workers collect whole " + unit + " while the learner updates"))
        .key(KeyRule.ofInt("max_param_lag").between(0, 1_000_000).doc("runtime = local: a collection is used only "
            + "if at most this many updates happened since the parameters that collected it, else dropped and counted "
            + "(0: strictly on-policy; 1: workers collect during an update, PPO's clipped ratio corrects for it)"))
        .key(KeyRule.ofInt("actors.workers").between(1, 1024).doc("runtime = local: " + unit + " worker actors"))
        .key(KeyRule.ofInt("actors.credits").between(1, 1024).doc("runtime = local: collections a worker may have "
            + "sent that the learner has not yet received (how far it may run ahead)"))
        .key(KeyRule.ofInt("actors.max_restarts").between(0, 1_000_000).doc("runtime = local: restarts one worker "
            + "may take within actors.restart_window (with backoff); one more failure ends the run as failed"))
        .key(KeyRule.ofDuration("actors.restart_window").atLeast(java.time.Duration.ofMillis(1))
            .doc("runtime = local: the sliding window actors.max_restarts counts in"));
  }

  /** Whether a validated config asks for the on-policy Pekko runtime. */
  static boolean local(Config c) {
    return "local".equals(c.getString("runtime"));
  }

  /** The runtime settings of a validated config; {@code learnerFile} null when the learner keeps no state file. */
  static OnPolicyConfig config(Config c, Path learnerFile) {
    return OnPolicyConfig.defaults().withWorkers(c.getInt("actors.workers")).withCredits(c.getInt("actors.credits"))
        .withMaxParamLag(c.getInt("max_param_lag"))
        .withRestarts(c.getInt("actors.max_restarts"), c.getDuration("actors.restart_window"),
            OnPolicyConfig.defaults().restartMinBackoff())
        .withLearnerFile(learnerFile);
  }

  /**
   * {@code outcome} with the summary fields every {@code runtime = local} run writes: the runtime, its workers and
   * restarts, and the parameter lag of the collections kept and dropped.
   */
  static RunOutcome withRuntimeFigures(RunOutcome outcome, OnPolicyResult r) {
    LagRule.Stats lag = r.lag();
    return outcome.with("runtime", "local")
        .with("workers", r.workers())
        .with("trials_per_collection", r.trialsPerCollection())
        .with("restarts", r.restarts())
        .with("max_param_lag", lag.maxLag())
        .with("param_lag_kept", LagRule.Stats.format(lag.kept()))
        .with("param_lag_dropped", LagRule.Stats.format(lag.dropped()))
        .with("param_lag_mean", lag.meanKeptLag())
        .with("stale_dropped_collections", lag.droppedCollections())
        .with("stale_dropped_env_steps", lag.droppedEnvSteps())
        .with("trials_unused_at_stop", r.trialsUnusedAtStop());
  }
}
