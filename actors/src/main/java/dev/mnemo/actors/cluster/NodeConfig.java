package dev.mnemo.actors.cluster;

import com.typesafe.config.Config;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentKind;
import java.nio.file.Path;

/**
 * Reads a node's configs from an experiment file: its {@code kind} (default {@code r2d2}) names the algorithm
 * ({@link AgentKind}), every other top-level key except {@code actors} goes to that algorithm's builder (so
 * {@code configs/quickstart.conf} works as is), and the optional {@code actors { ... }} block holds the
 * runtime settings ({@link #runtime}).
 */
public final class NodeConfig {
  private NodeConfig() {
  }

  /** The keys of an {@code actors { }} block. */
  public static final java.util.List<String> RUNTIME_KEYS = java.util.List.of("workers", "envs_per_worker",
      "chunk_rows", "credits", "steps_per_tick", "rate_limited", "status_interval", "max_restarts", "restart_window",
      "checkpoint_dir", "checkpoint_interval", "checkpoint_keep");

  /** The kind a file names when it names none. */
  public static final String DEFAULT_KIND = "r2d2";

  /** The algorithm's builder: the file's top-level keys (but {@code actors}) over the algorithm's defaults. */
  public static AgentBuilder agent(Config root) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(root.root().unwrapped());
    m.remove("actors");
    String kind = root.hasPath("kind") ? root.getString("kind") : DEFAULT_KIND;
    return AgentKind.named(kind).fromConfig(m);
  }

  /**
   * The runtime config under {@code actors} (keys {@link #RUNTIME_KEYS}), defaults from
   * {@link RuntimeConfig#defaults()}.
   */
  public static RuntimeConfig runtime(Config root) {
    RuntimeConfig d = RuntimeConfig.defaults();
    if (!root.hasPath("actors")) {
      return d;
    }
    Config c = root.getConfig("actors");
    for (String k : c.root().keySet()) {
      if (!RUNTIME_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown key actors." + k + "; valid: " + String.join(", ", RUNTIME_KEYS));
      }
    }
    RuntimeConfig r = d.withWorkers(c.hasPath("workers") ? c.getInt("workers") : d.workers(),
            c.hasPath("envs_per_worker") ? c.getInt("envs_per_worker") : d.envsPerWorker())
        .withFlow(c.hasPath("chunk_rows") ? c.getInt("chunk_rows") : d.chunkRows(),
            c.hasPath("credits") ? c.getInt("credits") : d.credits(),
            c.hasPath("steps_per_tick") ? c.getInt("steps_per_tick") : d.stepsPerTick())
        .withRateLimited(c.hasPath("rate_limited") ? c.getBoolean("rate_limited") : d.rateLimited());
    if (c.hasPath("status_interval")) {
      r = r.withStatusInterval(c.getDuration("status_interval"));
    }
    if (c.hasPath("max_restarts") || c.hasPath("restart_window")) {
      r = r.withRestartBudget(c.hasPath("max_restarts") ? c.getInt("max_restarts") : d.maxRestarts(),
          c.hasPath("restart_window") ? c.getDuration("restart_window") : d.restartWindow());
    }
    if (c.hasPath("checkpoint_interval") || c.hasPath("checkpoint_keep")) {
      r = r.withCheckpointInterval(c.hasPath("checkpoint_interval") ? c.getDuration("checkpoint_interval")
          : d.checkpointInterval(), c.hasPath("checkpoint_keep") ? c.getInt("checkpoint_keep") : d.checkpointKeep());
    }
    if (c.hasPath("checkpoint_dir")) {
      r = r.withCheckpoints(Path.of(c.getString("checkpoint_dir")), r.resumeDir());
    }
    return r;
  }
}
