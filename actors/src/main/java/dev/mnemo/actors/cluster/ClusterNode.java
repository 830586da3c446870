package dev.mnemo.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.Coordinator;
import dev.mnemo.actors.LocalRuntime;
import dev.mnemo.actors.PekkoSettings;
import dev.mnemo.actors.RunResult;
import dev.mnemo.actors.RuntimeCounters;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.actors.RuntimeListener;
import dev.mnemo.actors.RuntimeStatus;
import dev.mnemo.learners.agent.AgentBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code runtime = cluster}: one node of a run, over Pekko Cluster with Artery TCP (TLS with mutual
 * authentication when the file's {@code actors.tls} enables it, {@link ArteryTls}). Role
 * {@code learner} hosts the learner, the replay and the parameter server (and is the first seed node);
 * role {@code actor} hosts env workers. Binds {@code 127.0.0.1} unless another host is given; another host
 * needs TLS or {@code --insecure} ({@link BindPolicy}).
 *
 * <p>Command line (what {@code ./mnemo node} forwards, {@link NodeArgs}):
 * {@code ClusterNode --role learner|actor [--host H] [--port P] [--seed-nodes H:P[,H:P...]] [--resume] [--insecure]
 * CONFIG.conf}.
 * Events are printed to stdout as JSON lines, status lines prefixed {@code status}. An actor node follows its
 * learner's lifecycle ({@link ActorNodeRunner}): it stops when the learner ends the run, and rejoins a learner
 * that comes back within {@code actors.learner_wait}, else stops with exit 0.
 */
public final class ClusterNode implements AutoCloseable {

  /** System name shared by every node of a run (Pekko only joins systems of the same name). */
  public static final String SYSTEM = "mnemo";

  /**
   * @param role {@code learner} or {@code actor}
   * @param host address to bind and advertise
   * @param port Artery TCP port (0: any free port)
   * @param seedNodes {@code host:port} of the seed nodes (the learner's own address on the learner)
   * @param tls Artery's TLS transport with mutual authentication, or empty for plain TCP
   * @param insecure allow plain TCP on a non-loopback address ({@code --insecure}, {@link BindPolicy})
   */
  public record Options(String role, String host, int port, List<String> seedNodes, Optional<ArteryTls> tls,
      boolean insecure) {

    /** Plain TCP, so loopback only. */
    public Options(String role, String host, int port, List<String> seedNodes) {
      this(role, host, port, seedNodes, Optional.empty(), false);
    }

    public Options {
      java.util.Objects.requireNonNull(tls, "tls");
      if (!"learner".equals(role) && !"actor".equals(role)) {
        throw new IllegalArgumentException("--role must be learner or actor, got " + role);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
      }
      if (seedNodes == null || seedNodes.isEmpty()) {
        throw new IllegalArgumentException("--seed-nodes needs at least one host:port");
      }
      for (String s : seedNodes) {
        if (!s.matches("[^:]+:\\d+")) {
          throw new IllegalArgumentException("--seed-nodes entry must be host:port, got '" + s + "'");
        }
      }
      seedNodes = List.copyOf(seedNodes);
    }

    /** These options with this transport. */
    public Options withTransport(Optional<ArteryTls> t, boolean allowInsecure) {
      return new Options(role, host, port, seedNodes, t, allowInsecure);
    }
  }

  private final ActorSystem<Coordinator.Command> learnerSystem;
  private final ActorNodeRunner actorRunner;
  private final CompletableFuture<RunResult> result;
  private final RuntimeCounters counters;

  private ClusterNode(ActorSystem<Coordinator.Command> learnerSystem, ActorNodeRunner actorRunner,
      CompletableFuture<RunResult> result, RuntimeCounters counters) {
    this.learnerSystem = learnerSystem;
    this.actorRunner = actorRunner;
    this.result = result;
    this.counters = counters;
  }

  /** The run's live totals on a learner node (null on an actor node). */
  public RuntimeCounters counters() {
    return counters;
  }

  /** The Pekko config of a node with these options, over the defaults. */
  public static Config pekkoConfig(Options o) {
    StringBuilder seeds = new StringBuilder();
    for (String s : o.seedNodes()) {
      seeds.append(seeds.length() == 0 ? "" : ", ").append("\"pekko://").append(SYSTEM).append('@').append(s)
          .append('"');
    }
    return ConfigFactory.parseString(String.join("\n",
        "pekko.actor.provider = cluster",
        "pekko.remote.artery.canonical.hostname = \"" + o.host() + "\"",
        "pekko.remote.artery.canonical.port = " + o.port(),
        "pekko.cluster.seed-nodes = [" + seeds + "]",
        "pekko.cluster.roles = [\"" + o.role() + "\"]",
        // Neither role lets Pekko end the JVM: a downed actor node's session ends and the node decides what
        // comes next (rejoin or stop, ActorNodeRunner); the learner's own hook stops the run gracefully (final
        // checkpoint) before the system goes. Pekko exiting the JVM from a shutdown phase while ClusterNode's
        // hook waited for that same shutdown was the 2-minute hang of a node whose learner was killed.
        "pekko.coordinated-shutdown.exit-jvm = off",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
        // Artery's own JVM hook aborts every connection the moment SIGTERM arrives, before ClusterNode's hook has
        // told the remote workers to stop: they then saw an unreachable learner instead of its Stop.
        "pekko.jvm-shutdown-hooks = off"))
        .withFallback(o.tls().map(ArteryTls::pekkoConfig).orElse(ConfigFactory.empty()))
        .withFallback(PekkoSettings.base());
  }

  /**
   * Starts a node. On the learner, {@link #result()} completes at the budget or after {@link #requestStop}; on an
   * actor node {@link #exitCode()} completes when the node has stopped (run over, or no learner for
   * {@code learner_wait}).
   */
  public static ClusterNode start(Options o, AgentBuilder agent, RuntimeConfig runtime, RuntimeListener listener) {
    BindPolicy.refusal(o).ifPresent(why -> {
      throw new IllegalArgumentException(why);
    });
    if ("learner".equals(o.role())) {
      Coordinator.Plan plan = LocalRuntime.prepare(runtime, agent, listener, true);
      ActorSystem<Coordinator.Command> sys = ActorSystem.create(Coordinator.create(plan), SYSTEM, pekkoConfig(o));
      plan.done().whenComplete((r, e) -> sys.terminate());
      return new ClusterNode(sys, null, plan.done(), plan.counters());
    }
    ActorNodeRunner runner = new ActorNodeRunner(o, agent, runtime, listener);
    runner.start();
    CompletableFuture<RunResult> done = runner.exitCode().thenApply(code -> null);
    return new ClusterNode(null, runner, done, null);
  }

  /** The learner's totals when the run ends (null on an actor node, when the node has stopped). */
  public CompletableFuture<RunResult> result() {
    return result;
  }

  /**
   * The process exit code once the node has stopped: 0 when it stopped as designed (run over, learner gone
   * for {@code learner_wait}, a stop request), 1 when its run failed (learner) or its workers gave up (actor).
   */
  public CompletableFuture<Integer> exitCode() {
    if (actorRunner != null) {
      return actorRunner.exitCode();
    }
    return result.handle((r, e) -> e == null ? 0 : 1);
  }

  /**
   * Asks the node to stop gracefully. On a learner node this ends the run (workers everywhere, then learner
   * and checkpoint) and the actor nodes stop too.
   */
  public void requestStop(String reason) {
    requestStop(reason, true);
  }

  /**
   * As {@link #requestStop(String)}; on a learner node {@code runOver = false} (a signal: the learner will be
   * resumed) tells the actor nodes to wait {@code learner_wait} for it instead of stopping.
   */
  public void requestStop(String reason, boolean runOver) {
    if (learnerSystem != null) {
      learnerSystem.tell(new Coordinator.RequestStop(reason, runOver));
    } else {
      actorRunner.requestStop(reason);
    }
  }

  /** The address this node is bound to, {@code host:port} (an actor node's current session). */
  public String address() {
    if (actorRunner != null) {
      return actorRunner.address();
    }
    var a = learnerSystem.address();
    return a.getHost().orElse("?") + ":" + a.getPort().orElse(-1);
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(30));
  }

  /** Terminates the ActorSystem, waiting at most {@code wait}; returns whether it terminated. */
  public boolean close(java.time.Duration wait) {
    if (actorRunner != null) {
      actorRunner.close();
      return true;
    }
    learnerSystem.terminate();
    try {
      learnerSystem.getWhenTerminated().toCompletableFuture().get(wait.toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("node did not terminate: " + e.getCause(), e.getCause());
    }
  }

  /** Prints events as JSON lines and status as one line each. */
  public static RuntimeListener printing(PrintStream out) {
    return new RuntimeListener() {
      @Override
      public void onEvent(Map<String, Object> event) {
        out.println(json(event));
      }

      @Override
      public void onStatus(RuntimeStatus s) {
        out.printf("status t=%.1fs env_steps=%d (%.0f/s) updates=%d (%.1f/s) return=%.3f replay=%d lag=%d workers=%d%n",
            s.elapsedSeconds(), s.envSteps(), s.envStepsPerSecond(), s.updates(), s.updatesPerSecond(),
            s.meanEpisodeReturn(), s.replaySize(), s.paramLag(), s.workers());
      }
    };
  }

  static String json(Map<String, Object> m) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(quote(e.getKey())).append(':');
      Object v = e.getValue();
      b.append(v instanceof Number || v instanceof Boolean ? String.valueOf(v) : quote(String.valueOf(v)));
    }
    return b.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Entry point: see the class comment for the arguments; exits with {@link #run}'s code. */
  public static void main(String[] args) {
    // Native libraries (ND4J on the learner) may hold non-daemon threads: the node is over, exit.
    System.exit(run(args, System.out, System.err));
  }

  public static final String USAGE = "usage: --role learner|actor [--host H] [--port P] [--seed-nodes H:P[,H:P]] "
      + "[--resume] [--insecure] CONFIG";

  /**
   * Runs a node until it stops and returns the process exit code: 0 stopped as designed, 1 the run failed (or
   * an actor node's workers gave up), 2 bad arguments or an invalid config (reported on {@code err}, every
   * problem at once, before anything starts). {@code --resume} (learner only) continues from the checkpoints
   * in {@code actors.checkpoint_dir}, checked first like {@code mnemo run --resume}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    NodeArgs a;
    try {
      a = NodeArgs.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("mnemo node: " + e.getMessage());
      err.println("mnemo node: " + USAGE);
      return 2;
    }
    NodeConfig.Loaded cfg;
    try {
      cfg = NodeConfig.read(a.config());
    } catch (NodeConfig.InvalidNodeConfigException e) {
      err.println("mnemo node: " + e.getMessage());
      return 2;
    }
    RuntimeConfig runtime = cfg.runtime();
    if (a.resume()) {
      Path dir = runtime.checkpointDir();
      if (dir == null) {
        err.println("mnemo node: --resume: " + a.config() + " sets no actors.checkpoint_dir, so there is no "
            + "checkpoint to resume from (the learner node writes its checkpoints there)");
        return 2;
      }
      runtime = runtime.withCheckpoints(dir, dir);
      try {
        LocalRuntime.checkResume(runtime, cfg.agent());
      } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
        err.println("mnemo node: --resume: cannot resume from " + dir + " (actors.checkpoint_dir of " + a.config()
            + "): " + e.getMessage());
        return 2;
      }
    }
    Options o = a.options().withTransport(cfg.tls(), a.insecure());
    var refused = BindPolicy.refusal(o);
    if (refused.isPresent()) {
      err.println("mnemo node: " + refused.get());
      return 2;
    }
    if (o.tls().isEmpty() && !BindPolicy.isLoopback(o.host())) {
      err.println("mnemo node: WARNING --insecure: cluster traffic on " + o.host() + ":" + o.port()
          + " is unencrypted and unauthenticated");
    }
    ClusterNode node;
    try {
      node = start(o, cfg.agent(), runtime, printing(out));
    } catch (RuntimeException e) {
      err.println("mnemo node: cannot start the " + o.role() + " node on " + o.host() + ":" + o.port() + ": " + e);
      return 1;
    }
    boolean learner = "learner".equals(o.role());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // A signalled learner stops gracefully (final checkpoint) without ending the run, so its actor nodes wait
      // learner_wait for it to be resumed; a signalled actor node sends what its workers finished and stops.
      node.requestStop("signal", !learner);
      try {
        node.exitCode().get(learner ? 120 : 30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        err.println("mnemo node: stop after signal did not finish: " + e);
      }
    }, "mnemo-node-signal"));
    int code;
    try {
      code = node.exitCode().get();
      RunResult r = node.result().getNow(null);
      if (r != null) {
        out.println("result " + r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (java.util.concurrent.ExecutionException e) {
      err.println("mnemo node: " + e.getCause());
      return 1;
    }
    if (learner && node.result().isCompletedExceptionally()) {
      node.result().exceptionally(e -> {
        err.println("mnemo node: run failed: " + (e.getCause() != null ? e.getCause() : e));
        return null;
      });
    }
    if (!node.close(java.time.Duration.ofSeconds(10))) {
      out.println("{\"event\":\"node_exit_without_clean_leave\"}");
    }
    out.flush();
    return code;
  }
}
