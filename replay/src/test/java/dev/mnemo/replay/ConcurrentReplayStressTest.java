package dev.mnemo.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Several actor threads with their own adders insert while a learner samples and an updater thread
 * sends priority updates (some of them stale). Every value of every step is a function of (actor,
 * episode, step), so a sampled row proves it is one whole sequence, cut correctly, never torn.
 */
class ConcurrentReplayStressTest {
  static final SequenceConfig CFG = new SequenceConfig(2, 4, 1, 2, 4, 2, 3, false, true,
      SequenceBoundary.EPISODE); // T = 7
  static final int ACTORS = 4;
  static final int BATCH = 16;

  static float check(int a, int ep, int step) {
    return (a * 7919 + ep * 104729 + step * 31) % 10007;
  }

  static int action(int a, int ep, int step) {
    return (a + ep + step) % 3;
  }

  static float reward(int a, int ep, int step) {
    return a + 0.5f * step - 0.01f * ep;
  }

  static float state(int a, int ep, int step, int i) {
    return step == 0 ? 0f : a * 100 + ep + step * 0.001f + i;
  }

  static void produce(int a, PrioritizedSequenceReplay replay, AtomicBoolean stop, SequenceAdder adder) {
    Random rnd = new Random(a);
    float[] obs = new float[4];
    float[] st = new float[2];
    float[] logits = new float[3];
    try {
      for (int ep = 0; !stop.get(); ep++) {
        adder.setParamVersion(ep);
        int length = 1 + rnd.nextInt(20);
        boolean truncated = rnd.nextBoolean();
        for (int t = 0; t < length; t++) {
          obs[0] = a;
          obs[1] = ep;
          obs[2] = t;
          obs[3] = check(a, ep, t);
          for (int i = 0; i < 2; i++) {
            st[i] = state(a, ep, t, i);
          }
          for (int k = 0; k < 3; k++) {
            logits[k] = obs[3] + k;
          }
          boolean last = t == length - 1;
          adder.add(obs, 0, action(a, ep, t), reward(a, ep, t), last && !truncated, last && truncated, st,
              0, logits, 0);
        }
        obs[2] = length;
        adder.endEpisode(obs, 0);
      }
    } catch (IllegalStateException closed) {
      // The replay was closed at the end of the test: the actor stops.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Checks one sampled row against the generating functions; throws AssertionError on any mismatch. */
  static void verifyRow(SequenceBatch b, int row, int capacity) {
    int t = b.length();
    int base = row * t;
    int a = (int) b.obs[base * 4];
    int ep = (int) b.obs[base * 4 + 1];
    int start = (int) b.obs[base * 4 + 2];
    String id = "sequence (actor " + a + ", episode " + ep + ", start " + start + ")";
    assertEquals(0, start % CFG.period(), id + " does not start at a multiple of the period");
    assertEquals(a, b.actorIds[row], id + ": actorId");
    assertEquals(ep, b.paramVersions[row], id + ": paramVersion");
    assertEquals(b.slots[row], (int) (b.generations[row] % capacity), id + ": slot vs generation");
    for (int i = 0; i < 2; i++) {
      assertEquals(state(a, ep, start, i), b.state0[row * 2 + i], id + ": state0");
    }
    int real = b.realSteps(row);
    assertTrue(real > CFG.burnIn(), id + " has no trained step: " + real + " real steps");
    for (int k = 0; k < t; k++) {
      int i = base + k;
      if (k < real) {
        int step = start + k;
        assertEquals(1f, b.mask[i], id + ": mask is not a prefix of ones");
        assertEquals(a, b.obs[i * 4], id + " step " + k + ": actor (torn)");
        assertEquals(ep, b.obs[i * 4 + 1], id + " step " + k + ": episode (crossed or torn)");
        assertEquals(step, b.obs[i * 4 + 2], id + " step " + k + ": step index");
        assertEquals(check(a, ep, step), b.obs[i * 4 + 3], id + " step " + k + ": checksum");
        assertEquals(action(a, ep, step), b.actions[i], id + " step " + k + ": action");
        assertEquals(reward(a, ep, step), b.rewards[i], id + " step " + k + ": reward");
        assertEquals(step == 0 ? -1 : action(a, ep, step - 1), b.prevActions[i], id + ": prevAction");
        assertEquals(check(a, ep, step) + 2, b.behaviourLogits[i * 3 + 2], id + ": logits");
      } else {
        assertEquals(0f, b.mask[i], id + ": padding mask");
        assertEquals(0f, b.discounts[i], id + ": padding discount");
      }
    }
  }

  @Test
  void producersSamplerAndUpdaterNeverLoseOrTearASequence() throws Exception {
    int capacity = 256;
    ReplayConfig cfg = new ReplayConfig(capacity, CFG, 0.9, 0.6, 1.0, 1e-6,
        RateLimiterConfig.withTolerance(64, 2.0, 0.5, BATCH), 17);
    PrioritizedSequenceReplay replay = new PrioritizedSequenceReplay(cfg);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<SequenceAdder> adders = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int a = 0; a < ACTORS; a++) {
      SequenceAdder adder = new SequenceAdder(CFG, replay, a);
      adders.add(adder);
      int actor = a;
      threads.add(new Thread(() -> {
        try {
          produce(actor, replay, stop, adder);
        } catch (Throwable t) {
          error.compareAndSet(null, t);
        }
      }, "actor-" + a));
    }
    ConcurrentLinkedQueue<long[]> keys = new ConcurrentLinkedQueue<>();
    AtomicLong batches = new AtomicLong();
    threads.add(new Thread(() -> {
      SequenceBatch b = replay.newBatch(BATCH);
      try {
        while (!stop.get()) {
          if (replay.sample(b, 20, TimeUnit.MILLISECONDS)) {
            for (int k = 0; k < BATCH; k++) {
              verifyRow(b, k, capacity);
              keys.add(new long[] {b.slots[k], b.generations[k]});
            }
            batches.incrementAndGet();
          }
        }
      } catch (Throwable t) {
        error.compareAndSet(null, t);
      }
    }, "learner"));
    AtomicLong submitted = new AtomicLong();
    threads.add(new Thread(() -> {
      Random rnd = new Random(99);
      int[] slot = new int[1];
      long[] gen = new long[1];
      float[] p = new float[1];
      try {
        while (!stop.get() || !keys.isEmpty()) {
          long[] key = keys.poll();
          if (key == null) {
            Thread.onSpinWait();
            continue;
          }
          slot[0] = (int) key[0];
          gen[0] = key[1];
          p[0] = rnd.nextFloat() * 5;
          replay.updatePriorities(slot, gen, p, 1);
          submitted.incrementAndGet();
        }
      } catch (Throwable t) {
        error.compareAndSet(null, t);
      }
    }, "updater"));
    threads.forEach(Thread::start);
    Thread.sleep(1500);
    stop.set(true);
    replay.close();
    for (Thread t : threads) {
      t.join(10_000);
      assertTrue(!t.isAlive(), t.getName() + " did not stop");
    }
    if (error.get() != null) {
      throw new AssertionError("a worker failed", error.get());
    }
    ReplayStats s = replay.stats();
    long emitted = adders.stream().mapToLong(SequenceAdder::emittedSequences).sum();
    System.out.println("stress: " + s + ", batches " + batches.get() + ", updates submitted " + submitted.get());
    assertTrue(emitted > 2 * capacity, "too few inserts to exercise eviction: " + emitted);
    assertTrue(batches.get() > 50, "too few batches sampled: " + batches.get());
    assertEquals(emitted, s.inserts(), "inserts seen by the replay vs sequences the adders handed over");
    assertEquals(Math.min(capacity, emitted), s.size());
    assertEquals(s.inserts() - s.size(), s.evictions());
    assertEquals(batches.get() * BATCH, s.samples());
    assertEquals(submitted.get(), s.priorityUpdates() + s.staleUpdatesIgnored(),
        "every update is either applied or ignored as stale");
    assertTrue(s.staleUpdatesIgnored() > 0, "the test never produced a stale update");
    // Everything still held is intact.
    SequenceBatch b = replay.newBatch(1);
    PrioritizedSequenceReplay fresh = new PrioritizedSequenceReplay(cfg.withRateLimiter(RateLimiterConfig.minSize(1)));
    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("stress", ".ckpt");
    try {
      replay.checkpoint(tmp);
      fresh.restore(tmp);
      for (int i = 0; i < 64; i++) {
        fresh.sample(b);
        verifyRow(b, 0, capacity);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }
}
