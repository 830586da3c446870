package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.SynchronousTrainer;
import dev.mnemo.learners.r2d2.TrainResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end: a tiny synchronous R2D2 run (a few hundred env steps; not a learning test) against a
 * loopback Gym HTTP env. Because the env is bit-identical through HTTP and the trainer is deterministic
 * for a seed, the run must also end with exactly the learner parameters of the same run in-process.
 */
class GymHttpR2d2Test {

  private static R2d2Config tiny(String env) {
    return R2d2Config.fromMap(Map.ofEntries(
        Map.entry("env", env), Map.entry("seed", 3), Map.entry("num_envs", 2),
        Map.entry("burn_in", 2), Map.entry("trace_length", 4), Map.entry("sequence_period", 2),
        Map.entry("n_step", 3), Map.entry("gamma", 0.99), Map.entry("encoder_sizes", List.of(16)),
        Map.entry("core_size", 16), Map.entry("head_size", 16), Map.entry("batch_size", 8),
        Map.entry("learning_rate", 1e-3), Map.entry("adam_epsilon", 1e-5), Map.entry("target_period", 50),
        Map.entry("replay_capacity", 500), Map.entry("min_replay_size", 16), Map.entry("samples_per_insert", 2.0),
        Map.entry("actor_refresh_steps", 20), Map.entry("total_env_steps", 400), Map.entry("eval_interval", 400),
        Map.entry("eval_episodes", 4)));
  }

  @Test
  void synchronousR2d2RunsAgainstALoopbackGymHttpEnvExactlyAsInProcess() throws Exception {
    String id = "tmaze?length=3";
    TrainResult local;
    float[] localParams;
    {
      SynchronousTrainer t = new SynchronousTrainer(tiny(id));
      local = t.run(m -> { }, false);
      localParams = t.learner().snapshot().params();
    }
    try (GymHttpServer server = GymHttpServer.start(0)) {
      SynchronousTrainer t = new SynchronousTrainer(tiny(GymHttpEnv.id(server.uri(), id)));
      TrainResult remote = t.run(m -> { }, false);
      assertTrue(remote.envSteps() >= 400 && remote.updates() > 0 && remote.episodes() > 0,
          "the run must act, learn and finish episodes: " + remote);
      assertTrue(server.stepsServed() >= 400, "every env step went through HTTP, served "
          + server.stepsServed());
      assertEquals(local.envSteps(), remote.envSteps(), "env steps");
      assertEquals(local.updates(), remote.updates(), "learner updates");
      assertEquals(local.episodes(), remote.episodes(), "episodes");
      assertEquals(local.evalMeanReturn(), remote.evalMeanReturn(), "greedy evaluation return");
      assertArrayEquals(localParams, t.learner().snapshot().params(),
          "the learner saw the same data through HTTP, so it ends with the same parameters");
      assertEquals(0, server.instanceCount(), "the trainer closed its envs and the evaluators theirs");
    }
  }
}
