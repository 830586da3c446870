package dev.mnemo.learners.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * How a config names an algorithm ({@code kind = r2d2}): a {@link ServiceLoader} service, so the runtime and
 * the cluster node's entry point find every algorithm on the classpath without naming one. An algorithm
 * lists its kind in {@code META-INF/services/dev.mnemo.learners.agent.AgentKind}.
 */
public interface AgentKind {

  /** The config's {@code kind} value. */
  String kind();

  /**
   * The algorithm's builder from a flat experiment file's keys (the runtime's own keys, such as
   * {@code actors}, already removed), failing with the offending key on bad input.
   */
  AgentBuilder fromConfig(Map<String, ?> values);

  /** The kind registered as {@code name}, failing with the known kinds when none is. */
  static AgentKind named(String name) {
    List<String> known = new ArrayList<>();
    for (AgentKind k : ServiceLoader.load(AgentKind.class)) {
      if (k.kind().equals(name)) {
        return k;
      }
      known.add(k.kind());
    }
    throw new IllegalArgumentException("no algorithm of kind '" + name + "' on the classpath; known: " + known);
  }
}
