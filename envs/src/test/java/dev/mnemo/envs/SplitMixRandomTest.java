package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMixRandomTest {

  /** The promise that keeps old runs reproducible: the same numbers as SplittableRandom, draw by draw. */
  @Test
  void drawsTheSameStreamAsSplittableRandom() {
    int[] bounds = {1, 2, 3, 5, 7, 8, 18, 64, 1000, (1 << 30) + 1, Integer.MAX_VALUE};
    for (long seed : new long[] {0, 1, -7, 0x9E3779B97F4A7C15L, 123456789}) {
      SplittableRandom jdk = new SplittableRandom(seed);
      SplitMixRandom ours = new SplitMixRandom(seed);
      for (int i = 0; i < 200_000; i++) {
        switch (i % 4) {
          case 0 -> assertEquals(jdk.nextDouble(), ours.nextDouble(), "nextDouble draw " + i + " seed " + seed);
          case 1 -> {
            int b = bounds[(i / 4) % bounds.length];
            assertEquals(jdk.nextInt(b), ours.nextInt(b), "nextInt(" + b + ") draw " + i + " seed " + seed);
          }
          case 2 -> assertEquals(jdk.nextLong(), ours.nextLong(), "nextLong draw " + i + " seed " + seed);
          default -> assertEquals(jdk.nextInt(), ours.nextInt(), "nextInt draw " + i + " seed " + seed);
        }
      }
    }
  }

  @Test
  void aGeneratorSetToAnotherStateContinuesItsStream() {
    SplitMixRandom a = new SplitMixRandom(42);
    for (int i = 0; i < 1000; i++) {
      a.nextInt(7);
    }
    SplitMixRandom b = new SplitMixRandom(0);
    b.setState(a.state());
    for (int i = 0; i < 1000; i++) {
      assertEquals(a.nextDouble(), b.nextDouble());
      assertEquals(a.nextInt(1000), b.nextInt(1000));
    }
  }

  @Test
  void refusesANonPositiveBound() {
    SplitMixRandom r = new SplitMixRandom(1);
    assertEquals("bound must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0)).getMessage());
  }
}
