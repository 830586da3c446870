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
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code runtime = cluster}: one node of a run, over Pekko Cluster with Artery TCP. Role
 * {@code learner} hosts the learner, the replay and the parameter server (and is the first seed node);
 * role {@code actor} hosts env workers. Binds {@code 127.0.0.1} unless another host is given.
 *
 * <p>Command line (what {@code ./mnemo node} forwards):
 * {@code ClusterNode --role learner|actor [--host H] [--port P] --seed-nodes H:P[,H:P...] CONFIG.conf}.
 * Events are printed to stdout as JSON lines, status lines prefixed {@code status}.
 */
public final class ClusterNode implements AutoCloseable {

  /** System name shared by every node of a run (Pekko only joins systems of the same name). */
  public static final String SYSTEM = "mnemo";

  /**
   * @param role {@code learner} or {@code actor}
   * @param host address to bind and advertise
   * @param port Artery TCP port (0: any free port)
   * @param seedNodes {@code host:port} of the seed nodes (the learner's own address on the learner)
   */
  public record Options(String role, String host, int port, List<String> seedNodes) {
    public Options {
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
  }

  private final ActorSystem<?> system;
  private final CompletableFuture<RunResult> result;
  private final boolean learner;
  private final RuntimeCounters counters;

  private ClusterNode(ActorSystem<?> system, CompletableFuture<RunResult> result, boolean learner,
      RuntimeCounters counters) {
    this.system = system;
    this.result = result;
    this.learner = learner;
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
        // A node that is downed leaves and exits its JVM rather than linger as a zombie.
        "pekko.coordinated-shutdown.exit-jvm = " + ("actor".equals(o.role()) ? "on" : "off"),
        // The learner's own hook stops the run gracefully (final checkpoint) before the system goes.
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = " + ("actor".equals(o.role()) ? "on" : "off")))
        .withFallback(PekkoSettings.base());
  }

  /** Starts a node. On the learner, {@link #result()} completes at the budget or after {@link #requestStop}. */
  public static ClusterNode start(Options o, AgentBuilder agent, RuntimeConfig runtime, RuntimeListener listener) {
    Config cfg = pekkoConfig(o);
    if ("learner".equals(o.role())) {
      Coordinator.Plan plan = LocalRuntime.prepare(runtime, agent, listener, true);
      ActorSystem<Coordinator.Command> sys = ActorSystem.create(Coordinator.create(plan), SYSTEM, cfg);
      plan.done().whenComplete((r, e) -> sys.terminate());
      return new ClusterNode(sys, plan.done(), true, plan.counters());
    }
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    ActorSystem<ActorNode.Command> sys = ActorSystem.create(ActorNode.create(agent, runtime, listener, stopped),
        SYSTEM, cfg);
    CompletableFuture<RunResult> done = new CompletableFuture<>();
    // Done when the node has stopped its work, not when the system has terminated: leaving a cluster
    // whose learner is already gone can take the coordinated shutdown's full timeouts.
    stopped.thenRun(() -> done.complete(null));
    sys.getWhenTerminated().thenRun(() -> done.complete(null));
    return new ClusterNode(sys, done, false, null);
  }

  /** The learner's totals when the run ends (null on an actor node). */
  public CompletableFuture<RunResult> result() {
    return result;
  }

  /** Asks a learner node to stop gracefully (workers everywhere, then learner and checkpoint). */
  @SuppressWarnings("unchecked")
  public void requestStop(String reason) {
    if (learner) {
      ((ActorSystem<Coordinator.Command>) system).tell(new Coordinator.RequestStop(reason));
    } else {
      system.terminate();
    }
  }

  /** The address this node is bound to, {@code host:port}. */
  public String address() {
    var a = system.address();
    return a.getHost().orElse("?") + ":" + a.getPort().orElse(-1);
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(30));
  }

  /** Terminates the ActorSystem, waiting at most {@code wait}; returns whether it terminated. */
  public boolean close(java.time.Duration wait) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
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

  /** Entry point: see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    String role = null;
    String host = "127.0.0.1";
    Integer port = null;
    List<String> seeds = new ArrayList<>();
    String config = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--role" -> role = value(args, ++i, "--role");
        case "--host" -> host = value(args, ++i, "--host");
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--seed-nodes" -> seeds.addAll(List.of(value(args, ++i, "--seed-nodes").split(",")));
        default -> {
          if (args[i].startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + args[i]
                + "; usage: --role learner|actor [--host H] [--port P] --seed-nodes H:P[,H:P] CONFIG");
          }
          config = args[i];
        }
      }
    }
    if (role == null) {
      throw new IllegalArgumentException("--role learner|actor is required");
    }
    int p = port != null ? port : "learner".equals(role) ? 2552 : 0;
    if (seeds.isEmpty() && "learner".equals(role)) {
      seeds.add(host + ":" + p);
    }
    Config file = config == null ? ConfigFactory.empty() : ConfigFactory.parseFile(Path.of(config).toFile()).resolve();
    AgentBuilder agent = NodeConfig.agent(file);
    RuntimeConfig runtime = NodeConfig.runtime(file);
    ClusterNode node = start(new Options(role, host, p, seeds), agent, runtime, printing(System.out));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.requestStop("signal");
      try {
        node.result().get(120, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("stop after signal did not finish: " + e);
      }
    }));
    RunResult r = node.result().get();
    if (r != null) {
      System.out.println("result " + r);
    }
    if (!node.close(java.time.Duration.ofSeconds(10))) {
      System.out.println("{\"event\":\"node_exit_without_clean_leave\"}");
    }
    // Native libraries (ND4J on the learner) may hold non-daemon threads: the run is over, exit.
    System.exit(0);
  }

  private static String value(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new IllegalArgumentException(opt + " needs a value");
    }
    return args[i];
  }
}
