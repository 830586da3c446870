package dev.mnemo.actors;

import dev.mnemo.learners.r2d2.R2d2Builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.actors.cluster.ClusterNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner node in this JVM and actor nodes as separate JVMs on 127.0.0.1: sequences arrive, a killed
 * actor JVM is noticed while the learner keeps training, a new actor JVM is used, totals add up.
 */
class ClusterRuntimeTest {

  static final String TINY_CONF = String.join("\n",
      "kind = r2d2, runtime = cluster",
      "env = cartpole, seed = 42, num_envs = 4, burn_in = 4, trace_length = 8, sequence_period = 4,",
      "n_step = 2, gamma = 0.9, encoder_sizes = [16], lstm_size = 16, head_size = 16, batch_size = 8,",
      "learning_rate = 1e-3, replay_capacity = 400, min_replay_size = 16, samples_per_insert = 0.5,",
      "actor_refresh_steps = 25, target_period = 50, total_env_steps = 1000000000",
      "actors { workers = 1, envs_per_worker = 2, chunk_rows = 4, credits = 2, steps_per_tick = 10,",
      "  rate_limited = false }");

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Process startActorJvm(int learnerPort, Path conf, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(), "--role", "actor", "--port", "0",
        "--seed-nodes", "127.0.0.1:" + learnerPort, conf.toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  static void await(String what, long seconds, BooleanSupplier cond, Path... logs) throws Exception {
    // Logs are shown when the wait fails: the child JVMs print their events as JSON lines.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    StringBuilder b = new StringBuilder();
    for (Path l : logs) {
      if (Files.exists(l)) {
        List<String> lines = Files.readAllLines(l);
        b.append("\n--- ").append(l.getFileName()).append(" (last lines)\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
      }
    }
    fail("timed out after " + seconds + " s waiting until " + what + b);
  }

  @Test
  void actorJvmsJoinDieAndRejoinWhileTheLearnerKeepsTraining(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("tiny.conf");
    Files.writeString(conf, TINY_CONF);
    int port = freePort();
    RecordingListener events = new RecordingListener();
    RuntimeConfig rc = TinyConfigs.runtime(0, 2).withRateLimited(false);
    ClusterNode learner = ClusterNode.start(new ClusterNode.Options("learner", "127.0.0.1", port,
        List.of("127.0.0.1:" + port)), new R2d2Builder(TinyConfigs.r2d2(1_000_000_000L)), rc, events);
    Process first = null;
    Process second = null;
    Path log1 = dir.resolve("actor1.log");
    Path log2 = dir.resolve("actor2.log");
    try {
      RuntimeCounters c = learner.counters();
      first = startActorJvm(port, conf, log1);
      await("the first actor JVM delivers sequences", 90, () -> c.sequencesInserted() > 100, log1);
      assertFalse(events.events("member_up").isEmpty(), "membership events: " + events.events);

      first.destroyForcibly();
      assertTrue(first.waitFor(20, TimeUnit.SECONDS), "killed JVM exits");
      await("the dead actor node is removed", 60, () -> !events.events("member_removed").isEmpty(), log1);
      long receivedAfterDeath = c.sequencesReceived();
      long updatesAtRemoval = c.updates();
      await("the learner keeps training on what replay holds", 60, () -> c.updates() >= updatesAtRemoval + 3);
      assertEquals(receivedAfterDeath, c.sequencesReceived(), "nothing arrives while no actor node is up");

      second = startActorJvm(port, conf, log2);
      await("a new actor JVM contributes", 90, () -> c.sequencesReceived() > receivedAfterDeath + 100, log2);

      learner.requestStop("test done");
      RunResult r = learner.result().get(60, TimeUnit.SECONDS);
      assertEquals(0, r.sequenceAnomalies(), "no chunk duplicated or missing inside any worker's stream");
      assertEquals(r.sequencesReceived(), r.sequencesInserted() + r.sequencesDroppedAtStop(),
          "received = inserted + dropped at stop");
      assertTrue(r.updates() > updatesAtRemoval, "updates continued");
      assertTrue(events.events("stop_phase_timeout").isEmpty(), "the remote worker confirmed its stop: "
          + events.events("stop_phase_timeout"));
      Process last = second;
      await("the actor JVM stops when the learner stops the run", 45, () -> !last.isAlive(), log2);
      assertEquals(0, last.exitValue(), "actor node exit code");
      List<String> stopped = Files.readAllLines(log2).stream()
          .filter(l -> l.startsWith("{\"event\":\"actor_node_stopped\"")).toList();
      assertEquals(1, stopped.size(), "one actor_node_stopped: " + stopped);
      assertTrue(stopped.get(0).contains("\"kind\":\"run_over\"") && stopped.get(0).contains("test done"),
          stopped.get(0));
      // The dead node's registrations leave the Receptionist listing either in a listing of their own (2 -> 0, then
      // 0 -> 2 for the new node) or in the same listing update that brings the new node's (2 -> 2, a new set):
      // both orders are correct, so the test asks for a first registration and a later change away from it.
      List<Map<String, Object>> changes = events.events("workers_changed");
      assertTrue(changes.size() >= 2 && changes.stream().skip(1)
          .anyMatch(e -> ((Number) e.get("previous")).intValue() > 0), "worker registrations came and went: " + changes);
    } finally {
      for (Process p : new Process[] {first, second}) {
        if (p != null && p.isAlive()) {
          p.destroyForcibly();
        }
      }
      learner.close();
    }
  }
}
