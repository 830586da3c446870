package dev.mnemo.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import dev.mnemo.actors.LocalRuntime;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a node's configs from an experiment file: its {@code kind} (default {@code r2d2}) names the algorithm
 * ({@link AgentKind}), every other top-level key except {@code actors} goes to that algorithm's builder (so
 * {@code configs/quickstart.conf} works as is), and the optional {@code actors { ... }} block holds the
 * runtime settings ({@link #runtime}). {@link #read} checks all of it before a node starts and reports every
 * problem at once, each naming the file and line, the key and the value.
 */
public final class NodeConfig {
  private NodeConfig() {
  }

  /** The keys of an {@code actors { }} block. */
  public static final List<String> RUNTIME_KEYS = List.of("workers", "envs_per_worker",
      "chunk_rows", "credits", "steps_per_tick", "rate_limited", "status_interval", "max_restarts", "restart_window",
      "checkpoint_dir", "checkpoint_interval", "checkpoint_keep", "learner_wait", "tls");

  /** The kind a file names when it names none. */
  public static final String DEFAULT_KIND = "r2d2";

  /**
   * A node's validated file: the algorithm, the runtime settings and the transport ({@code actors.tls}; empty:
   * plain TCP).
   */
  public record Loaded(Path file, Config root, AgentBuilder agent, RuntimeConfig runtime, Optional<ArteryTls> tls) {
  }

  /**
   * One problem of a node config.
   *
   * @param location {@code file:line} of the value, or the file
   * @param key the key concerned ({@code (file)}, {@code (syntax)} when there is none)
   * @param message what was expected and what was found
   */
  public record Problem(String location, String key, String message) {
    @Override
    public String toString() {
      return location + ": " + key + ": " + message;
    }
  }

  /** A node config that cannot run; the message lists every problem, one a line. */
  public static final class InvalidNodeConfigException extends IllegalArgumentException {
    private final transient List<Problem> problems;

    public InvalidNodeConfigException(String file, List<Problem> problems) {
      super(format(file, problems));
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }

    private static String format(String file, List<Problem> problems) {
      StringBuilder b = new StringBuilder("invalid config ").append(file).append(": ").append(problems.size())
          .append(problems.size() == 1 ? " problem" : " problems");
      for (Problem p : problems) {
        b.append(System.lineSeparator()).append("  ").append(p);
      }
      return b.toString();
    }
  }

  /**
   * Reads and checks a node's file: it exists and parses, every {@code actors} key is known and in range, the
   * algorithm accepts its keys and its env can be made.
   *
   * @throws InvalidNodeConfigException listing every problem
   */
  public static Loaded read(Path file) {
    String name = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new InvalidNodeConfigException(name, List.of(new Problem(name, "(file)",
          Files.exists(file) ? "not a regular file (a directory?)" : "no such config file")));
    }
    Config root;
    try {
      root = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF)).resolve();
    } catch (ConfigException e) {
      throw new InvalidNodeConfigException(name, List.of(new Problem(where(e.origin(), name), "(syntax)",
          e.getMessage())));
    }
    List<Problem> problems = new ArrayList<>(runtimeProblems(root, name));
    TlsConfig.Result tls = TlsConfig.read(root, name);
    problems.addAll(tls.problems());
    RuntimeConfig runtime = problems.isEmpty() ? runtime(root) : RuntimeConfig.defaults();
    AgentBuilder agent = null;
    String kind = root.hasPath("kind") ? String.valueOf(root.getValue("kind").unwrapped()) : DEFAULT_KIND;
    try {
      agent = agent(root);
    } catch (RuntimeException e) {
      problems.add(new Problem(root.hasPath("kind") ? where(root.getValue("kind").origin(), name) : name,
          "(kind " + kind + ")", String.valueOf(e.getMessage())));
    }
    if (agent != null) {
      try {
        LocalRuntime.shapes(agent, runtime);
      } catch (RuntimeException e) {
        problems.add(new Problem(root.hasPath("env") ? where(root.getValue("env").origin(), name) : name, "env",
            "cannot make env '" + agent.envId() + "': " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidNodeConfigException(name, problems);
    }
    return new Loaded(file, root, agent, runtime, tls.tls());
  }

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
    if (c.hasPath("learner_wait")) {
      r = r.withLearnerWait(c.getDuration("learner_wait"));
    }
    return r;
  }

  /** Every problem of the {@code actors} block: unknown keys, wrong types, values out of range. */
  static List<Problem> runtimeProblems(Config root, String file) {
    List<Problem> out = new ArrayList<>();
    if (!root.hasPath("actors")) {
      return out;
    }
    ConfigValue block = root.getValue("actors");
    if (!(block instanceof com.typesafe.config.ConfigObject)) {
      out.add(new Problem(where(block.origin(), file), "actors", "expected an object { ... }, got "
          + block.valueType().name().toLowerCase() + " " + block.render()));
      return out;
    }
    Config c = root.getConfig("actors");
    for (String k : c.root().keySet()) {
      ConfigValue v = c.root().get(k);
      String at = where(v.origin(), file);
      String key = "actors." + k;
      String got = ", got " + v.valueType().name().toLowerCase() + " " + v.render();
      try {
        switch (k) {
          case "workers", "envs_per_worker", "chunk_rows", "credits", "steps_per_tick", "checkpoint_keep" ->
              intAtLeast(out, at, key, c.getInt(k), 1, got);
          case "max_restarts" -> intAtLeast(out, at, key, c.getInt(k), 0, got);
          case "rate_limited" -> c.getBoolean(k);
          case "status_interval", "restart_window", "learner_wait" ->
              durationAtLeast(out, at, key, c.getDuration(k), Duration.ofMillis(1), got);
          case "checkpoint_interval" -> durationAtLeast(out, at, key, c.getDuration(k), Duration.ZERO, got);
          case "tls" -> {
            // checked by TlsConfig, which reads the whole block
          }
          case "checkpoint_dir" -> {
            if (c.getString(k).isBlank()) {
              out.add(new Problem(at, key, "expected a directory path" + got));
            }
          }
          default -> out.add(new Problem(at, key, "unknown key; valid: " + String.join(", ", RUNTIME_KEYS)
              + closest(k)));
        }
      } catch (ConfigException e) {
        out.add(new Problem(at, key, "expected " + expected(k) + got));
      }
    }
    return out;
  }

  private static void intAtLeast(List<Problem> out, String at, String key, int v, int min, String got) {
    if (v < min) {
      out.add(new Problem(at, key, "expected an integer >= " + min + got));
    }
  }

  private static void durationAtLeast(List<Problem> out, String at, String key, Duration d, Duration min,
      String got) {
    if (d.compareTo(min) < 0) {
      out.add(new Problem(at, key, "expected a duration >= " + (min.isZero() ? "0" : min.toMillis() + "ms")
          + " (e.g. 30s)" + got));
    }
  }

  private static String expected(String key) {
    return switch (key) {
      case "rate_limited" -> "a boolean";
      case "status_interval", "restart_window", "learner_wait", "checkpoint_interval" -> "a duration (e.g. 30s)";
      case "checkpoint_dir" -> "a directory path";
      default -> "an integer";
    };
  }

  private static String closest(String k) {
    String best = null;
    int bestD = 3;
    for (String c : RUNTIME_KEYS) {
      int d = distance(k, c);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, substitute);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** {@code file:line} of a value, or {@code fallback}. */
  static String where(ConfigOrigin origin, String fallback) {
    if (origin == null || origin.filename() == null) {
      return fallback;
    }
    return origin.filename() + (origin.lineNumber() >= 0 ? ":" + origin.lineNumber() : "");
  }
}
