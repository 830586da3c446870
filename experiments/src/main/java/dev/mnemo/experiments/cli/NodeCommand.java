package dev.mnemo.experiments.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.cluster.ClusterNode;
import dev.mnemo.actors.cluster.NodeArgs;
import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.run.RunConfigLoader;
import dev.mnemo.experiments.run.RunKindRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mnemo node}: one member of a cluster run (learner or actor role), until the run ends. The config is
 * validated like {@code mnemo run}'s (every problem at once, each naming file:line, key and value) before
 * anything starts; then {@link ClusterNode#run} runs the node and gives the exit code.
 */
@Command(name = "node", mixinStandardHelpOptions = false,
    description = {"Starts a cluster node of a run and blocks until the node stops.",
        "  mnemo node --role learner [--host 127.0.0.1] [--port 2552] [--resume] [--insecure] CONFIG",
        "  mnemo node --role actor --seed-nodes 127.0.0.1:2552 [--port 0] CONFIG",
        "CONFIG is an experiment file (configs/quickstart.conf works; its runtime key is ignored); an optional "
            + "actors { workers, envs_per_worker, chunk_rows, credits, steps_per_tick, rate_limited, status_interval, "
            + "max_restarts, restart_window, checkpoint_dir, checkpoint_interval, checkpoint_keep, learner_wait, tls } "
            + "block sets the runtime. Binds 127.0.0.1 unless --host says otherwise.",
        "Any other --host needs actors.tls { enabled = true, key_store, key_store_password, trust_store, "
            + "trust_store_password, protocol = TLSv1.3 } (Artery TLS, mutual authentication: only nodes whose "
            + "certificate is in the trust store can join) or --insecure (plain TCP on a network you trust); "
            + "without either the node refuses to start (exit 2).",
        "--resume (learner): continue from the checkpoints in actors.checkpoint_dir (refused, exit 2, if they "
            + "cannot be resumed). An actor node whose learner is lost keeps trying to rejoin one at the seed "
            + "address for actors.learner_wait (default 60s), then stops with exit 0; it stops at once when the "
            + "learner ends the run.",
        "Exit codes: 0 stopped as designed, 1 the run failed (actor: its workers gave up), 2 bad usage or invalid "
            + "config, 143 a learner stopped by SIGTERM after its final checkpoint."})
final class NodeCommand implements Callable<Integer> {

  private final RunKindRegistry kinds;
  /** The node prints its events and status lines here as it runs (not through picocli's buffered writers). */
  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "ARGS",
      description = "--role, --host, --port, --seed-nodes, --resume, --insecure, CONFIG")
  List<String> args = List.of();

  NodeCommand(RunKindRegistry kinds, PrintStream out, PrintStream err) {
    this.kinds = kinds;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
      spec.commandLine().usage(args.isEmpty() ? spec.commandLine().getErr() : spec.commandLine().getOut());
      return args.isEmpty() ? MnemoCli.USAGE : MnemoCli.OK;
    }
    String[] argv = args.toArray(String[]::new);
    NodeArgs a;
    try {
      a = NodeArgs.parse(argv);
    } catch (IllegalArgumentException e) {
      err.println("mnemo node: " + e.getMessage());
      err.println("mnemo node: " + ClusterNode.USAGE);
      return MnemoCli.USAGE;
    }
    try {
      new RunConfigLoader(kinds).load(a.config(), RunConfigLoader.nameOf(a.config()), overrides(a));
    } catch (InvalidConfigException e) {
      err.println("mnemo node: " + e.getMessage());
      return MnemoCli.USAGE;
    }
    return ClusterNode.run(argv, out, err);
  }

  /**
   * A node ignores {@code runtime} (its role says how it runs; files say {@code cluster}, {@code sync} or
   * nothing), and a node file may leave {@code kind} to its default, r2d2: both are set for validation only.
   */
  private static List<String> overrides(NodeArgs a) {
    List<String> sets = new ArrayList<>(List.of("runtime=local"));
    try {
      if (!ConfigFactory.parseFile(a.config().toFile()).hasPath("kind")) {
        sets.add("kind=r2d2");
      }
    } catch (ConfigException e) {
      // the loader reports the syntax error with its line
    }
    return sets;
  }
}
