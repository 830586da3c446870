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

  /**
   * {@link #find} for {@code us[0..n)} at once: {@code out[k]} becomes {@code find(us[k])}, the same leaf
   * by the same arithmetic ({@code us} is overwritten with what is left of each draw). Two things make it
   * faster than n calls of {@link #find}: the n descents advance one level at a time together, so their
   * loads (independent of one another) overlap instead of each waiting for the previous descent, and each
   * child is chosen without a branch (random draws make that branch a coin toss the CPU mispredicts half
   * the time). The choice uses the sign of {@code u - left}, which is exactly {@code u >= left} (the
   * difference of two distinct doubles is never 0), and "the right subtree has mass" as a nonzero bit
   * pattern (masses are {@code +0.0} or positive); {@code u - left * 1} and {@code u - left * 0} are exactly
   * {@code u - left} and {@code u}.
   */
  void findAll(double[] us, int[] out, int n) {
    for (int k = 0; k < n; k++) {
      out[k] = 1;
    }
    for (int width = leaves; width > 1; width >>= 1) {
      for (int k = 0; k < n; k++) {
        int l = out[k] << 1;
        double u = us[k];
        double left = sums[l];
        long diff = Double.doubleToRawLongBits(u - left);
        long right = Double.doubleToRawLongBits(sums[l + 1]);
        int goRight = (int) ((~diff >>> 63) & ((right | -right) >>> 63));
        out[k] = l + goRight;
        us[k] = u - left * goRight;
      }
    }
    for (int k = 0; k < n; k++) {
      out[k] -= leaves;
    }
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
