package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RngAndSeedsTest {

  @Test
  void reseedingRestartsTheSameStream() {
    Rng a = new Rng(42);
    long first = a.nextLong();
    double g = a.nextGaussian();
    a.setSeed(42);
    assertEquals(first, a.nextLong(), "first value after reseeding");
    assertEquals(g, a.nextGaussian(), "gaussian after reseeding (spare must be discarded)");
  }

  @Test
  void nextIntIsUniformOverItsRange() {
    Rng rng = new Rng(1);
    int[] counts = new int[7];
    int n = 70_000;
    for (int i = 0; i < n; i++) {
      counts[rng.nextInt(7)]++;
    }
    for (int c : counts) {
      assertEquals(n / 7.0, c, 400, "bucket count (expected ~10000, 4 sigma = 400)");
    }
    assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
  }

  @Test
  void gaussianHasUnitVarianceAndZeroMean() {
    Rng rng = new Rng(3);
    int n = 200_000;
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double x = rng.nextGaussian();
      sum += x;
      sq += x * x;
    }
    assertEquals(0, sum / n, 0.01, "mean");
    assertEquals(1, sq / n, 0.01, "second moment");
  }

  @Test
  void shufflePermutesEveryElement() {
    Rng rng = new Rng(9);
    int[] a = new int[52];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    rng.shuffle(a);
    Set<Integer> seen = new HashSet<>();
    int fixed = 0;
    for (int i = 0; i < a.length; i++) {
      seen.add(a[i]);
      fixed += a[i] == i ? 1 : 0;
    }
    assertEquals(52, seen.size(), "shuffle must be a permutation");
    assertTrue(fixed < 10, "a shuffle leaves few fixed points, got " + fixed);
  }

  @Test
  void episodeSeedsDifferAcrossCopiesAndEpisodes() {
    Set<Long> seeds = new HashSet<>();
    for (int i = 0; i < 64; i++) {
      for (int e = 0; e < 64; e++) {
        seeds.add(Seeds.episodeSeed(7, i, e));
      }
    }
    assertEquals(64 * 64, seeds.size(), "every (copy, episode) pair gets its own seed");
    assertEquals(Seeds.episodeSeed(7, 3, 5), Seeds.episodeSeed(7, 3, 5), "deterministic");
    assertNotEquals(Seeds.episodeSeed(7, 3, 5), Seeds.episodeSeed(8, 3, 5), "depends on master seed");
    assertNotEquals(Seeds.combine(1, 2), Seeds.combine(2, 1), "order matters");
  }
}
