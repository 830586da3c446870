package dev.mnemo.replay;

import java.util.Arrays;

/**
 * A binary tree over a fixed number of leaves keeping, at every node, the sum of the sampling masses
 * (priority^α) below it and the maximum raw priority below it: O(log n) update, proportional draw and
 * maximum. Not thread-safe (the replay guards it).
 *
 * <p>Inner nodes are recomputed from their children on every update rather than adjusted by a delta,
 * so rounding errors cannot accumulate over millions of updates.
 */
final class PriorityTree {
  private final int leaves;
  private final double[] sums;
  private final double[] maxes;

  PriorityTree(int capacity) {
    int n = 1;
    while (n < capacity) {
      n <<= 1;
    }
    leaves = n;
    sums = new double[2 * n];
    maxes = new double[2 * n];
  }

  /** Sets leaf {@code i} to sampling mass {@code mass} and raw priority {@code priority}. */
  void set(int i, double mass, double priority) {
    int node = i + leaves;
    sums[node] = mass;
    maxes[node] = priority;
    node >>= 1;
    while (node >= 1) {
      int l = node << 1;
      sums[node] = sums[l] + sums[l + 1];
      maxes[node] = Math.max(maxes[l], maxes[l + 1]);
      node >>= 1;
    }
  }

  double mass(int i) {
    return sums[i + leaves];
  }

  double total() {
    return sums[1];
  }

  /** Largest raw priority of any leaf (0 when empty). */
  double max() {
    return maxes[1];
  }

  /**
   * The leaf where the cumulative mass first exceeds {@code u}, for {@code u} in {@code [0, total)}.
   * Never returns a leaf of zero mass when the total is positive (rounding at a boundary steers to the
   * side that has mass).
   */
  int find(double u) {
    int node = 1;
    while (node < leaves) {
      int l = node << 1;
      double left = sums[l];
      if (u < left || sums[l + 1] <= 0) {
        node = l;
      } else {
        u -= left;
        node = l + 1;
      }
    }
    return node - leaves;
  }

  void clear() {
    Arrays.fill(sums, 0);
    Arrays.fill(maxes, 0);
  }

  /** Bytes held by the tree arrays. */
  long bytes() {
    return 16L * sums.length;
  }
}
