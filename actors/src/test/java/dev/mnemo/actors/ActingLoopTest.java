package dev.mnemo.actors;

import dev.mnemo.agents.r2d2.EpsilonGreedyQPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.ActingLoop;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.replay.SequenceBatch;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ActingLoopTest {
  private final TinyConfigs.R2d2Setup setup = TinyConfigs.setup(TinyConfigs.r2d2(1000));

  private ActingLoop loop(int n, dev.mnemo.replay.SequenceSink sink) {
    VectorEnv env = new VectorEnv("cartpole", n, 11L);
    RecurrentQKernel kernel = new RecurrentQKernel(setup.netSpec(), n);
    EpsilonGreedy policy = new EpsilonGreedy(EpsilonGreedy.apeXSchedule(0, n, n), 2, 3L);
    ActingLoop l = new ActingLoop(env, new EpsilonGreedyQPolicy(kernel, policy), setup.sequence(), sink, 10,
        setup.builder().newSequencePriority(setup.shapes()));
    l.load(new ParamSnapshot(new RecurrentQNetwork(setup.netSpec(), 5L).params(), 7));
    return l;
  }

  @Test
  void sequencesCarryActorIdsVersionAndZeroStateAtEpisodeStarts() throws Exception {
    int[] seen = new int[1];
    int[] starts = new int[1];
    int[] mid = new int[1];
    ActingLoop l = loop(3, (b, row, p) -> {
      seen[0]++;
      // TinyConfigs keeps the default initial_priority = actor: every sequence comes with its own priority.
      assertTrue(Float.isFinite(p) && p >= 0, "actor-side priority, not the replay's maximum (NaN): " + p);
      assertTrue(b.hasLogits(), "the sequence carries the Q-values its priority was computed from");
      assertTrue(b.actorIds[row] >= 10 && b.actorIds[row] < 13, "actor id " + b.actorIds[row]);
      assertEquals(7, b.paramVersions[row], "sequence records the loaded parameter version");
      int len = b.length();
      int h = b.stateSize();
      double norm = 0;
      for (int i = 0; i < h; i++) {
        norm += Math.abs(b.state0[row * h + i]);
      }
      if (b.episodeStarts[row * len] == 1f) {
        starts[0]++;
        assertEquals(0.0, norm, "a sequence that starts an episode stores the zero state");
        assertEquals(-1, b.prevActions[row * len], "no previous action at an episode start");
      } else {
        mid[0]++;
        assertTrue(norm > 0, "a sequence inside an episode stores the actor's recurrent state");
      }
    });
    for (int t = 0; t < 400; t++) {
      l.step();
    }
    assertEquals(400, l.vectorSteps());
    assertEquals(seen[0], l.emittedSequences(), "every emitted sequence reached the sink");
    assertTrue(starts[0] > 10 && mid[0] > 10, "both kinds of sequence seen: " + starts[0] + ", " + mid[0]);
    assertTrue(l.episodes() > 10, "CartPole episodes completed: " + l.episodes());
    assertTrue(l.returnSum() >= l.episodes(), "CartPole returns are at least 1 per episode");
  }

  @Test
  void steppingAllocatesNothingOnceWarm() throws Exception {
    ActingLoop l = loop(4, (b, row, p) -> { });
    for (int t = 0; t < 30_000; t++) { // long enough for C2 to compile the Vector API kernel
      l.step();
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    // On a loaded machine C2 may finish late: the best of three rounds must be allocation-free.
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 3 && allocated >= 4_096; round++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int t = 0; t < 5_000; t++) {
        l.step();
      }
      allocated = mx.getThreadAllocatedBytes(tid) - before;
    }
    assertTrue(allocated < 4_096, "5000 vector steps allocated " + allocated + " bytes");
  }

  @Test
  void mismatchedShapesAreRefused() {
    VectorEnv env = new VectorEnv("cartpole", 2, 1L);
    RecurrentQKernel kernel = new RecurrentQKernel(setup.netSpec(), 3);
    EpsilonGreedy policy = new EpsilonGreedy(new double[] {0.1, 0.2}, 2, 1L);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EpsilonGreedyQPolicy(kernel, policy));
    assertTrue(e.getMessage().contains("kernel batch 3 != epsilon rows 2"), e.getMessage());
    EpsilonGreedyQPolicy forThree = new EpsilonGreedyQPolicy(kernel, new EpsilonGreedy(new double[] {0.1, 0.2, 0.3},
        2, 1L));
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
        () -> new ActingLoop(env, forThree, setup.sequence(), (b, r, p) -> { }, 0, null));
    assertTrue(e2.getMessage().contains("env has 2 copies but the policy acts for 3"), e2.getMessage());
  }

  @Test
  void outboxGrowsPastItsRowsAndHandsOverOwnership() {
    SequenceOutbox box = new SequenceOutbox(setup.sequence(), 2);
    SequenceBatch one = new SequenceBatch(1, setup.sequence());
    for (int i = 0; i < 5; i++) {
      one.actorIds[0] = i;
      box.accept(one, 0, i);
    }
    assertTrue(box.full());
    SequenceChunk c = box.drain();
    assertEquals(5, c.count(), "a full outbox still takes sequences (one step can finish several)");
    for (int i = 0; i < 5; i++) {
      assertEquals(i, c.batch().actorIds[i], "row order kept");
      assertEquals(i, c.priorities()[i]);
    }
    assertEquals(0, box.size());
    box.accept(one, 0, 9f);
    assertTrue(c.batch() != box.drain().batch(), "a drained batch is never written again");
    box.accept(one, 0, 1f);
    assertEquals(1, box.discard());
    assertSame(0, box.size());
  }

  @Test
  void outboxWithHeadroomNeverGrowsAndReusesOnlyAcknowledgedBatches() {
    var seq = setup.sequence();
    int perStep = SequenceOutbox.maxSequencesPerStep(seq, 2);
    assertEquals(2 * (1 + (seq.length() + seq.period() - 1) / seq.period()), perStep);
    SequenceOutbox box = new SequenceOutbox(seq, 2, perStep, 1);
    SequenceBatch one = new SequenceBatch(1, seq);
    for (int i = 0; i < 1 + perStep; i++) { // one short of full, then a step's worth at once
      one.actorIds[0] = i;
      box.accept(one, 0, i);
    }
    SequenceChunk first = box.drain();
    assertEquals(1 + perStep, first.count());
    assertEquals(2 + perStep, first.batch().batchSize(), "the headroom absorbed the step: no growth");
    box.accept(one, 0, 1f);
    SequenceChunk second = box.drain();
    assertTrue(second.batch() != first.batch(), "an unacknowledged batch is never reused");
    box.recycle(first);
    box.accept(one, 0, 5f);
    assertTrue(box.drain().batch() != first.batch(), "the batch started before the ack is filled first");
    box.accept(one, 0, 7f);
    SequenceChunk fourth = box.drain();
    assertSame(first.batch(), fourth.batch(), "an acknowledged batch is reused");
    assertEquals(1, fourth.count());
    assertEquals(7f, fourth.priorities()[0]);
    // a grown batch is not kept: the outbox's batches keep their size
    SequenceOutbox small = new SequenceOutbox(seq, 1, 0, 4);
    small.accept(one, 0, 1f);
    small.accept(one, 0, 2f);
    SequenceChunk grown = small.drain();
    assertEquals(2, grown.count());
    small.recycle(grown);
    small.accept(one, 0, 3f);
    assertTrue(small.drain().batch() != grown.batch(), "a batch that grew is left to the GC");
  }

  @Test
  void repeatedOverflowsAfterDiscardDoNotGrowTheBatchWithoutBound() {
    SequenceOutbox box = new SequenceOutbox(setup.sequence(), 2);
    SequenceBatch one = new SequenceBatch(1, setup.sequence());
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 3; i++) {
        box.accept(one, 0, i);
      }
      box.discard();
    }
    for (int i = 0; i < 3; i++) {
      box.accept(one, 0, i);
    }
    assertTrue(box.drain().batch().batchSize() <= 4, "the batch grows to what one overflow needs, not per overflow");
  }
}
