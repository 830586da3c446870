package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class EpsilonGreedyTest {

  @Test
  void apeXEpsilonIsPointFourToTheOnePlusSevenIOverNMinusOne() {
    // N = 8: the exponent 1 + 7 i / 7 is 1 + i.
    for (int i = 0; i < 8; i++) {
      assertEquals(Math.pow(0.4, 1 + i), EpsilonGreedy.apeXEpsilon(i, 8), 1e-15, "eps_" + i + " of 8");
    }
    assertEquals(0.4, EpsilonGreedy.apeXEpsilon(0, 1), 0.0, "a single actor gets 0.4");
    assertEquals(0.4 * 0.4 * Math.sqrt(0.4) * 0.4 * 0.4, EpsilonGreedy.apeXEpsilon(1, 3), 1e-15,
        "eps_1 of 3 = 0.4^4.5");
    assertEquals(Math.pow(0.4, 8), EpsilonGreedy.apeXEpsilon(255, 256), 1e-15, "last of 256 = 0.4^8");
    double[] slice = EpsilonGreedy.apeXSchedule(2, 3, 8);
    assertArrayEquals(new double[] {Math.pow(0.4, 3), Math.pow(0.4, 4), Math.pow(0.4, 5)}, slice, 1e-15,
        "actors 2..4 of 8");
    assertThrows(IllegalArgumentException.class, () -> EpsilonGreedy.apeXEpsilon(3, 3));
    assertEquals(1.0 / 8, EpsilonGreedy.apeXEpsilon(1, 3, 0.5, 4.0), 1e-15,
        "base 0.5, alpha 4: eps_1 of 3 = 0.5^(1 + 4 * 1/2)");
    assertEquals(1.0 / 32, EpsilonGreedy.apeXEpsilon(2, 3, 0.5, 4.0), 1e-15,
        "base 0.5, alpha 4: eps_2 of 3 = 0.5^(1 + 4)");
  }

  @Test
  void greedyRowsPickTheArgmaxAndTiesGoToTheLowestAction() {
    EpsilonGreedy greedy = new EpsilonGreedy(new double[] {0, 0, 0, 0}, 3, 1);
    float[] q = {
        1f, 3f, 2f,
        5f, 5f, 5f,
        -2f, -1f, -1f,
        Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, -7f};
    int[] actions = new int[4];
    greedy.select(q, actions);
    assertArrayEquals(new int[] {1, 0, 1, 2}, actions, "greedy actions per row");
  }

  @Test
  void explorationRateAndUniformityMatchEpsilonForAFixedSeed() {
    // Row 0 explores with 0.5 over 4 actions: non-greedy with prob 0.5 * 3/4; each action 0.125 + ...
    EpsilonGreedy eg = new EpsilonGreedy(new double[] {0.5, 0.0}, 4, 2024);
    float[] q = {0f, 0f, 9f, 0f, 0f, 0f, 9f, 0f};
    int[] actions = new int[2];
    int[] counts = new int[4];
    int n = 40_000;
    for (int t = 0; t < n; t++) {
      eg.select(q, actions);
      counts[actions[0]]++;
      assertEquals(2, actions[1], "row with epsilon 0 must always be greedy");
    }
    assertEquals(0.5 + 0.125, counts[2] / (double) n, 0.01, "greedy action frequency");
    for (int a : new int[] {0, 1, 3}) {
      assertEquals(0.125, counts[a] / (double) n, 0.01, "frequency of non-greedy action " + a);
    }
  }

  @Test
  void sameSeedGivesTheSameActions() {
    float[] q = {0.1f, 0.2f, 0.3f, 0.3f, 0.2f, 0.1f, 0f, 1f, 0f};
    EpsilonGreedy a = EpsilonGreedy.apeX(3, 3, 77);
    EpsilonGreedy b = EpsilonGreedy.apeX(3, 3, 77);
    EpsilonGreedy c = EpsilonGreedy.apeX(3, 3, 78);
    int[] xa = new int[3];
    int[] xb = new int[3];
    int[] xc = new int[3];
    boolean differs = false;
    for (int t = 0; t < 500; t++) {
      a.select(q, xa);
      b.select(q, xb);
      c.select(q, xc);
      assertArrayEquals(xa, xb, "same seed, step " + t);
      differs |= !java.util.Arrays.equals(xa, xc);
    }
    assertTrue(differs, "a different seed should explore differently within 500 steps");
  }

  @Test
  void selectAllocatesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    EpsilonGreedy eg = EpsilonGreedy.apeX(64, 4, 5);
    float[] q = new float[64 * 4];
    int[] actions = new int[64];
    for (int t = 0; t < 20_000; t++) {
      eg.select(q, actions);
    }
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int t = 0; t < 1000; t++) {
      eg.select(q, actions);
    }
    assertEquals(0L, mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before,
        "bytes allocated by 1000 selections");
  }

  @Test
  void badInputFailsLoudly() {
    IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
        () -> new EpsilonGreedy(new double[] {0.1, 1.5}, 2, 0));
    assertTrue(eps.getMessage().contains("epsilons[1] = 1.5"), eps.getMessage());
    EpsilonGreedy eg = new EpsilonGreedy(new double[] {0.0}, 2, 0);
    IllegalStateException nan = assertThrows(IllegalStateException.class,
        () -> eg.select(new float[] {0f, Float.NaN}, new int[1]));
    assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
    IllegalArgumentException shortQ = assertThrows(IllegalArgumentException.class,
        () -> eg.select(new float[1], new int[1]));
    assertTrue(shortQ.getMessage().contains("q=1"), shortQ.getMessage());
  }
}
