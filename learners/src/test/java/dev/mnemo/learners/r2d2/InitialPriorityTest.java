package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequencePriority;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code initial_priority} end to end in the {@link SynchronousTrainer}: the quick start acting for 2,000 env
 * steps with {@code min_replay_size} above what it inserts, so no update ever rewrites a priority and every
 * priority in the replay is the one its sequence entered with.
 */
class InitialPriorityTest {

  static final long STEPS = 2_000;

  /** A trainer that has acted {@value #STEPS} env steps, its config and builder. */
  record Acted(R2d2Config config, SynchronousTrainer trainer, R2d2Builder builder, AgentShapes shapes) {}

  static Acted actOnly(String mode) {
    Map<String, Object> m = SynchronousTrainerTest.tmaze10(true, STEPS).toMap();
    m.put("min_replay_size", 4_000);
    m.put("initial_priority", mode);
    R2d2Config c = R2d2Config.fromMap(m);
    SynchronousTrainer t = new SynchronousTrainer(c);
    TrainResult r = t.run(x -> { }, false);
    assertEquals(0, r.updates(), "no update may change a priority after insertion: " + r);
    assertTrue(t.replay().size() > 100, "sequences inserted: " + t.replay().size());
    R2d2Builder builder = new R2d2Builder(c);
    return new Acted(c, t, builder, builder.shapes(EnvRegistry.make(c.env()).spec()));
  }

  static SequenceBatch sample(PrioritizedSequenceReplay replay) throws InterruptedException {
    SequenceBatch b = replay.newBatch(64);
    assertTrue(replay.sample(b, 1, TimeUnit.SECONDS), "sample");
    return b;
  }

  /**
   * Each sequence stores the Q-values its actor computed at each of its steps (the kernel unrolled from the
   * stored state over the stored inputs gives them again), and it entered the replay at ActorPriority's TD
   * priority of exactly those Q-values, not at the replay's maximum.
   */
  @Test
  void actorSwitchInsertsEachSequenceAtTheTdPriorityOfTheQValuesItsActorActedWith() throws Exception {
    Acted acted = actOnly("actor");
    SynchronousTrainer t = acted.trainer();
    SequencePriority priority = acted.builder().newSequencePriority(acted.shapes());
    SequenceBatch b = sample(t.replay());
    assertTrue(b.hasLogits(), "with initial_priority = actor the sequences store the actor's Q-values");
    RecurrentQKernel kernel = new RecurrentQKernel(t.learner().spec(), 1);
    kernel.load(t.learner().snapshot()); // no update happened: the parameters the actors acted with
    int len = b.length();
    int na = b.numActions();
    int os = b.obsSize();
    float[] obs = new float[os];
    int[] prevAction = new int[1];
    float[] prevReward = new float[1];
    TreeSet<Float> distinct = new TreeSet<>();
    for (int row = 0; row < b.batchSize(); row++) {
      kernel.setState(0, b.state0, row * b.stateSize());
      for (int s = 0; s < len && b.mask[row * len + s] == 1f; s++) {
        int i = row * len + s;
        System.arraycopy(b.obs, i * os, obs, 0, os);
        prevAction[0] = b.prevActions[i];
        prevReward[0] = b.prevRewards[i];
        kernel.step(obs, prevAction, prevReward);
        for (int a = 0; a < na; a++) {
          assertEquals(kernel.qValues()[a], b.behaviourLogits[i * na + a], 1e-5f,
              "row " + row + " step " + s + " action " + a + ": stored Q is the actor's Q at that step");
        }
      }
      float expected = Math.max(priority.priority(b, row), 1e-6f);
      double held = t.replay().priority(b.slots[row], b.generations[row]);
      assertEquals(expected, held, 1e-7, "row " + row + ": the replay holds the actor-side priority");
      distinct.add((float) held);
    }
    assertTrue(distinct.size() > 10, "actor-side priorities differ between sequences (the maximum would be one"
        + " value): " + distinct);
  }

  /** {@code max}: no Q-values stored, no priority function, every sequence at the replay's initial maximum. */
  @Test
  void maxSwitchInsertsEverySequenceAtTheReplaysMaximumAndStoresNoQValues() throws Exception {
    Acted acted = actOnly("max");
    SynchronousTrainer t = acted.trainer();
    assertNull(acted.builder().newSequencePriority(acted.shapes()));
    assertFalse(acted.shapes().sequence().storeLogits(), "the sequence format of before: no behaviour logits");
    SequenceBatch b = sample(t.replay());
    assertFalse(b.hasLogits());
    for (int row = 0; row < b.batchSize(); row++) {
      assertEquals(1.0, t.replay().priority(b.slots[row], b.generations[row]), 0.0,
          "row " + row + ": the replay's initial maximum priority");
    }
    assertEquals(1.0, t.replay().stats().meanPriority(), 1e-12);
  }
}
