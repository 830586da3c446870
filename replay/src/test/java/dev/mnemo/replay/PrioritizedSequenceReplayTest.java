package dev.mnemo.replay;

import static dev.mnemo.replay.ReplayFixtures.config;
import static dev.mnemo.replay.ReplayFixtures.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrioritizedSequenceReplayTest {

  private static PrioritizedSequenceReplay filled(ReplayConfig cfg, float[] priorities)
      throws InterruptedException {
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(cfg);
    SequenceBatch one = r.newBatch(1);
    for (int i = 0; i < priorities.length; i++) {
      fill(one, 0, i);
      r.accept(one, 0, priorities[i]);
    }
    return r;
  }

  /** How often each sequence id (0..ids-1) was sampled in {@code n} draws. */
  private static long[] countSamples(PrioritizedSequenceReplay r, int ids, int n, int batch)
      throws InterruptedException {
    long[] counts = new long[ids];
    SequenceBatch b = r.newBatch(batch);
    for (int i = 0; i < n / batch; i++) {
      r.sample(b);
      for (int k = 0; k < batch; k++) {
        counts[ReplayFixtures.verify(b, k)]++;
      }
    }
    return counts;
  }

  /** Pearson's chi-square of observed counts against probabilities proportional to p^alpha. */
  private static double chiSquare(long[] counts, float[] p, double alpha) {
    double z = 0;
    long n = 0;
    for (int i = 0; i < p.length; i++) {
      z += Math.pow(p[i], alpha);
      n += counts[i];
    }
    double chi = 0;
    for (int i = 0; i < p.length; i++) {
      double e = n * Math.pow(p[i], alpha) / z;
      chi += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi;
  }

  @Test
  void samplingFrequenciesFollowPriorityToTheAlpha() throws InterruptedException {
    float[] p = {0.1f, 0.5f, 1f, 2f, 3f, 5f, 8f, 13f};
    double alpha = 0.6;
    PrioritizedSequenceReplay r = filled(config(8, alpha, 0.5, 42), p);
    long[] counts = countSamples(r, 8, 64_000, 32);
    // 7 degrees of freedom: P(chi2 > 24.3) = 0.001 for the right distribution.
    double right = chiSquare(counts, p, alpha);
    assertTrue(right < 24.3, "frequencies differ from p^0.6: chi2=" + right);
    // The same counts are far from what a wrong exponent predicts, so the test has power.
    double wrongHigh = chiSquare(counts, p, 0.9);
    double wrongLow = chiSquare(counts, p, 0.4);
    assertTrue(wrongHigh > 200 && wrongLow > 200, "counts should reject alpha 0.9 and 0.4: chi2="
        + wrongHigh + ", " + wrongLow);
  }

  @Test
  void alphaZeroSamplesUniformly() throws InterruptedException {
    float[] p = {0.1f, 1f, 10f, 100f};
    PrioritizedSequenceReplay r = filled(config(4, 0.0, 0.5, 7), p);
    long[] counts = countSamples(r, 4, 20_000, 16);
    double chi = chiSquare(counts, new float[] {1, 1, 1, 1}, 1.0);
    assertTrue(chi < 16.3, "alpha 0 must sample uniformly: chi2=" + chi); // df 3, p=0.001
  }

  @Test
  void importanceWeightsAreNTimesPToTheMinusBetaOverTheirMax() throws InterruptedException {
    float[] p = {0.2f, 1f, 4f, 9f, 0.7f};
    double alpha = 0.9;
    double beta = 0.6;
    PrioritizedSequenceReplay r = filled(config(8, alpha, beta, 3), p);
    double z = 0;
    for (float q : p) {
      z += Math.pow(q, alpha);
    }
    SequenceBatch b = r.newBatch(16);
    for (int round = 0; round < 20; round++) {
      r.sample(b);
      double[] w = new double[16];
      double max = 0;
      for (int k = 0; k < 16; k++) {
        int id = ReplayFixtures.verify(b, k);
        w[k] = Math.pow(p.length * Math.pow(p[id], alpha) / z, -beta);
        max = Math.max(max, w[k]);
      }
      for (int k = 0; k < 16; k++) {
        assertEquals(w[k] / max, b.weights[k], 1e-5, "weight of row " + k);
      }
    }
  }

  @Test
  void fifoEvictionKeepsTheNewestAndGenerationsCountInserts() throws InterruptedException {
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(config(4, 1, 1, 1));
    SequenceBatch one = r.newBatch(1);
    for (int i = 0; i < 10; i++) {
      fill(one, 0, i);
      r.accept(one, 0, 1f);
    }
    ReplayStats s = r.stats();
    assertEquals(4, s.size());
    assertEquals(10, s.inserts());
    assertEquals(6, s.evictions());
    long[] counts = countSamples(r, 10, 4000, 8);
    for (int i = 0; i < 10; i++) {
      assertEquals(i >= 6, counts[i] > 0, "sequence " + i + " sampled (only the 4 newest are held)");
    }
    // Generation g sits in slot g mod capacity.
    SequenceBatch b = r.newBatch(8);
    r.sample(b);
    for (int k = 0; k < 8; k++) {
      int id = ReplayFixtures.verify(b, k);
      assertEquals(id, b.generations[k], "generation of sequence " + id);
      assertEquals(id % 4, b.slots[k], "slot of sequence " + id);
    }
  }

  @Test
  void staleUpdatesForEvictedSequencesAreIgnored() throws InterruptedException {
    PrioritizedSequenceReplay r = filled(config(4, 1, 1, 5), new float[] {1, 1, 1, 1});
    SequenceBatch b = r.newBatch(4);
    r.sample(b);
    int[] slots = b.slots.clone();
    long[] gens = b.generations.clone();
    SequenceBatch one = r.newBatch(1);
    for (int i = 4; i < 8; i++) { // evicts everything sampled
      fill(one, 0, i);
      r.accept(one, 0, 2f);
    }
    int applied = r.updatePriorities(slots, gens, new float[] {50, 50, 50, 50}, 4);
    assertEquals(0, applied, "updates for evicted sequences must be ignored");
    assertEquals(4, r.stats().staleUpdatesIgnored());
    for (int s = 0; s < 4; s++) {
      assertEquals(2.0, r.priority(s, 4 + s), 1e-6, "priority of the sequence now in slot " + s);
    }
    // A current key is applied.
    assertEquals(1, r.updatePriorities(new int[] {1}, new long[] {5}, new float[] {7f}, 1));
    assertEquals(7.0, r.priority(1, 5), 1e-6);
    assertEquals(1, r.stats().priorityUpdates());
  }

  @Test
  void newSequencesEnterAtTheMaxHeldPriorityUnlessTheActorSuppliesOne() throws InterruptedException {
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(config(3, 1, 1, 5));
    SequenceBatch one = r.newBatch(1);
    fill(one, 0, 0);
    r.accept(one, 0, SequenceSink.MAX_PRIORITY);
    assertEquals(1.0, r.priority(0, 0), 1e-9, "first sequence enters at initialMaxPriority");
    r.accept(one, 0, 6f);
    r.accept(one, 0, SequenceSink.MAX_PRIORITY);
    assertEquals(6.0, r.priority(1, 1), 1e-6, "actor-supplied priority");
    assertEquals(6.0, r.priority(2, 2), 1e-6, "no priority: the max held");
    r.updatePriorities(new int[] {1, 2}, new long[] {1, 2}, new float[] {0.5f, 3f}, 2);
    r.accept(one, 0, SequenceSink.MAX_PRIORITY); // evicts slot 0 (priority 1)
    assertEquals(3.0, r.priority(0, 3), 1e-6, "max over the sequences still held");
    assertEquals(3.0, r.stats().maxPriority(), 1e-6);
    assertEquals((0.5 + 3 + 3) / 3, r.stats().meanPriority(), 1e-6);
  }

  @Test
  void updatedPrioritiesChangeSamplingAndZeroIsRaisedToTheFloor() throws InterruptedException {
    PrioritizedSequenceReplay r = filled(config(2, 1, 1, 9), new float[] {1, 1});
    r.updatePriorities(new int[] {0, 1}, new long[] {0, 1}, new float[] {0f, 1f}, 2);
    assertEquals(1e-6, r.priority(0, 0), 1e-12, "zero priority raised to minPriority");
    long[] counts = countSamples(r, 2, 4000, 8);
    assertTrue(counts[0] <= 2 && counts[1] >= 3998, "almost all samples from slot 1: " + counts[0]
        + " vs " + counts[1]);
  }

  @Test
  void badInputFailsLoudlyAndChangesNothing() throws InterruptedException {
    PrioritizedSequenceReplay r = filled(config(2, 1, 1, 9), new float[] {1, 2});
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> r.updatePriorities(new int[] {0, 1}, new long[] {0, 1}, new float[] {5f, Float.NaN}, 2));
    assertTrue(nan.getMessage().contains("priority[1]"), nan.getMessage());
    assertEquals(1.0, r.priority(0, 0), 1e-9, "a rejected update batch applies nothing");
    SequenceBatch other = new SequenceBatch(1, 5, 2, 2, 3, true);
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> r.accept(other, 0, 1f));
    assertTrue(shape.getMessage().contains("does not match"), shape.getMessage());
    SequenceBatch one = r.newBatch(1);
    assertThrows(IllegalArgumentException.class, () -> r.accept(one, 0, -1f));
    assertThrows(IllegalArgumentException.class,
        () -> new ReplayConfig(0, ReplayFixtures.SMALL, 1, 1, 1, 1e-6, RateLimiterConfig.minSize(1), 0));
    assertEquals(2, r.size());
  }

  @Test
  void steadyStateInsertAndSampleAllocateNothing() throws InterruptedException {
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(config(64, 0.9, 0.6, 1));
    SequenceBatch one = r.newBatch(1);
    SequenceBatch batch = r.newBatch(16);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = 0;
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        before = mx.getThreadAllocatedBytes(tid);
      }
      for (int i = 0; i < 5000; i++) {
        r.insert(one, 0, (i % 10) + 1f, 1, TimeUnit.SECONDS);
        if (i % 4 == 0) {
          r.sample(batch, 1, TimeUnit.SECONDS);
          r.updatePriorities(batch.slots, batch.generations, batch.weights, 16);
        }
      }
    }
    long bytes = mx.getThreadAllocatedBytes(tid) - before;
    assertTrue(bytes < 5000, "5000 inserts and 1250 samples allocated " + bytes + " bytes (expected none)");
  }

  /**
   * Records longer than a page (sample touches every 4 KB page of a sampled record before copying it): rows come
   * out whole at every record length around the page strides, and sampling still allocates nothing.
   */
  @Test
  void multiPageRecordsSampleWholeAndAllocateNothing() throws InterruptedException {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (int obs : new int[] {250, 251, 256, 511, 700}) { // float records of 1022 to 2822 floats (T = 4)
      SequenceConfig seq = new SequenceConfig(1, 2, 1, 2, obs, 6, 3, false, true, SequenceBoundary.EPISODE);
      PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(
          new ReplayConfig(8, seq, 0.9, 0.6, 1.0, 1e-6, RateLimiterConfig.minSize(1), 3));
      SequenceBatch one = r.newBatch(1);
      for (int id = 0; id < 8; id++) {
        fill(one, 0, id);
        r.accept(one, 0, id + 1f);
      }
      SequenceBatch batch = r.newBatch(5);
      long before = 0;
      int seen = 0;
      for (int round = 0; round < 2; round++) {
        if (round == 1) {
          before = mx.getThreadAllocatedBytes(tid);
        }
        for (int i = 0; i < 400; i++) {
          r.sample(batch, 1, TimeUnit.SECONDS);
          if (round == 0) {
            for (int k = 0; k < 5; k++) {
              seen |= 1 << ReplayFixtures.verify(batch, k);
            }
          }
        }
      }
      long bytes = mx.getThreadAllocatedBytes(tid) - before;
      assertTrue(bytes < 2000, "obs " + obs + ": 400 samples allocated " + bytes + " bytes (expected none)");
      assertEquals(0xFF, seen, "obs " + obs + ": every sequence is sampled at some point");
    }
  }

  /**
   * The bench's storage baseline reads the stored records of the given slots, whole: the rows of a sampled
   * batch are found in them field by field (the layout a sample splits), in the order of the slots.
   */
  @Test
  void copyStoredRecordsCopiesTheRecordsASampleReads() throws InterruptedException {
    PrioritizedSequenceReplay r = filled(config(6, 1, 1, 4), new float[] {1, 2, 3, 4, 5, 6});
    SequenceBatch b = r.newBatch(4);
    r.sample(b);
    int fl = r.storedFloatsPerSequence();
    int il = r.storedIntsPerSequence();
    int t = b.length();
    assertEquals(t * (b.obsSize() + 5 + b.numActions()) + b.stateSize(), fl);
    assertEquals(2 * t, il);
    float[] floats = new float[4 * fl];
    int[] ints = new int[4 * il];
    r.copyStoredRecords(b.slots, 4, floats, ints);
    int obsFloats = t * b.obsSize();
    for (int k = 0; k < 4; k++) {
      int f = k * fl;
      assertArrayEq(b.obs, k * obsFloats, floats, f, obsFloats, "obs", k);
      assertArrayEq(b.rewards, k * t, floats, f + obsFloats, t, "rewards", k);
      assertArrayEq(b.episodeStarts, k * t, floats, f + obsFloats + 4 * t, t, "episodeStarts", k);
      assertArrayEq(b.state0, k * b.stateSize(), floats, f + obsFloats + 5 * t, b.stateSize(), "state0", k);
      for (int s = 0; s < t; s++) {
        assertEquals(b.actions[k * t + s], ints[k * il + s], "actions of row " + k);
        assertEquals(b.prevActions[k * t + s], ints[k * il + t + s], "prevActions of row " + k);
      }
    }
    IllegalArgumentException slot = assertThrows(IllegalArgumentException.class,
        () -> r.copyStoredRecords(new int[] {6}, 1, floats, ints));
    assertTrue(slot.getMessage().contains("slot[0]"), slot.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.copyStoredRecords(b.slots, 4, new float[fl], ints));
    assertThrows(IllegalArgumentException.class, () -> r.copyStoredRecords(b.slots, 5, floats, ints));
  }

  private static void assertArrayEq(float[] expected, int eOff, float[] actual, int aOff, int n, String field,
      int row) {
    for (int i = 0; i < n; i++) {
      assertEquals(Float.floatToRawIntBits(expected[eOff + i]), Float.floatToRawIntBits(actual[aOff + i]),
          field + " of row " + row + " at " + i);
    }
  }
}
