package dev.mnemo.agents.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GittinsIndexTest {

  @Test
  void indexWithOnePullLeftIsThePosteriorMean() {
    for (double[] ab : new double[][] {{1, 1}, {3, 1}, {2, 7}, {10, 4}}) {
      assertEquals(ab[0] / (ab[0] + ab[1]), GittinsIndex.exact(ab[0], ab[1], 1), 1e-15,
          "G(" + ab[0] + ", " + ab[1] + ", r=1)");
    }
  }

  @Test
  void twoPullsFromTheUniformPriorGiveFiveNinths() {
    // Pull once; continue only after a success: (1/2 + 1/2 * 2/3) / (1 + 1/2) = 5/9.
    assertEquals(5.0 / 9.0, GittinsIndex.exact(1, 1, 2), 1e-15);
  }

  @Test
  void exactIndexEqualsTheBestOfAllHistoryDependentStoppingRules() {
    for (double[] ab : new double[][] {{1, 1}, {2, 1}, {1, 3}, {3, 2}, {0.5, 0.5}}) {
      for (int r = 1; r <= 4; r++) {
        double brute = bruteForceIndex(ab[0], ab[1], r);
        assertEquals(brute, GittinsIndex.exact(ab[0], ab[1], r), 1e-12,
            "a=" + ab[0] + ", b=" + ab[1] + ", r=" + r + ": Dinkelbach vs enumeration of every stopping rule");
      }
    }
  }

  /**
   * max over every stopping rule on the binary history tree (node i has children 2i = success,
   * 2i + 1 = failure; the root pull is forced) of E[rewards] / E[pulls].
   */
  private static double bruteForceIndex(double a, double b, int r) {
    int optionalNodes = (1 << r) - 2; // nodes 2 .. 2^r - 1 decide whether to keep pulling
    double best = Double.NEGATIVE_INFINITY;
    for (int mask = 0; mask < (1 << optionalNodes); mask++) {
      double[] sums = evaluate(1, a, b, 1, r, mask);
      best = Math.max(best, sums[0] / sums[1]);
    }
    return best;
  }

  private static double[] evaluate(int node, double a, double b, int depth, int r, int mask) {
    double p = a / (a + b);
    double rewards = p;
    double pulls = 1;
    if (depth < r) {
      int success = 2 * node;
      int failure = 2 * node + 1;
      if ((mask >> (success - 2) & 1) == 1) {
        double[] s = evaluate(success, a + 1, b, depth + 1, r, mask);
        rewards += p * s[0];
        pulls += p * s[1];
      }
      if ((mask >> (failure - 2) & 1) == 1) {
        double[] f = evaluate(failure, a, b + 1, depth + 1, r, mask);
        rewards += (1 - p) * f[0];
        pulls += (1 - p) * f[1];
      }
    }
    return new double[] {rewards, pulls};
  }

  @Test
  void exactTableMatchesDirectComputation() {
    GittinsIndexTable table = GittinsIndexTable.build(30, GittinsIndexTable.Method.EXACT, 50, 2);
    for (int[] sfr : new int[][] {{0, 0, 30}, {3, 1, 12}, {0, 5, 7}, {10, 10, 10}, {2, 0, 1}}) {
      double direct = GittinsIndex.exact(1 + sfr[0], 1 + sfr[1], sfr[2]);
      assertEquals(direct, table.index(sfr[0], sfr[1], sfr[2]), 1e-6,
          "table vs direct at s=" + sfr[0] + ", f=" + sfr[1] + ", r=" + sfr[2]);
    }
  }

  @Test
  void lambdaGridIsALowerBoundWithinOneThousandthOfExact() {
    int n = 40;
    GittinsIndexTable exact = GittinsIndexTable.build(n, GittinsIndexTable.Method.EXACT, 250, 2);
    GittinsIndexTable grid = GittinsIndexTable.build(n, GittinsIndexTable.Method.LAMBDA_GRID, 250, 2);
    double maxError = 0;
    for (int d = 0; d < n; d++) {
      for (int s = 0; s <= d; s++) {
        for (int r = 1; d + r <= n; r++) {
          double e = exact.index(s, d - s, r);
          double g = grid.index(s, d - s, r);
          assertTrue(g <= e + 1e-6, "grid " + g + " above exact " + e + " at s=" + s + ", f=" + (d - s) + ", r=" + r);
          maxError = Math.max(maxError, e - g);
        }
      }
    }
    assertTrue(maxError < 1e-3, "max grid error " + maxError + " >= 1e-3");
  }

  @Test
  void indexRisesWithSuccessesFallsWithFailuresAndGrowsWithRemainingPulls() {
    int n = 30;
    GittinsIndexTable table = GittinsIndexTable.build(n, GittinsIndexTable.Method.EXACT, 50, 2);
    for (int d = 0; d < n - 1; d++) {
      for (int s = 0; s <= d; s++) {
        int f = d - s;
        for (int r = 1; d + 1 + r <= n; r++) {
          double g = table.index(s, f, r);
          String at = " at s=" + s + ", f=" + f + ", r=" + r;
          assertTrue(table.index(s + 1, f, r) > g, "one more success must raise the index" + at);
          assertTrue(table.index(s, f + 1, r) < g, "one more failure must lower the index" + at);
          assertTrue(table.index(s, f, r + 1) >= g - 1e-7, "one more pull left must not lower the index" + at);
          assertTrue(g >= (1.0 + s) / (2.0 + d) - 1e-7, "index below the posterior mean" + at);
        }
      }
    }
    assertTrue(table.index(0, 0, 30) > table.index(0, 0, 2) + 0.2,
        "exploration bonus of a fresh arm must grow with the horizon: " + table.index(0, 0, 30));
  }

  @Test
  void tableIsTheSameWhateverTheThreadCount() {
    GittinsIndexTable one = GittinsIndexTable.build(50, GittinsIndexTable.Method.LAMBDA_GRID, 64, 1);
    GittinsIndexTable two = GittinsIndexTable.build(50, GittinsIndexTable.Method.LAMBDA_GRID, 64, 2);
    for (int d = 0; d < 50; d++) {
      for (int s = 0; s <= d; s++) {
        for (int r = 1; d + r <= 50; r++) {
          assertEquals(one.index(s, d - s, r), two.index(s, d - s, r), 0.0, "s=" + s + " f=" + (d - s) + " r=" + r);
        }
      }
    }
  }

  @Test
  void badArgumentsFailWithTheirName() {
    GittinsIndexTable table = GittinsIndexTable.build(10, GittinsIndexTable.Method.EXACT, 10, 1);
    IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> table.index(5, 5, 1));
    assertTrue(outside.getMessage().contains("maxHorizon=10"), outside.getMessage());
    assertThrows(IllegalArgumentException.class, () -> table.index(0, 0, 0));
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> GittinsIndex.exact(1, 1, 0));
    assertTrue(r.getMessage().contains("remaining"), r.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GittinsIndex.exact(0, 1, 3));
    IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
        () -> GittinsIndexTable.build(0, GittinsIndexTable.Method.EXACT, 10, 1));
    assertTrue(h.getMessage().contains("maxHorizon"), h.getMessage());
  }
}
