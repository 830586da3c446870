package dev.mnemo.actors.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cluster node ({@link ClusterNode#main}) in a JVM of its own on 127.0.0.1, its stdout and stderr in a
 * log file that tests read as the node's record (events are JSON lines, status lines start with
 * {@code status}).
 */
final class NodeJvm implements AutoCloseable {
  private static final Pattern STATUS = Pattern.compile("^status .*env_steps=(\\d+) .*updates=(\\d+) ");

  final Process process;
  final Path log;

  private NodeJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts {@code ClusterNode} with {@code args}, writing everything it prints to {@code log}. */
  static NodeJvm start(Path log, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        ClusterNode.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return new NodeJvm(pb.start(), log);
  }

  List<String> lines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      return List.of(); // being written: read again on the next poll
    }
  }

  /** The lines that are events of this kind. */
  List<String> events(String kind) {
    String tag = "{\"event\":\"" + kind + "\"";
    return lines().stream().filter(l -> l.startsWith(tag)).toList();
  }

  /** The event's time_ms. */
  static long timeMs(String event) {
    Matcher m = Pattern.compile("\"time_ms\":(\\d+)").matcher(event);
    if (!m.find()) {
      throw new AssertionError("no time_ms in " + event);
    }
    return Long.parseLong(m.group(1));
  }

  /** A numeric field of an event line. */
  static double number(String event, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.Ee+-]+)").matcher(event);
    if (!m.find()) {
      throw new AssertionError("no " + key + " in " + event);
    }
    return Double.parseDouble(m.group(1));
  }

  /** env steps and updates of the last status line, if any. */
  Optional<long[]> lastStatus() {
    List<String> ls = lines();
    for (int i = ls.size() - 1; i >= 0; i--) {
      Matcher m = STATUS.matcher(ls.get(i));
      if (m.find()) {
        return Optional.of(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    }
    return Optional.empty();
  }

  String tail() {
    List<String> ls = lines();
    return "\n--- " + log.getFileName() + " (last lines)\n"
        + String.join("\n", ls.subList(Math.max(0, ls.size() - 40), ls.size()));
  }

  /** Waits (polling) until {@code cond} holds; fails with the nodes' logs after {@code seconds}. */
  static void await(String what, long seconds, BooleanSupplier cond, NodeJvm... nodes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    StringBuilder b = new StringBuilder();
    for (NodeJvm n : nodes) {
      if (n != null) {
        b.append(n.tail());
      }
    }
    fail("timed out after " + seconds + " s waiting until " + what + b);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
