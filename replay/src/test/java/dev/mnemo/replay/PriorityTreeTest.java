package dev.mnemo.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PriorityTreeTest {

  /**
   * The batched, branch-free descent lands on the leaf of the one-at-a-time descent for every draw: random
   * draws, draws on the exact boundaries between leaves (where {@code u == left} must go right), the last
   * representable draw, and trees with empty leaves (evicted slots, capacity not a power of two) where the
   * descent must steer away from a subtree without mass.
   */
  @Test
  void findAllAgreesWithFindOnEveryDrawIncludingBoundariesAndEmptyLeaves() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int capacity : new int[] {1, 2, 5, 13, 64, 1000}) {
      PriorityTree tree = new PriorityTree(capacity);
      double[] masses = new double[capacity];
      for (int i = 0; i < capacity; i++) {
        // a third of the leaves empty, the rest integers (exact boundaries) or arbitrary reals
        masses[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextBoolean() ? 1 + rnd.nextInt(4) : rnd.nextDouble(1e-3, 5);
        tree.set(i, masses[i], masses[i]);
      }
      if (tree.total() <= 0) {
        masses[0] = 2;
        tree.set(0, 2, 2);
      }
      double total = tree.total();
      int n = 300 + capacity;
      double[] us = new double[n];
      int k = 0;
      double cum = 0;
      for (int i = 0; i < capacity && k < n; i++) {
        us[k++] = cum; // exactly at a leaf's left edge (a partial sum of the leaves before it)
        cum += masses[i];
      }
      us[k++] = Math.nextDown(total);
      us[k++] = 0;
      while (k < n) {
        us[k++] = rnd.nextDouble() * Math.nextDown(total);
      }
      double[] expectedInputs = us.clone();
      int[] leaves = new int[n];
      tree.findAll(us, leaves, n);
      for (int i = 0; i < n; i++) {
        int expected = tree.find(expectedInputs[i]);
        assertEquals(expected, leaves[i], "capacity " + capacity + ", draw " + expectedInputs[i]);
        assertEquals(true, masses[leaves[i]] > 0, "capacity " + capacity + ": drew an empty leaf for "
            + expectedInputs[i]);
      }
    }
  }
}
