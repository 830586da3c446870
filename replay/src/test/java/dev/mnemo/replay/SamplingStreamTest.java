package dev.mnemo.replay;

import static dev.mnemo.replay.ReplayFixtures.config;
import static dev.mnemo.replay.ReplayFixtures.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Pins exactly what a sample draws (row by row: slot, generation, weight bits, contents) against an
 * independent computation: the replay's SplitMix64 stream, stratified draws and a linear cumulative search
 * instead of the sum tree. Priorities are small integers and alpha is 1 so every partial sum is exact in
 * double and the tree and the linear scan must agree to the bit. A faster sampler must keep this stream (runs
 * stay bit-identical and a restored replay samples as the original would).
 */
class SamplingStreamTest {

  /** SplitMix64 as the replay documents it: the uniform of the next draw. */
  private static double uniform(long[] state) {
    long z = (state[0] += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  @Test
  void everyRowIsTheStratifiedDrawOfTheSeededStreamWithItsExactWeight() throws InterruptedException {
    int capacity = 13; // not a power of two: the tree has empty leaves
    double beta = 0.6;
    long seed = 12345;
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(config(capacity, 1.0, beta, seed));
    SequenceBatch one = r.newBatch(1);
    int inserted = 20; // wraps: slots hold ids 7..19, slot s holds id 13 + s for s < 7, else id s
    double[] mass = new double[capacity];
    long[] generation = new long[capacity];
    for (int id = 0; id < inserted; id++) {
      fill(one, 0, id);
      float p = 1 + (id * 7) % 5; // 1..5, exact in float and double
      r.accept(one, 0, p);
      mass[id % capacity] = p;
      generation[id % capacity] = id;
    }
    // Later priority updates (by key) change the masses the next draws see.
    int batch = 6;
    SequenceBatch b = r.newBatch(batch);
    long[] rng = {seed};
    float[] newP = new float[batch];
    for (int round = 0; round < 40; round++) {
      r.sample(b);
      double total = 0;
      for (double m : mass) {
        total += m;
      }
      double slice = total / batch;
      double[] w = new double[batch];
      double maxW = 0;
      for (int k = 0; k < batch; k++) {
        double u = Math.min((k + uniform(rng)) * slice, Math.nextDown(total));
        int slot = 0;
        double cum = mass[0];
        while (u >= cum || mass[slot] <= 0) {
          cum += mass[++slot];
        }
        assertEquals(slot, b.slots[k], "round " + round + " row " + k + ": slot");
        assertEquals(generation[slot], b.generations[k], "round " + round + " row " + k + ": generation");
        assertEquals((int) generation[slot], ReplayFixtures.verify(b, k), "round " + round + " row " + k + ": contents");
        w[k] = Math.pow(capacity * (mass[slot] / total), -beta);
        maxW = Math.max(maxW, w[k]);
      }
      for (int k = 0; k < batch; k++) {
        assertEquals(Float.floatToIntBits((float) ((float) w[k] / maxW)), Float.floatToIntBits(b.weights[k]),
            "round " + round + " row " + k + ": weight bits");
        newP[k] = 1 + (round + k) % 4;
        mass[b.slots[k]] = newP[k];
      }
      r.updatePriorities(b, newP);
    }
  }

  /**
   * The draws of a larger replay at R2D2's exponents (alpha 0.9, beta 0.6, real-valued priorities, FIFO
   * eviction, priority updates), folded into one fingerprint recorded with the sampler as it was before it was
   * made faster: the stream must not move by one bit.
   */
  @Test
  void aLongRunAtR2d2ExponentsDrawsTheRecordedStream() throws InterruptedException {
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(config(300, 0.9, 0.6, 99));
    SequenceBatch one = r.newBatch(1);
    SequenceBatch b = r.newBatch(64);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    float[] newP = new float[64];
    long h = 17;
    int id = 0;
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < 7; i++, id++) {
        fill(one, 0, id);
        r.accept(one, 0, i == 3 ? Float.NaN : (float) rnd.nextDouble(0.01, 10));
      }
      r.sample(b);
      for (int k = 0; k < 64; k++) {
        h = h * 31 + b.slots[k];
        h = h * 31 + b.generations[k];
        h = h * 31 + Float.floatToIntBits(b.weights[k]);
        h = h * 31 + ReplayFixtures.verify(b, k);
        newP[k] = (float) rnd.nextDouble(0, 20);
      }
      r.updatePriorities(b, newP);
    }
    assertEquals(RECORDED, h, "the sampled stream changed");
  }

  private static final long RECORDED = 8802690423062657919L;
}
