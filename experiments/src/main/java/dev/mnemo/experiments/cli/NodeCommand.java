package dev.mnemo.experiments.cli;

import dev.mnemo.actors.cluster.ClusterNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mnemo node}: one member of a cluster run (learner or actor role), until the run ends. */
@Command(name = "node", mixinStandardHelpOptions = false,
    description = {"Starts a cluster node of an R2D2 run and blocks until the run ends.",
        "  mnemo node --role learner [--host 127.0.0.1] [--port 2552] CONFIG",
        "  mnemo node --role actor --seed-nodes 127.0.0.1:2552 [--port 0] CONFIG",
        "CONFIG is an experiment file (configs/quickstart.conf works); an optional actors { workers, "
            + "envs_per_worker, chunk_rows, credits, steps_per_tick, rate_limited, status_interval, "
            + "max_restarts, restart_window, checkpoint_dir } block sets the runtime. Binds 127.0.0.1 unless --host says otherwise."})
final class NodeCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "ARGS", description = "--role, --host, --port, --seed-nodes, CONFIG")
  List<String> args = List.of();

  @Override
  public Integer call() throws Exception {
    if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
      picocli.CommandLine cl = new picocli.CommandLine(this);
      cl.usage(System.err);
      return args.isEmpty() ? MnemoCli.USAGE : MnemoCli.OK;
    }
    // Exits the JVM itself when the run is over (native libraries may hold non-daemon threads).
    ClusterNode.main(args.toArray(String[]::new));
    return MnemoCli.OK;
  }
}
