package dev.mnemo.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actor nodes follow their learner's lifecycle, with every node a JVM of its own on 127.0.0.1 (the learner must
 * be killable): a learner killed with -9 and restarted with {@code --resume} on the same port is rejoined and
 * its counters go on past where they were; a learner gone for good leaves its actor node stopping by itself,
 * exit 0, within {@code learner_wait}. Every wait is on a condition with a generous bound (the machine is
 * shared); the timings are printed, never asserted.
 */
class LearnerLifecycleTest {

  static String conf(Path checkpoints, String learnerWait) {
    return String.join("\n",
        "kind = r2d2, runtime = cluster",
        "env = cartpole, seed = 42, num_envs = 4, burn_in = 4, trace_length = 8, sequence_period = 4,",
        "n_step = 2, gamma = 0.9, encoder_sizes = [16], lstm_size = 16, head_size = 16, batch_size = 8,",
        "learning_rate = 1e-3, replay_capacity = 400, min_replay_size = 16, samples_per_insert = 0.5,",
        "actor_refresh_steps = 25, target_period = 50, total_env_steps = 1000000000",
        "actors { workers = 1, envs_per_worker = 2, chunk_rows = 4, credits = 2, steps_per_tick = 10,",
        "  rate_limited = false, status_interval = 500ms, checkpoint_interval = 2s, learner_wait = " + learnerWait,
        "  checkpoint_dir = \"" + checkpoints.toString().replace("\\", "/") + "\" }");
  }

  @Test
  void aKilledLearnerResumedOnItsPortIsRejoinedAndTrainingGoesOn(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("node.conf");
    Files.writeString(conf, conf(dir.resolve("ckpt"), "120s"));
    int port = NodeJvm.freePort();
    String seed = "127.0.0.1:" + port;
    try (NodeJvm learner = NodeJvm.start(dir.resolve("learner1.log"), "--role", "learner", "--port", "" + port,
            conf.toString());
        NodeJvm actor = NodeJvm.start(dir.resolve("actor.log"), "--role", "actor", "--seed-nodes", seed,
            conf.toString())) {
      NodeJvm.await("the actor node starts its workers", 180, () -> !actor.events("workers_started").isEmpty(),
          learner, actor);
      NodeJvm.await("the learner writes a periodic checkpoint with updates", 180, () -> learner
          .events("checkpoint").stream().anyMatch(e -> NodeJvm.number(e, "updates") > 0), learner, actor);
      long[] before = learner.lastStatus().orElseThrow();
      long killedAt = System.currentTimeMillis();
      learner.process.destroyForcibly();
      assertTrue(learner.process.waitFor(30, TimeUnit.SECONDS), "killed learner exits");

      NodeJvm.await("the actor node notices the loss", 120, () -> !actor.events("learner_lost").isEmpty(), actor);
      long lostAt = NodeJvm.timeMs(actor.events("learner_lost").get(0));
      long restartedAt = System.currentTimeMillis();
      try (NodeJvm resumed = NodeJvm.start(dir.resolve("learner2.log"), "--role", "learner", "--port", "" + port,
          "--resume", conf.toString())) {
        NodeJvm.await("the learner resumes from its checkpoint", 180, () -> !resumed.events("resumed").isEmpty(),
            resumed);
        String r = resumed.events("resumed").get(0);
        assertTrue(NodeJvm.number(r, "updates") > 0 && NodeJvm.number(r, "env_steps") > 0,
            "counters restored, not restarted at 0: " + r);
        NodeJvm.await("the actor node rejoins the resumed learner", 180,
            () -> !actor.events("learner_rejoined").isEmpty(), resumed, actor);
        // Past both the last values the killed learner printed and the checkpoint's, by new env steps.
        long steps = Math.max(before[0], (long) NodeJvm.number(r, "env_steps")) + 500;
        long updates = Math.max(before[1], (long) NodeJvm.number(r, "updates"));
        NodeJvm.await("env steps pass " + steps + " and updates " + updates + " (before the kill: " + before[0]
            + ", " + before[1] + ")", 240, () -> resumed.lastStatus().map(s -> s[0] > steps && s[1] > updates)
            .orElse(false), resumed, actor);
        NodeJvm.await("the resumed learner sees the actor node's worker", 120, () -> resumed
            .events("workers_changed").stream().anyMatch(e -> e.contains("\"workers\":1")), resumed, actor);
        long rejoinedAt = NodeJvm.timeMs(actor.events("learner_rejoined").get(0));
        System.out.printf("learner killed: loss noticed after %.1f s; learner restarted %.1f s after the kill; "
            + "rejoined %.1f s after the restart (waited %.1f s in all)%n", (lostAt - killedAt) / 1e3,
            (restartedAt - killedAt) / 1e3, (rejoinedAt - restartedAt) / 1e3, (rejoinedAt - lostAt) / 1e3);
        assertTrue(actor.process.isAlive(), "the actor node kept going");

        // A signalled learner stops cleanly (the remote worker confirms its stop) without ending the run: the
        // actor node waits for it again instead of stopping.
        resumed.process.destroy();
        assertTrue(resumed.process.waitFor(120, TimeUnit.SECONDS), "signalled learner exits" + resumed.tail());
        assertTrue(resumed.events("stop_phase_timeout").isEmpty(), "no stop phase timed out" + resumed.tail());
        assertEquals(1, resumed.events("checkpoint").stream().filter(e -> e.contains("\"final\"")).count(),
            "final checkpoint written" + resumed.tail());
        NodeJvm.await("the actor node waits for the learner again", 120,
            () -> actor.events("learner_lost").size() >= 2 && actor.events("rejoining").size() >= 2, actor);
        assertTrue(actor.events("learner_lost").get(1).contains("stopping"), actor.tail() + resumed.tail());
        assertTrue(actor.events("actor_node_stopped").isEmpty(), "still waiting: " + actor.tail());
      }
    }
  }

