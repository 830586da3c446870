package dev.mnemo.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.ActingPolicy;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceBoundary;
import dev.mnemo.replay.SequenceConfig;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The proof that the runtime is generic: a second, toy algorithm, written here in the test and unknown to
 * the {@code actors} module, runs through {@code runtime = local} (env workers, replay and learner services,
 * parameter server) with no edit of the runtime. The toy estimates the mean reward of each action from the
 * replayed steps and acts epsilon-greedily on that table; its recurrent state is one float, the step index
 * within the episode, so the test can check that the opaque state the actors stored arrives consistent.
 */
class ToyAlgorithmOnTheGenericRuntimeTest {

  /** What the toy's learner saw, for the assertions (written by the learner thread, read after the run). */
  static final class Seen {
    final AtomicLong stepsCounted = new AtomicLong();
    final AtomicLong statesChecked = new AtomicLong();
    final AtomicLong stateViolations = new AtomicLong();
    final java.util.concurrent.atomic.AtomicReference<MeanRewardLearner> learner =
        new java.util.concurrent.atomic.AtomicReference<>();
  }

  /** Mean reward per action, learned from replay; acting epsilon-greedy on it. */
  record MeanRewardBuilder(String envId, long seed, long totalEnvSteps, Seen seen) implements AgentBuilder {

    @Override
    public String algorithm() {
      return "toy-mean-reward";
    }

    @Override
    public AgentBuilder withSeed(long s) {
      return new MeanRewardBuilder(envId, s, totalEnvSteps, seen);
    }

    @Override
    public int actorRefreshSteps() {
      return 20;
    }

    @Override
    public AgentShapes shapes(EnvSpec env) {
      return new AgentShapes(env, env.numActions(), new SequenceConfig(0, 4, 0, 4, env.obsSize(), 1,
          env.numActions(), false, false, SequenceBoundary.EPISODE));
    }

    @Override
    public ReplayConfig replayConfig(AgentShapes shapes, boolean rateLimited) {
      return ReplayConfig.r2d2(500, shapes.sequence(), RateLimiterConfig.minSize(8), seed);
    }

    @Override
    public Learner newLearner(AgentShapes shapes) {
      MeanRewardLearner l = new MeanRewardLearner(shapes.env().numActions(), seen);
      seen.learner.set(l);
      return l;
    }

    @Override
    public ActingPolicy newPolicy(AgentShapes shapes, int first, int count, int total, long s) {
      return new TableEpsilonGreedy(count, shapes.env().numActions(), s);
    }

    @Override
    public Evaluator newEvaluator(AgentShapes shapes) {
      return null;
    }

    @Override
    public Evaluator newEvaluator(AgentShapes shapes, int episodes) {
      return null;
    }
  }

  static final class MeanRewardLearner implements Learner {
    private final float[] mean;
    private final long[] count;
    private final Seen seen;
    private long updates;

    MeanRewardLearner(int actions, Seen seen) {
      this.mean = new float[actions];
      this.count = new long[actions];
      this.seen = seen;
    }

    @Override
    public int batchSize() {
      return 8;
    }

    @Override
    public float[] step(SequenceBatch b) {
      int len = b.length();
      for (int row = 0; row < b.batchSize(); row++) {
        // The stored state is the step index within the episode: 0 exactly at an episode start.
        float s0 = b.state0[row];
        boolean atStart = b.episodeStarts[row * len] == 1f;
        seen.statesChecked.incrementAndGet();
        if (atStart != (s0 == 0f) || s0 < 0) {
          seen.stateViolations.incrementAndGet();
        }
        for (int t = 0; t < len; t++) {
          int i = row * len + t;
          if (b.mask[i] == 1f) {
            int a = b.actions[i];
            count[a]++;
            mean[a] += (b.rewards[i] - mean[a]) / count[a];
            seen.stepsCounted.incrementAndGet();
          }
        }
      }
      updates++;
      float[] p = new float[b.batchSize()];
      java.util.Arrays.fill(p, 1f);
      return p;
    }

    @Override
    public long updates() {
      return updates;
    }

    @Override
    public ParamSnapshot snapshot() {
      return new ParamSnapshot(mean.clone(), updates);
    }

    @Override
    public void save(Path file) {
      throw new UnsupportedOperationException("the toy keeps no checkpoint");
    }

    @Override
    public void restore(Path file) {
      throw new UnsupportedOperationException("the toy keeps no checkpoint");
    }
  }

  /** Epsilon 0.5 around the argmax of the table; state = steps since the episode started. */
  static final class TableEpsilonGreedy implements ActingPolicy {
    private final int n;
    private final int actions;
    private final SplittableRandom rng;
    private final float[] state;
    private final float[] before;
    private float[] table;
    private long version = -1;

    TableEpsilonGreedy(int n, int actions, long seed) {
      this.n = n;
      this.actions = actions;
      this.rng = new SplittableRandom(seed);
      this.state = new float[n];
      this.before = new float[n];
      this.table = new float[actions];
    }

    @Override
    public int batch() {
      return n;
    }

    @Override
    public int stateSize() {
      return 1;
    }

    @Override
    public void load(ParamSnapshot snapshot) {
      table = snapshot.params().clone();
      version = snapshot.version();
    }

    @Override
    public long paramVersion() {
      return version;
    }

    @Override
    public void act(float[] obs, int[] prevAction, float[] prevReward, int[] out) {
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int a = 1; a < actions; a++) {
          if (table[a] > table[best]) {
            best = a;
          }
        }
        out[i] = rng.nextDouble() < 0.5 ? rng.nextInt(actions) : best;
        before[i] = state[i];
        state[i] += 1f;
      }
    }

    @Override
    public void copyStateBefore(int env, float[] dst, int off) {
      dst[off] = before[env];
    }

    @Override
    public void resetState(int env) {
      state[env] = 0f;
    }

    @Override
    public void resetAllStates() {
      java.util.Arrays.fill(state, 0f);
    }
  }

  @Test
  void aToyAlgorithmRunsThroughTheLocalRuntimeUntouched() throws Exception {
    Seen seen = new Seen();
    // CartPole pays 1 per step whatever the action: both estimates must come out exactly 1.
    MeanRewardBuilder toy = new MeanRewardBuilder("cartpole", 3L, 6_000, seen);
    RecordingListener events = new RecordingListener();
    RunResult r = LocalRuntime.run(TinyConfigs.runtime(2, 2), toy, events);
    assertTrue(r.envSteps() >= 6_000, "the budget ends the run: " + r);
    assertTrue(r.updates() > 10, "the toy learner trained on replayed batches: " + r);
    assertTrue(seen.stepsCounted.get() > 100, "steps reached the learner: " + seen.stepsCounted);
    assertTrue(seen.statesChecked.get() > 10, "stored states were checked: " + seen.statesChecked);
    assertEquals(0, seen.stateViolations.get(), "the opaque state the actors stored arrived consistent");
    float[] table = seen.learner.get().snapshot().params();
    assertEquals(1f, table[0], 0f, "mean reward of action 0 on CartPole");
    assertEquals(1f, table[1], 0f, "mean reward of action 1 on CartPole");
    assertEquals("toy-mean-reward", events.events("runtime_started").get(0).get("algorithm"));
    assertTrue(events.events("worker_restart").isEmpty(), "no worker failed: " + events.events("worker_restart"));
  }
}
