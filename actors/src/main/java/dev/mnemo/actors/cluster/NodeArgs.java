package dev.mnemo.actors.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a node ({@code mnemo node} forwards its arguments here).
 *
 * @param options role, host, port and seed nodes
 * @param config the experiment file
 * @param resume continue the learner from the checkpoints in its {@code actors.checkpoint_dir}
 * @param insecure allow a non-loopback {@code --host} without {@code actors.tls} ({@link BindPolicy})
 */
public record NodeArgs(ClusterNode.Options options, Path config, boolean resume, boolean insecure) {

  /**
   * Parses {@code --role learner|actor [--host H] [--port P] [--seed-nodes H:P[,H:P]] [--resume] [--insecure] CONFIG}. The
   * learner's port defaults to 2552 and its seed node to itself; an actor's port to 0 (any free one).
   *
   * @throws IllegalArgumentException naming the argument and what was expected
   */
  public static NodeArgs parse(String[] args) {
    String role = null;
    String host = "127.0.0.1";
    Integer port = null;
    List<String> seeds = new ArrayList<>();
    String config = null;
    boolean resume = false;
    boolean insecure = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--role" -> role = value(args, ++i, "--role");
        case "--host" -> host = value(args, ++i, "--host");
        case "--port" -> {
          String v = value(args, ++i, "--port");
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port expects an integer in [0, 65535], got '" + v + "'");
          }
        }
        case "--seed-nodes" -> seeds.addAll(List.of(value(args, ++i, "--seed-nodes").split(",")));
        case "--resume" -> resume = true;
        case "--insecure" -> insecure = true;
        default -> {
          if (args[i].startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + args[i]);
          }
          if (config != null) {
            throw new IllegalArgumentException("one CONFIG expected, got '" + config + "' and '" + args[i] + "'");
          }
          config = args[i];
        }
      }
    }
    if (role == null) {
      throw new IllegalArgumentException("--role learner|actor is required");
    }
    if (!"learner".equals(role) && !"actor".equals(role)) {
      throw new IllegalArgumentException("--role must be learner or actor, got " + role);
    }
    if (config == null) {
      throw new IllegalArgumentException("CONFIG (an experiment file) is required");
    }
    boolean learner = "learner".equals(role);
    if (resume && !learner) {
      throw new IllegalArgumentException("--resume is for the learner node (an actor node keeps no state; it "
          + "rejoins a resumed learner by itself)");
    }
    int p = port != null ? port : learner ? 2552 : 0;
    if (seeds.isEmpty() && learner) {
      seeds.add(host + ":" + p);
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("an actor node needs --seed-nodes HOST:PORT (the learner's address)");
    }
    return new NodeArgs(new ClusterNode.Options(role, host, p, seeds), Path.of(config), resume, insecure);
  }

  private static String value(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new IllegalArgumentException(opt + " needs a value");
    }
    return args[i];
  }
}