  @Test
  void anActorNodeWhoseLearnerIsGoneForGoodStopsWithinTheWait(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("node.conf");
    Files.writeString(conf, conf(dir.resolve("ckpt"), "8s"));
    int port = NodeJvm.freePort();
    try (NodeJvm learner = NodeJvm.start(dir.resolve("learner.log"), "--role", "learner", "--port", "" + port,
            conf.toString());
        NodeJvm actor = NodeJvm.start(dir.resolve("actor.log"), "--role", "actor", "--seed-nodes",
            "127.0.0.1:" + port, conf.toString())) {
      NodeJvm.await("the learner receives env steps", 180,
          () -> learner.lastStatus().map(s -> s[0] > 0).orElse(false), learner, actor);
      long killedAt = System.currentTimeMillis();
      learner.process.destroyForcibly();
      // Noticing the loss takes Pekko's failure detector some seconds, then 8 s of waiting; the rest is margin.
      assertTrue(actor.process.waitFor(90, TimeUnit.SECONDS), "actor node stops by itself" + actor.tail());
      long exitedAt = System.currentTimeMillis();
      assertEquals(0, actor.process.exitValue(), actor.tail());
      List<String> stopped = actor.events("actor_node_stopped");
      assertEquals(1, stopped.size(), actor.tail());
      String s = stopped.get(0);
      assertTrue(s.contains("\"kind\":\"wait_expired\"") && s.contains("learner_wait"), s);
      assertTrue(NodeJvm.number(s, "waited_s") >= 7.9, s);
      assertTrue(NodeJvm.number(s, "env_steps") > 0 && NodeJvm.number(s, "sequences_sent") > 0, s);
      long lostAt = NodeJvm.timeMs(actor.events("learner_lost").get(0));
      System.out.printf("learner gone: loss noticed after %.1f s; actor_node_stopped %.1f s after the kill; "
          + "JVM exited %.1f s after the kill (learner_wait 8 s)%n", (lostAt - killedAt) / 1e3,
          (NodeJvm.timeMs(s) - killedAt) / 1e3, (exitedAt - killedAt) / 1e3);
    }
  }
}
